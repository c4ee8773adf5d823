//! Casualties: numbers of people killed, hurt, missing, taken, displaced or arrested,
//! with their qualifier, victims, perpetrator, claimant, status and date.

use sitrep_core::{
    Actor, Casualty, CasualtyFlag, CasualtyKind, Cue, Event, EventType, Mode, NumberMention, Pos, Qualifier, Quantity,
    QuantityKind, Sector, Span, TokRange, Word,
};

use crate::claims::claim_at;
use crate::cues::any_in;
use crate::events::status_at;
use crate::roles::push_actor;

/// The `number` of a singular group noun in `nouns.tsv`.
const SINGULAR: &str = "sg";
use crate::{Ctx, starting_in};

/// Finds casualty claims and attaches each to an event of its sentence (creating an
/// assault event when the sentence has none).
pub fn attach(cx: &Ctx<'_, '_>, events: &mut Vec<Event>) -> Vec<Quantity> {
    let mut quantities = Vec::new();
    let mut deaths = 0;
    let mut found = collect(cx, &mut deaths);
    // One person shot, and a death reported without a number: the person died ("X was
    // shot in the chest ... He was pronounced dead").
    let shot_once: Vec<usize> = (0..found.len())
        .filter(|&i| {
            found[i].weak && found[i].casualty.kind == CasualtyKind::Injured && found[i].casualty.count == Some(1)
        })
        .collect();
    let killed_any = found.iter().any(|f| f.casualty.kind == CasualtyKind::Killed && f.casualty.count.is_some());
    if deaths > 0 && !killed_any && !shot_once.is_empty() {
        for &i in &shot_once {
            found[i].casualty.kind = CasualtyKind::Killed;
            found[i].weak = false;
        }
    }
    // One toll told twice is one claim; an ambiguous "shot" is not an injury when the
    // same number of people is reported killed.
    let killed: std::collections::BTreeSet<u64> =
        found.iter().filter(|o| o.casualty.kind == CasualtyKind::Killed).filter_map(|o| o.casualty.count).collect();
    let mut kept: Vec<Found> = Vec::new();
    let mut seen: std::collections::BTreeMap<(CasualtyKind, Option<u64>, sitrep_core::Status), Vec<usize>> =
        Default::default();
    for f in &found {
        let c = &f.casualty;
        if f.weak && c.count.is_some_and(|n| killed.contains(&n)) {
            continue;
        }
        let bucket = seen.entry((c.kind, c.count, c.status)).or_default();
        let dup = bucket.iter().any(|&k| {
            let o: &Casualty = &kept[k].casualty;
            compatible(o.victims.country, c.victims.country)
                && compatible(o.claimant.as_ref().and_then(|a| a.country), c.claimant.as_ref().and_then(|a| a.country))
        });
        if !dup {
            bucket.push(kept.len());
            kept.push(f.clone());
        }
    }
    let mut by_sentence = BySentence::new();
    for (i, e) in events.iter().enumerate() {
        by_sentence.entry(e.sentence).or_default().push(i);
    }
    for f in kept {
        attach_one(cx, events, &mut quantities, &mut by_sentence, f.casualty, f.word);
    }
    quantities
}

/// Event indices by sentence.
type BySentence = std::collections::BTreeMap<usize, Vec<usize>>;

