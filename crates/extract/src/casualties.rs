//! Casualties: numbers of people killed, hurt, missing, taken, displaced or arrested,
//! with their qualifier, victims, perpetrator, claimant, status and date.

use sitrep_core::{Actor, Casualty, CasualtyKind, Event, NumberMention, Qualifier, Span, TokRange};
use sitrep_lexicon::field;

use crate::claims::claim_at;
use crate::cues::any_in;
use crate::events::{push_actor, status_at};
use crate::{Ctx, starting_in};

const POSSESSIVE: &[&str] = &[
    "ses", "son", "sa", "leurs", "leur", "its", "their", "his", "her", "our", "nos", "notre",
];

/// Finds casualty claims and attaches each to an event of its sentence (creating an
/// assault event when the sentence has none).
pub fn attach(cx: &Ctx<'_, '_>, events: &mut Vec<Event>) {
    let mut used_numbers: Vec<usize> = Vec::new();
    let mut seen: Vec<(
        CasualtyKind,
        Option<u64>,
        Option<&str>,
        Option<&str>,
        sitrep_core::Status,
    )> = Vec::new();
    for (si, s) in cx.text.sentences.iter().enumerate() {
        let sent = s.toks.clone();
        let words: Vec<_> = cx.pack.casualty.find(cx.text, sent.clone());
        let mut unknown_done = false;
        for m in &words {
            let Some(kind) = cx
                .pack
                .casualty
                .rows_of(m)
                .next()
                .and_then(|r| field(r, 1))
                .and_then(CasualtyKind::parse)
            else {
                continue;
            };
            let found = number_for(cx, m.toks.clone(), sent.clone(), &words, &used_numbers);
            let (count, qualifier, low, high, span, victims_range) = match found {
                Some((ni, n, vr)) => {
                    used_numbers.push(ni);
                    (
                        Some(n.value),
                        Some(n.qualifier),
                        n.low,
                        n.high,
                        n.span.cover(cx.text.span(m.toks.clone())),
                        vr,
                    )
                }
                None => {
                    if let Some((one, vr)) = singular_victim(cx, m.toks.clone(), sent.clone()) {
                        (
                            Some(1),
                            Some(Qualifier::Exact),
                            Some(1),
                            Some(1),
                            one.cover(cx.text.span(m.toks.clone())),
                            vr,
                        )
                    } else if !unknown_done
                        && any_in(&cx.cues.unknown_toll, sent.clone())
                        && kind == CasualtyKind::Killed
                    {
                        unknown_done = true;
                        (
                            None,
                            None,
                            None,
                            None,
                            cx.text.span(m.toks.clone()),
                            m.toks.end..sent.end,
                        )
                    } else {
                        continue;
                    }
                }
            };
            let claimant = claim_at(&cx.claims, m.toks.start).and_then(|c| c.speaker.clone());
            let victims = victims(cx, victims_range, claimant.as_ref(), span);
            let perpetrator = perpetrator(cx, m.toks.clone(), sent.clone());
            let (status, date) = status_at(cx, m.toks.start, sent.clone(), "ASSAULT");
            let key = (
                kind,
                count,
                victims.country,
                claimant.as_ref().and_then(|c| c.country),
                status,
            );
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let c = Casualty {
                kind,
                count,
                qualifier,
                low,
                high,
                victims,
                perpetrator,
                claimant,
                status,
                date,
                span,
                evidence: cx.text.sentence_span(si),
                sentence: si,
            };
            attach_one(cx, events, c, m.toks.clone());
        }
        // "le nombre de victimes ... reste inconnu": a toll stated as unknown.
        if !unknown_done
            && any_in(&cx.cues.unknown_toll, sent.clone())
            && any_in(&cx.cues.toll, sent.clone())
        {
            let Some(toll) = cx.cues.toll.iter().find(|t| sent.contains(&t.start)) else {
                continue;
            };
            let claimant = claim_at(&cx.claims, toll.start).and_then(|c| c.speaker.clone());
            let (status, date) = status_at(cx, toll.start, sent.clone(), "ASSAULT");
            let span = cx.text.span(toll.clone());
            let c = Casualty {
                kind: CasualtyKind::Killed,
                count: None,
                qualifier: None,
                low: None,
                high: None,
                victims: victims(cx, toll.end..sent.end, claimant.as_ref(), span),
                perpetrator: None,
                claimant,
                status,
                date,
                span,
                evidence: cx.text.sentence_span(si),
                sentence: si,
            };
            attach_one(cx, events, c, toll.clone());
        }
    }
}

/// The number a casualty word counts: right after it ("a tué plus de 6 600", "killing
/// 12"), else the closest before it in the same clause ("49 soldats ont été tués").
/// Returns the number's index, the number, and the token range naming the victims.
fn number_for<'n>(
    cx: &'n Ctx<'_, '_>,
    w: TokRange,
    sent: TokRange,
    words: &[sitrep_lexicon::Match],
    used: &[usize],
) -> Option<(usize, &'n NumberMention, TokRange)> {
    let ok = |i: usize, n: &NumberMention| {
        !used.contains(&i)
            && !n.year_like
            && !starting_in(
                &cx.dates,
                |d| d.toks.start,
                n.toks.start.saturating_sub(8)..n.toks.start + 1,
            )
            .iter()
            .any(|d| n.toks.start < d.toks.end)
            && !is_age(cx, n)
    };
    let base = cx.numbers.partition_point(|n| n.toks.start < sent.start);
    let in_sent = starting_in(&cx.numbers, |n| n.toks.start, sent.clone());
    for (k, n) in in_sent.iter().enumerate() {
        let i = base + k;
        if n.toks.start == w.end && ok(i, n) {
            let vr = n.toks.end..(n.toks.end + 5).min(sent.end);
            return Some((i, n, vr));
        }
    }
    let mut best: Option<(usize, &NumberMention)> = None;
    for (k, n) in in_sent.iter().enumerate() {
        let i = base + k;
        if n.toks.end <= w.start && w.start - n.toks.end <= 7 && ok(i, n) {
            let between = n.toks.end..w.start;
            let clause_break =
                (between.clone()).any(|k| matches!(cx.text.tok(k), ";" | ":" | "." | "(" | ")"));
            let other_word = words
                .iter()
                .any(|o| o.toks.start >= n.toks.end && o.toks.end <= w.start);
            if !clause_break && !other_word {
                best = Some((i, n));
            }
        }
    }
    best.map(|(i, n)| (i, n, n.toks.end..w.start))
}