fn compatible(a: Option<&str>, b: Option<&str>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// A casualty claim and the word it was read from.
#[derive(Clone)]
struct Found {
    casualty: Casualty,
    word: TokRange,
    /// Read from an ambiguous word ("shot": hurt or killed).
    weak: bool,
}

/// Casualty claims in text order. `deaths_without_count` counts death words with no
/// number or victim of their own ("was pronounced dead", "charged with murder").
fn collect(cx: &Ctx<'_, '_>, deaths_without_count: &mut usize) -> Vec<Found> {
    let mut out = Vec::new();
    let mut used_numbers: std::collections::BTreeSet<usize> = Default::default();
    for (si, s) in cx.text.sentences.iter().enumerate() {
        let sent = s.toks.clone();
        let words = starting_in(&cx.casualty_words, |m| m.toks.start, sent.clone());
        let mut unknown_done = false;
        for m in words {
            let Some(row) = cx.pack.casualty.rows_agreeing(cx.text, m).into_iter().next() else { continue };
            let Some(kind) = cx.pack.casualty.get(row, "kind").and_then(CasualtyKind::parse) else { continue };
            let flag = cx.pack.casualty.get(row, "flags").and_then(CasualtyFlag::parse);
            let weak = flag.is_some();
            let countable = !matches!(flag, Some(CasualtyFlag::NoCount | CasualtyFlag::One));
            let implies_one = flag == Some(CasualtyFlag::One);
            let w = m.toks.clone();
            // "captured on video", "killed the bill": not people hurt or taken.
            // (a phrase starting at the word: "found dead last Sunday" is no "dead last")
            if starting_in(&cx.cues[Cue::Metaphor], |c| c.start, w.start..w.start + 1).iter().any(|c| c.end > w.start) {
                continue;
            }
            let negated = any_in(&cx.cues[Cue::Negation], sent.start..w.start)
                && any_in(&cx.cues[Cue::Negation], w.start.saturating_sub(10).max(sent.start)..w.start);
            // "Man shot, killed", "Girl shot at party dies": the later word tells.
            if let Some(prev) =
                out.last_mut().filter(|p: &&mut Found| p.weak && p.casualty.sentence == si && p.casualty.kind != kind)
                && number_for(cx, w.clone(), sent.clone(), words, &used_numbers).is_none()
            {
                prev.casualty.kind = kind;
                prev.weak = false;
                continue;
            }
            let number = if countable { number_for(cx, w.clone(), sent.clone(), words, &used_numbers) } else { None };
            // "Al menos 20 policías y un civil murieron": each coordinated count is
            // a claim of its own.
            let also = number
                .as_ref()
                .filter(|(_, n, _)| n.toks.end <= w.start)
                .and_then(|(ni, n, _)| coordinated_count(cx, *ni, n, sent.clone(), &used_numbers));
            let (count, qualifier, low, high, span, victims_range) = if let Some((ni, n, vr)) = number {
                used_numbers.insert(ni);
                (Some(n.value), Some(n.qualifier), n.low, n.high, n.span.cover(cx.text.span(w.clone())), vr)
            } else if let Some((n, who, vr)) = singular_victim(cx, w.clone(), sent.clone(), kind).filter(|_| !negated) {
                (Some(n), Some(Qualifier::Exact), Some(n), Some(n), who.cover(cx.text.span(w.clone())), vr)
            } else if let Some((one, vr)) = singular_object(cx, w.clone(), sent.clone()).filter(|_| !negated) {
                (Some(1), Some(Qualifier::Exact), Some(1), Some(1), cx.text.span(w.clone()).cover(one), vr)
            } else if let Some(vr) = singular_passive(cx, w.clone(), sent.clone()).filter(|_| !negated) {
                (Some(1), Some(Qualifier::Exact), Some(1), Some(1), cx.text.span(vr.start..w.end), vr)
            } else if implies_one && !negated {
                // "found a man with a gunshot wound": one person hit.
                (
                    Some(1),
                    Some(Qualifier::Exact),
                    Some(1),
                    Some(1),
                    cx.text.span(w.clone()),
                    w.start.saturating_sub(6).max(sent.start)..w.start,
                )
            } else if !unknown_done && any_in(&cx.cues[Cue::UnknownToll], sent.clone()) && kind == CasualtyKind::Killed
            {
                unknown_done = true;
                (None, None, None, None, cx.text.span(w.clone()), w.end..sent.end)
            } else {
                if kind == CasualtyKind::Killed && !negated {
                    *deaths_without_count += 1;
                }
                continue;
            };
            let perpetrator = perpetrator(cx, w.clone(), sent.clone());
            if let Some((i1, n1, vr1)) = also {
                used_numbers.insert(i1);
                let span1 = n1.span.cover(cx.text.span(vr1.clone()));
                let mut first = claim(cx, si, w.start, kind, span1, vr1);
                (first.count, first.qualifier, first.low, first.high) =
                    (Some(n1.value), Some(n1.qualifier), n1.low, n1.high);
                first.perpetrator = perpetrator.clone();
                out.push(Found { casualty: first, word: w.clone(), weak });
            }
            let mut casualty = claim(cx, si, w.start, kind, span, victims_range);
            (casualty.count, casualty.qualifier, casualty.low, casualty.high) = (count, qualifier, low, high);
            casualty.perpetrator = perpetrator;
            out.push(Found { casualty, word: w, weak });
        }
        // "le nombre de victimes ... reste inconnu": a toll stated as unknown.
        if !unknown_done && any_in(&cx.cues[Cue::UnknownToll], sent.clone()) {
            let Some(toll) = starting_in(&cx.cues[Cue::Toll], |t| t.start, sent.clone()).first().cloned() else {
                continue;
            };
            let casualty =
                claim(cx, si, toll.start, CasualtyKind::Killed, cx.text.span(toll.clone()), toll.end..sent.end);
            out.push(Found { casualty, word: toll, weak: false });
        }
    }
    out
}

/// A casualty claim read at token `at` of sentence `si`, with its claimant, victims
/// (named in `victims_range`), status and date; no count yet.
fn claim(cx: &Ctx<'_, '_>, si: usize, at: usize, kind: CasualtyKind, span: Span, victims_range: TokRange) -> Casualty {
    let sent = cx.text.sentences[si].toks.clone();
    let claimant = claim_at(&cx.claims, at).and_then(|c| c.speaker.clone());
    let victims = victims(cx, victims_range, claimant.as_ref(), span);
    let (status, date) = status_at(cx, at, sent, EventType::Assault);
    Casualty {
        kind,
        count: None,
        qualifier: None,
        low: None,
        high: None,
        victims,
        perpetrator: None,
        claimant,
        status,
        date,
        span,
        evidence: cx.text.sentence_span(si),
        sentence: si,
    }
}

/// "X was shot and killed", "il a été tué": a singular passive names one victim, the
/// subject before it.
fn singular_passive(cx: &Ctx<'_, '_>, w: TokRange, sent: TokRange) -> Option<TokRange> {
    let mut k = w.start;
    while k > sent.start && any_in(&cx.cues[Cue::Aux], k - 1..k) {
        k -= 1;
    }
    if k == w.start || !starting_in(&cx.cues[Cue::AuxSg], |c| c.start, k..w.start).iter().any(|c| c.end <= w.start) {
        return None;
    }
    // Not an event named just before ("The attack was captured on camera").
    let event_subject = k > sent.start && cx.ix.word_is(&cx.pack.triggers, k - 1, "pos", &[Pos::Noun.as_str()]);
    if event_subject {
        return None;
    }
    Some(k.saturating_sub(6).max(sent.start)..k)
}

/// The number a casualty word counts: right after it ("a tué plus de 6 600", "killing
/// 12"), else the closest before it in the same clause ("49 soldats ont été tués").
/// Returns the number's index, the number, and the token range naming the victims.
fn number_for<'n>(
    cx: &'n Ctx<'_, '_>,
    w: TokRange,
    sent: TokRange,
    words: &[sitrep_lexicon::Match],
    used: &std::collections::BTreeSet<usize>,
) -> Option<(usize, &'n NumberMention, TokRange)> {
    let ok = |i: usize, n: &NumberMention| {
        !used.contains(&i)
            && !n.year_like
            && counts_people(cx, n, w.start)
            && !starting_in(&cx.dates, |d| d.toks.start, n.toks.start.saturating_sub(8)..n.toks.start + 1)
                .iter()
                .any(|d| n.toks.start < d.toks.end)
            && !is_age(cx, n)
    };
    let base = cx.numbers.partition_point(|n| n.toks.start < sent.start);
    let in_sent = starting_in(&cx.numbers, |n| n.toks.start, sent.clone());
    for (k, n) in in_sent.iter().enumerate() {
        let i = base + k;
        if (n.toks.start == w.end
            || (n.toks.start == w.end + 1 && (cx.ix.is(w.end, Word::Possessive) || cx.ix.is(w.end, Word::Article))))
            && ok(i, n)
        {
            let vr = n.toks.end..(n.toks.end + 5).min(sent.end);
            return Some((i, n, vr));
        }
    }
    let mut best: Option<(usize, &NumberMention)> = None;
    for (k, n) in in_sent.iter().enumerate() {
        let i = base + k;
        // "five people, including a father and his daughter, died": the count is before
        // the inclusion.
        if (n.toks.start.saturating_sub(2).max(sent.start)..n.toks.start).any(|k| cx.ix.is(k, Word::Including)) {
            continue;
        }
        // "a mother of three is dead": a plural number cannot agree with a singular verb.
        let agrees = |n: &NumberMention| n.value <= 1 || !any_in(&cx.cues[Cue::AuxSg], n.toks.end..w.start);
        // (an inclusion between them does not count: "five people, including a child, died")
        let reach = if (n.toks.end..w.start).any(|k| cx.ix.is(k, Word::Including)) { 12 } else { 7 };
        if n.toks.end <= w.start
            && w.start - n.toks.end <= reach
            && ok(i, n)
            && agrees(n)
            && victim_phrase(cx, n.toks.end..w.start)
        {
            let between = n.toks.end..w.start;
            let clause_break = (between.clone()).any(|k| matches!(cx.text.tok(k), ";" | ":" | "." | "(" | ")"));
            let other_word = words.iter().any(|o| o.toks.start >= n.toks.end && o.toks.end <= w.start);
            if !clause_break && !other_word {
                best = Some((i, n));
            }
        }
    }
    best.map(|(i, n)| (i, n, n.toks.end..w.start))
}

/// The count coordinated before the one a casualty word takes: in "20 policías y un
/// civil murieron", 20 (with its victims), the number right before a victim phrase that
/// ends in a conjunction before the second count.
fn coordinated_count<'n>(
    cx: &'n Ctx<'_, '_>,
    second: usize,
    n2: &NumberMention,
    sent: TokRange,
    used: &std::collections::BTreeSet<usize>,
) -> Option<(usize, &'n NumberMention, TokRange)> {
    let conj = n2.toks.start.checked_sub(1).filter(|&k| k > sent.start && cx.ix.is(k, Word::Conj))?;
    let i1 = second.checked_sub(1)?;
    let n1 = cx.numbers.get(i1)?;
    let ok = n1.toks.start >= sent.start
        && n1.toks.end < conj
        && conj - n1.toks.end <= 5
        && !used.contains(&i1)
        && !n1.year_like
        && !is_age(cx, n1)
        && victim_phrase(cx, n1.toks.end..conj)
        // (the first count names people: a group noun or a demonym follows it)
        && [&cx.pack.nouns, &cx.pack.demonyms].iter().any(|t| cx.ix.longest_at(t, n1.toks.end, conj).is_some());
    ok.then_some((i1, n1, n1.toks.end..conj))
}

/// Whether the words between a number and a casualty word only name the victims ("49
/// soldats avaient été", "de ses militaires sont", "people were"), so that the number
/// is the count of those hit, not of those who shot ("two officers arrived and shot").
fn victim_phrase(cx: &Ctx<'_, '_>, r: TokRange) -> bool {
    let mut k = r.start;
    let mut unknown = 0;
    while k < r.end {
        let end = [&cx.pack.nouns, &cx.pack.demonyms]
            .iter()
            .filter_map(|t| cx.ix.longest_at(t, k, r.end))
            .map(|m| m.toks.end)
            .max();
        if let Some(e) = end {
            k = e;
            continue;
        }
        let t = cx.text.tok(k);
        // (an inclusion names some of the victims: ", including a child,")
        if cx.ix.is(k, Word::Including) {
            k = (k + 1..r.end).find(|&j| cx.text.tok(j) == ",").map_or(r.end, |j| j + 1);
            continue;
        }
        if any_in(&cx.cues[Cue::Clause], k..k + 1) {
            return false; // "two officers who fatally shot": the number is the subject
        }
        let link = any_in(&cx.cues[Cue::Aux], k..k + 1)
            || [Word::Possessive, Word::Of, Word::Article, Word::Others, Word::PassiveAux, Word::PerfectAux]
                .iter()
                .any(|w| cx.ix.is(k, *w))
            || matches!(t, "'" | "-" | ",");
        if !link {
            unknown += 1;
            if unknown > 1 {
                return false;
            }
        }
        k += 1;
    }
    true
}