/// "25 ans", "5-year-old": an age, not a count.
fn is_age(cx: &Ctx<'_, '_>, n: &NumberMention) -> bool {
    let e = n.toks.end;
    let t = |k: usize| {
        if k < cx.text.tokens.len() {
            cx.text.tok(k)
        } else {
            ""
        }
    };
    (t(e) == "-" && matches!(t(e + 1), "year" | "years" | "month" | "ans" | "an"))
        || matches!(t(e), "ans" | "year-old")
        || (matches!(t(e), "years" | "year") && t(e + 1) == "old")
}

/// "a man was killed", "un policier a été blessé": one victim.
fn singular_victim(cx: &Ctx<'_, '_>, w: TokRange, sent: TokRange) -> Option<(Span, TokRange)> {
    let from = w.start.saturating_sub(6).max(sent.start);
    for m in cx.pack.nouns.find(cx.text, from..w.start) {
        let row = cx.pack.nouns.rows_of(&m).next()?;
        if field(row, 2) != Some("sg") {
            continue;
        }
        let k = (m.toks.start.saturating_sub(3).max(sent.start)..m.toks.start)
            .rev()
            .find(|&k| matches!(cx.text.tok(k), "a" | "an" | "un" | "une"))?;
        return Some((cx.text.span(k..m.toks.end), k..w.start));
    }
    None
}

/// Who was hit, from the words around the number.
fn victims(cx: &Ctx<'_, '_>, range: TokRange, claimant: Option<&Actor>, fallback: Span) -> Actor {
    let mut v = Actor {
        span: fallback,
        ..Actor::default()
    };
    if let Some(a) = starting_in(&cx.actors, |a| a.toks.start, range.clone()).first() {
        v = a.clone();
        v.name = None;
        v.wikidata = None;
    }
    if v.country.is_none() {
        let possessive = (range.clone())
            .any(|k| k < cx.text.tokens.len() && POSSESSIVE.contains(&cx.text.tok(k)));
        let own_soldiers = v.sector == Some("MIL")
            && claimant.is_some_and(|c| matches!(c.sector, Some("GOV") | Some("MIL")));
        if possessive || own_soldiers {
            v.country = claimant.and_then(|c| c.country);
        }
    }
    if v.country.is_none() {
        // "parmi les civils en Arménie"
        if let Some(p) =
            starting_in(&cx.places, |p| p.toks.start, range.start..range.end + 3).first()
        {
            v.country = p.place.as_ref().and_then(|r| r.country);
        }
    }
    v
}

fn perpetrator(cx: &Ctx<'_, '_>, w: TokRange, sent: TokRange) -> Option<Actor> {
    let k = (w.end..(w.end + 2).min(sent.end)).find(|&k| matches!(cx.text.tok(k), "par" | "by"))?;
    starting_in(&cx.actors, |a| a.toks.start, k + 1..(k + 4).min(sent.end))
        .first()
        .cloned()
}

fn attach_one(cx: &Ctx<'_, '_>, events: &mut Vec<Event>, c: Casualty, w: TokRange) {
    let target = events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.sentence == c.sentence && e.event_type == "ASSAULT")
        .min_by_key(|(_, e)| e.trigger.start.abs_diff(c.span.start))
        .map(|(i, _)| i);
    let victims_actor =
        (c.victims.country.is_some() || c.victims.sector.is_some()).then(|| c.victims.clone());
    match target {
        Some(i) => {
            let e = &mut events[i];
            if let Some(v) = victims_actor {
                if e.recipients.is_empty()
                    && !e.two_sided
                    && v.country.is_some()
                    && !e.actors.iter().any(|a| a.country == v.country)
                {
                    push_actor(&mut e.recipients, v);
                }
            }
            if let Some(p) = &c.perpetrator {
                if e.actors.is_empty() {
                    e.actors.push(p.clone());
                }
            }
            e.casualties.push(c);
        }
        None => {
            let sent = cx.text.sentences[c.sentence].toks.clone();
            let mut recipients = Vec::new();
            if let Some(v) = victims_actor.filter(|v| v.country.is_some()) {
                recipients.push(v);
            }
            let actors: Vec<Actor> = c.perpetrator.iter().cloned().collect();
            let acled = (c.victims.sector == Some("CVL")).then_some(sitrep_core::Acled {
                event_type: "Violence against civilians",
                sub_event_type: "Attack",
            });
            let location = starting_in(&cx.places, |p| p.toks.start, sent)
                .iter()
                .find(|p| p.place.is_some())
                .cloned();
            events.push(Event {
                event_type: "ASSAULT",
                mode: None,
                acled,
                status: c.status,
                actors,
                recipients,
                two_sided: false,
                location,
                date: c.date.clone(),
                claimant: c.claimant.clone(),
                trigger: cx.text.span(w),
                evidence: c.evidence,
                confidence: 0.6,
                sentence: c.sentence,
                casualties: vec![c],
            });
        }
    }
}