/// "25 ans", "5-year-old", "Tremaine Wilbourn, 29,": an age, not a count.
fn is_age(cx: &Ctx<'_, '_>, n: &NumberMention) -> bool {
    let e = n.toks.end;
    let t = |k: usize| if k < cx.text.tokens.len() { cx.text.tok(k) } else { "" };
    let apposition = n.toks.start > 0
        && t(n.toks.start - 1) == ","
        && matches!(t(e), "," | ")")
        && n.value < 120
        && n.qualifier == Qualifier::Exact;
    apposition
        || (t(e) == "-" && e + 1 < cx.text.tokens.len() && cx.ix.is(e + 1, Word::Age))
        || (cx.ix.is(e, Word::Age) && (cx.pack.lacks(Word::AgeAfter) || cx.ix.is(e + 1, Word::AgeAfter)))
}

/// A number counts people when what follows it names people, a casualty word, or a
/// linking word ("49 soldats", "50 de ses militaires", "12 killed", "five were hurt");
/// not "6800 block", "six gunshot wounds".
fn counts_people(cx: &Ctx<'_, '_>, n: &NumberMention, word: usize) -> bool {
    let e = n.toks.end;
    if e == word || e >= cx.text.tokens.len() {
        return true;
    }
    let starts = |t: &sitrep_lexicon::Table| cx.ix.longest_at(t, e, cx.text.tokens.len()).is_some();
    starts(&cx.pack.nouns)
        || starts(&cx.pack.demonyms)
        || starts(&cx.pack.casualty)
        || any_in(&cx.cues[Cue::Aux], e..e + 1)
        || cx.ix.is(e, Word::Of)
        || cx.ix.is(e, Word::Others)
        || matches!(cx.text.tok(e), "," | "-")
}

/// "a man was killed", "A 42-year-old woman was fatally shot", "Man shot" (headline),
/// "un policier a été blessé", "he died": one victim, who must be the one hit (passive
/// or adjectival: only auxiliaries and adverbs between the noun and the casualty word).
fn singular_victim(cx: &Ctx<'_, '_>, w: TokRange, sent: TokRange, kind: CasualtyKind) -> Option<(u64, Span, TokRange)> {
    // A singular pronoun right before: "he died", "she was shot".
    let mut k = w.start;
    while k > sent.start && any_in(&cx.cues[Cue::Aux], k - 1..k) && !any_in(&cx.cues[Cue::PronounSg], k - 1..k) {
        k -= 1;
    }
    // "he died", "she was shot" (not "he shot": an active verb's subject is the shooter).
    let passive = any_in(&cx.cues[Cue::AuxSg], k..w.start);
    if k > sent.start && any_in(&cx.cues[Cue::PronounSg], k - 1..k) && (passive || kind == CasualtyKind::Killed) {
        return Some((1, cx.text.span(k - 1..k), k - 1..w.start));
    }
    let from = w.start.saturating_sub(8).max(sent.start);
    let nouns = cx.ix.find(&cx.pack.nouns, from..w.start);
    let m = nouns.last()?;
    let row = cx.pack.nouns.rows_of(m).next()?;
    // Only auxiliaries, adverbs or an apposition's closing comma in between ("a
    // 67-year-old male, died").
    let between_ok = (m.toks.end..w.start).all(|k| cx.text.tok(k) == "," || any_in(&cx.cues[Cue::Aux], k..k + 1));
    if cx.pack.nouns.get(row, "number") != Some(SINGULAR) || !between_ok {
        return None;
    }
    // An article before the noun, possibly across an age ("a 20-year-old man").
    let article = (m.toks.start.saturating_sub(7).max(sent.start)..m.toks.start).rev().find(|&k| {
        (cx.ix.is(k, Word::Article) || cx.ix.is(k, Word::Possessive)) && !any_in(&cx.cues[Cue::Aux], k..k + 1)
    });
    let headline = m.toks.start == sent.start && cx.text.tokens[m.toks.start].cap;
    let start = article.or(headline.then_some(m.toks.start))?;
    // "a man and a woman were shot", "un homme et une femme ont été tués": two.
    if start > sent.start + 1 && cx.ix.is(start - 1, Word::Conj) {
        let before = start.saturating_sub(8).max(sent.start)..start - 1;
        let first = cx.ix.find(&cx.pack.nouns, before.clone()).into_iter().last().filter(|n| {
            n.toks.end == start - 1
                && cx.pack.nouns.rows_of(n).next().is_some_and(|r| cx.pack.nouns.get(r, "number") == Some(SINGULAR))
        });
        if let Some(n) = first {
            let det = (before.start..n.toks.start)
                .rev()
                .find(|&k| cx.ix.is(k, Word::Article) || cx.ix.is(k, Word::Possessive));
            let from = det.unwrap_or(n.toks.start);
            return Some((2, cx.text.span(from..m.toks.end), from..w.start));
        }
    }
    Some((1, cx.text.span(start..m.toks.end), start..w.start))
}

/// "shot and killed a 22-year-old man", "killing his stepson": one victim named as the
/// object right after the casualty word.
fn singular_object(cx: &Ctx<'_, '_>, w: TokRange, sent: TokRange) -> Option<(Span, TokRange)> {
    let end = (w.end + 7).min(sent.end);
    let det = (w.end..(w.end + 2).min(end)).find(|&k| cx.ix.is(k, Word::Article) || cx.ix.is(k, Word::Possessive))?;
    let m = cx.ix.find(&cx.pack.nouns, det + 1..end).into_iter().next()?;
    let row = cx.pack.nouns.rows_of(&m).next()?;
    if cx.pack.nouns.get(row, "number") != Some(SINGULAR) || m.toks.start > det + 6 {
        return None;
    }
    Some((cx.text.span(det..m.toks.end), det..m.toks.end))
}

/// Who was hit, from the words around the number.
fn victims(cx: &Ctx<'_, '_>, range: TokRange, claimant: Option<&Actor>, fallback: Span) -> Actor {
    let mut v = Actor { span: fallback, ..Actor::default() };
    let from = range.start.saturating_sub(4);
    let overlapping =
        starting_in(&cx.actors, |a| a.toks.start, from..range.end).iter().find(|a| a.toks.end > range.start);
    if let Some(a) = overlapping {
        v = a.clone();
        v.name = None;
        v.wikidata = None;
    }
    if v.country.is_none() {
        let possessive = (range.clone()).any(|k| k < cx.text.tokens.len() && cx.ix.is(k, Word::Possessive));
        let own_soldiers = v.sector == Some(Sector::Mil)
            && claimant.is_some_and(|c| matches!(c.sector, Some(Sector::Gov) | Some(Sector::Mil)));
        if possessive || own_soldiers {
            v.country = claimant.and_then(|c| c.country);
        }
    }
    if v.country.is_none() {
        // "parmi les civils en Arménie"
        let place = starting_in(&cx.places, |p| p.toks.start, range.clone())
            .iter()
            .find(|p| p.toks.start > 0 && any_in(&cx.cues[Cue::Prep], p.toks.start - 1..p.toks.start));
        if let Some(p) = place {
            v.country = p.place.as_ref().and_then(|r| r.country);
        }
    }
    if v.country.is_none() {
        v.country = cx.dominant;
    }
    v
}

fn perpetrator(cx: &Ctx<'_, '_>, w: TokRange, sent: TokRange) -> Option<Actor> {
    let k = (w.end..(w.end + 2).min(sent.end)).find(|&k| cx.ix.is(k, Word::Agent))?;
    starting_in(&cx.actors, |a| a.toks.start, k + 1..(k + 4).min(sent.end)).first().cloned()
}

/// The event a casualty of this kind belongs to, when its sentence has none: people
/// killed, hurt, missing or taken are an assault's toll; arrests are a coercion;
/// displacement alone is not an event (it becomes a `displaced` quantity).
fn event_for(kind: CasualtyKind) -> Option<(EventType, Option<Mode>)> {
    match kind {
        CasualtyKind::Killed | CasualtyKind::Injured | CasualtyKind::Missing => Some((EventType::Assault, None)),
        CasualtyKind::Captured => Some((EventType::Assault, Some(Mode::Abduction))),
        CasualtyKind::Arrested => Some((EventType::Coerce, Some(Mode::Arrest))),
        CasualtyKind::Displaced => None,
    }
}

fn attach_one(
    cx: &Ctx<'_, '_>,
    events: &mut Vec<Event>,
    quantities: &mut Vec<Quantity>,
    by_sentence: &mut BySentence,
    c: Casualty,
    w: TokRange,
) {
    let wanted = event_for(c.kind).map(|e| e.0);
    let target = by_sentence
        .get(&c.sentence)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&i| {
            Some(events[i].event_type) == wanted || (wanted.is_none() && events[i].event_type == EventType::Assault)
        })
        .min_by_key(|&i| events[i].trigger.start.abs_diff(c.span.start));
    let victims_actor = (c.victims.country.is_some() || c.victims.sector.is_some()).then(|| c.victims.clone());
    match target {
        Some(i) => {
            let e = &mut events[i];
            // The passive subject "49 soldats" is the victims: it takes their country.
            for r in
                e.recipients.iter_mut().filter(|r| r.country.is_none() && r.span.overlaps(c.span.cover(c.victims.span)))
            {
                r.country = c.victims.country;
            }
            if let Some(v) = victims_actor
                && e.recipients.is_empty()
                && !e.two_sided
                && v.country.is_some()
                && !e.actors.iter().any(|a| a.country == v.country)
            {
                push_actor(&mut e.recipients, v);
            }
            if let Some(p) = &c.perpetrator
                && e.actors.is_empty()
            {
                e.actors.push(p.clone());
            }
            e.casualties.push(c);
        }
        None => {
            let Some((event_type, mode)) = event_for(c.kind) else {
                if let Some(count) = c.count {
                    quantities.push(Quantity {
                        kind: QuantityKind::Displaced,
                        count,
                        qualifier: c.qualifier.unwrap_or_default(),
                        of: (c.victims.country.is_some() || c.victims.sector.is_some()).then(|| c.victims.clone()),
                        status: c.status,
                        date: c.date,
                        span: c.span,
                        evidence: c.evidence,
                    });
                }
                return;
            };
            let sent = cx.text.sentences[c.sentence].toks.clone();
            let mut recipients = Vec::new();
            if let Some(v) = victims_actor.filter(|v| v.country.is_some()) {
                recipients.push(v);
            }
            let actors: Vec<Actor> = c.perpetrator.iter().cloned().collect();
            let acled = match (event_type, mode) {
                (EventType::Coerce, _) => {
                    Some(sitrep_core::Acled { event_type: "Strategic developments", sub_event_type: "Arrests" })
                }
                (_, Some(Mode::Abduction)) => Some(sitrep_core::Acled {
                    event_type: "Violence against civilians",
                    sub_event_type: "Abduction/forced disappearance",
                }),
                _ => (c.victims.sector == Some(Sector::Cvl)).then_some(sitrep_core::Acled {
                    event_type: "Violence against civilians",
                    sub_event_type: "Attack",
                }),
            };
            let location = starting_in(&cx.places, |p| p.toks.start, sent).iter().find(|p| p.place.is_some()).cloned();
            by_sentence.entry(c.sentence).or_default().push(events.len());
            events.push(Event {
                event_type,
                mode,
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
                planned: None,
                sentence: c.sentence,
                facts: Default::default(),
                casualties: vec![c],
            });
        }
    }
}
