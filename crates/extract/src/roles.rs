//! Roles: who acts and who is acted upon, read from the trigger's sentence by voice and
//! word order (subject, object, passive agent, "of"/"by" phrases, coordinated phrases,
//! the sides of two-sided fighting). Only noun phrases found by `actors` fill them.

use sitrep_core::{Actor, Cue, EventType, Pos, Sector, Suffix, TokRange, Word};

use crate::claims::trailing_speaker;
use crate::cues::any_in;
use crate::events::{Trigger, clause_end, known, that_after};
use crate::{Ctx, starting_in};

pub fn push_actor(list: &mut Vec<Actor>, a: Actor) {
    let same = |b: &Actor| b.country == a.country && b.sector == a.sector && b.name == a.name;
    if !list.iter().any(same) {
        list.push(a);
    }
}

/// The closest actor ending before token `t` (the subject), with the actors coordinated
/// with it ("Hungarian and Romanian officials", "Israël et le Hamas").
fn nearest_before(cx: &Ctx<'_, '_>, t: usize, from: usize, max: usize) -> Option<Actor> {
    let cands = starting_in(&cx.actors, |a| a.toks.start, from..t);
    let i = cands.iter().rposition(|a| a.toks.end <= t && t - a.toks.end <= max)?;
    Some(cands[i].clone())
}

/// The subject of a verb at token `t`: the first actor of its clause that no preposition
/// introduces ("The Turkish and Greek sides of Cyprus have agreed" → Turkish), else the
/// closest actor before it.
fn subject(cx: &Ctx<'_, '_>, t: usize, sent: TokRange) -> Option<Actor> {
    let clause_start =
        starting_in(&cx.cues[Cue::Clause], |c| c.start, sent.start..t).last().map_or(sent.start, |c| c.end);
    let cands = starting_in(&cx.actors, |a| a.toks.start, clause_start..t);
    let free = cands.iter().find(|a| {
        a.toks.end <= t && !(a.toks.start > sent.start && any_in(&cx.cues[Cue::Prep], a.toks.start - 1..a.toks.start))
    });
    match free {
        Some(a) if t - a.toks.end <= 35 => Some(a.clone()),
        _ => nearest_before(cx, t, sent.start, 12),
    }
}

/// Actors coordinated with `a` by "and"/"et"/"," right before or after it.
fn coordinated(cx: &Ctx<'_, '_>, a: &Actor, sent: TokRange) -> Vec<Actor> {
    let mut out = Vec::new();
    let is_conj = |k: usize| cx.ix.is(k, Word::Conj) || cx.text.tok(k) == ",";
    let mut cur = a.toks.clone();
    while cur.start > sent.start + 1 && is_conj(cur.start - 1) {
        match starting_in(&cx.actors, |x| x.toks.start, sent.start..cur.start - 1).last() {
            Some(b) if b.toks.end == cur.start - 1 && b.country.is_some() => {
                out.push(b.clone());
                cur = b.toks.clone();
            }
            _ => break,
        }
    }
    let mut cur = a.toks.clone();
    while cur.end + 1 < sent.end && is_conj(cur.end) {
        match starting_in(&cx.actors, |x| x.toks.start, cur.end + 1..sent.end).first() {
            Some(b)
                if b.toks.start <= cur.end + 2
                    && b.country.is_some()
                    && !trailing_speaker(&cx.claims, b, a.toks.start) =>
            {
                out.push(b.clone());
                cur = b.toks.clone();
            }
            _ => break,
        }
    }
    out
}

pub(crate) fn first_after(cx: &Ctx<'_, '_>, t: usize, to: usize, max: usize) -> Option<Actor> {
    starting_in(&cx.actors, |a| a.toks.start, t..to)
        .iter()
        .find(|a| a.toks.start - t <= max && !trailing_speaker(&cx.claims, a, t))
        .cloned()
}

/// The object after token `t`: the first actor with a country (or a name) within 8
/// tokens, else the country of the first place within 10 ("visited Tehran" → IRN, "a
/// curfew in Algiers" → DZA), else the first actor of any kind.
fn object(cx: &Ctx<'_, '_>, t: usize, sent: TokRange) -> Option<Actor> {
    // Not past the clause: the next clause cue ("après que", "which") or comma.
    let sent = sent.start..clause_end(cx, t, sent.clone()).max(t);
    let near = || {
        starting_in(&cx.actors, |a| a.toks.start, t..(t + 14).min(sent.end))
            .iter()
            .filter(|a| !trailing_speaker(&cx.claims, a, t))
    };
    if let Some(a) = near().find(|a| known(a)) {
        return Some(a.clone());
    }
    let place = starting_in(&cx.places, |p| p.toks.start, t..(t + 14).min(sent.end))
        .iter()
        .find_map(|p| p.place.as_ref().and_then(|r| r.country).map(|c| (p, c)));
    if let Some((p, country)) = place {
        return Some(Actor { span: p.span, toks: p.toks.clone(), country: Some(country), ..Actor::default() });
    }
    near().next().cloned()
}

/// Who acts and who is acted upon, from voice and word order.
pub(crate) fn roles(cx: &Ctx<'_, '_>, t: &Trigger) -> (Vec<Actor>, Vec<Actor>) {
    let text = cx.text;
    let sent = text.sentences[t.sentence].toks.clone();
    let mut actors = Vec::new();
    let mut recipients = Vec::new();
    let next_is = |words: &[Word], within: usize| {
        (t.toks.end..(t.toks.end + within).min(sent.end)).find(|&k| words.iter().any(|w| cx.ix.is(k, *w)))
    };
    if t.two_sided {
        // "combats entre l'armée et les rebelles": the sides follow; else armed actors
        // near the trigger ("Armenian and Azerbaijani forces clashed").
        match next_is(&[Word::Between], 2) {
            Some(from) => {
                for a in starting_in(&cx.actors, |a| a.toks.start, from..sent.end) {
                    if trailing_speaker(&cx.claims, a, t.toks.start) {
                        continue;
                    }
                    if a.country.is_some() || a.sector.is_some_and(Sector::is_military) {
                        push_actor(&mut actors, a.clone());
                    }
                }
            }
            None => {
                let near = t.toks.start.saturating_sub(10).max(sent.start)..(t.toks.end + 10).min(sent.end);
                for a in starting_in(&cx.actors, |a| a.toks.start, near) {
                    if trailing_speaker(&cx.claims, a, t.toks.start) {
                        continue;
                    }
                    if a.sector.is_some_and(Sector::is_armed) && known(a) {
                        push_actor(&mut actors, a.clone());
                    }
                }
            }
        }
        return (actors, recipients);
    }
    // "was shelled", "ont été tués" are passive; "is refusing", "is opposed to", "est prêt
    // à" are not (a progressive form, or an adjective taking a complement).
    let first_word = text.tok(t.toks.start);
    let progressive = cx.pack.ends_with(first_word, Suffix::Gerund);
    let takes_complement = (t.toks.end < sent.end && cx.ix.is(t.toks.end, Word::Complement))
        || (t.toks.len() > 1 && cx.ix.is(t.toks.start + 1, Word::Complement));
    let passive_aux =
        t.toks.start > sent.start && cx.ix.is(t.toks.start - 1, Word::PassiveAux) && !progressive && !takes_complement;
    let agent = next_is(&[Word::Agent], 2);
    // "have retaken": a participle after "have" is active.
    let perfect = t.toks.start > sent.start && cx.ix.is(t.toks.start - 1, Word::PerfectAux);
    match t.pos {
        Pos::Passive | Pos::Verb if (t.pos == Pos::Passive && !perfect) || passive_aux => {
            if let Some(k) = agent
                && let Some(a) = first_after(cx, k + 1, sent.end, 3)
            {
                actors.push(a);
            }
            if let Some(r) = nearest_before(cx, t.toks.start, sent.start, 8) {
                recipients.push(r);
            }
        }
        // A modal of obligation inside reported speech ("X said China must drop its
        // barriers"): the speaker demands, the subject is asked. Outside reported speech
        // it is no event.
        Pos::Modal => {
            let claim = crate::claims::claim_at(&cx.claims, t.toks.start);
            if let Some(speaker) = claim.and_then(|c| c.speaker.clone()) {
                actors.push(speaker);
                if let Some(r) = nearest_before(cx, t.toks.start, sent.start, 6) {
                    recipients.push(r);
                }
            }
        }
        Pos::Noun => {
            // Adjacent actor: "bombardement azerbaïdjanais", "Azerbaijani shelling".
            let near = t.toks.start.saturating_sub(3)..(t.toks.end + 2).min(sent.end);
            // (a place with a locative case ending is where, not who: "Kahire'de")
            let located = |a: &Actor| {
                let ending = |k: usize| {
                    k + 1 < sent.end
                        && text.tok(k) == "'"
                        && !text.tokens[k].space_before
                        && cx.ix.is(k + 1, Word::Locative)
                };
                ending(a.toks.end) || (a.toks.len() > 2 && ending(a.toks.end - 2))
            };
            let adjacent = starting_in(&cx.actors, |a| a.toks.start, near).iter().filter(|a| !located(a)).find(|a| {
                (a.toks.start >= t.toks.end
                    && a.toks.start - t.toks.end <= 1
                    && a.country.is_some()
                    && a.sector.is_none())
                    || (a.toks.end <= t.toks.start && t.toks.start - a.toks.end == 0 && a.country.is_some())
            });
            let of_word = next_is(&[Word::Agent, Word::Of], 2);
            let of = of_word.and_then(|k| first_after(cx, k + 1, sent.end, 3));
            let against = next_is(&[Word::Toward, Word::Between], 5).and_then(|k| object(cx, k + 1, sent.clone()));
            if t.event_type == EventType::Accuse {
                // "opened an inquiry against three ministers": the light verb's
                // subject investigates, whoever follows "against" is investigated.
                if let Some(v) = t.verb
                    && let Some(a) = subject(cx, v, sent.clone()).filter(known)
                {
                    actors.push(a);
                }
                if let Some(a) = of.or(adjacent.cloned()).or(against) {
                    recipients.push(a);
                }
            } else {
                let subject = |at: usize| {
                    subject(cx, at, sent.clone())
                        .filter(known)
                        .or_else(|| nearest_before(cx, at, sent.start, 8).filter(known))
                };
                // A light verb's subject acts ("Israel mounted its invasion of Lebanon":
                // what follows "of" is then the target); else the noun's own "of"/"by".
                // "the killing of a Kenyan journalist", "the shelling of Kyiv", "in defiance of
                // the authorities": after an act done to someone, "of" names who it is
                // done to, unless they are armed ("the attack of the rebels"); "by"
                // always names who does it.
                let by = of_word.is_some_and(|k| cx.ix.is(k, Word::Agent));
                let done_to =
                    !by && matches!(
                        t.event_type,
                        EventType::Assault | EventType::Coerce | EventType::Reject | EventType::Sanction
                    ) && of.as_ref().is_some_and(|a| !a.sector.is_some_and(Sector::is_armed));
                let (of, of_patient) = if done_to { (None, of) } else { (of, None) };
                let actor = match t.verb {
                    Some(v) => adjacent.cloned().or_else(|| subject(v)).or(of.clone()),
                    None => adjacent
                        .cloned()
                        .or(of.clone())
                        .or_else(|| (t.event_type != EventType::Assault).then(|| subject(t.toks.start)).flatten()),
                };
                let against = against.or(of_patient);
                // "reiterated its demand that Israel ease…": who is asked is the
                // subject of the that-clause.
                let against = against.or_else(|| {
                    (t.event_type == EventType::Request)
                        .then(|| that_after(cx, t.obj_from, &sent))
                        .flatten()
                        .and_then(|k| object(cx, k + 1, sent.clone()))
                });
                let target = against.or_else(|| {
                    t.verb
                        .and(of_word)
                        .filter(|_| !by)
                        .and_then(|k| object(cx, k + 1, sent.clone()))
                        .filter(|o| actor.as_ref() != Some(o))
                });
                if let Some(a) = actor {
                    // (a light verb's subject may be coordinated: "French and Egyptian
                    // warships launched war games")
                    if t.verb.is_some() {
                        for b in coordinated(cx, &a, sent.clone()) {
                            push_actor(&mut actors, b);
                        }
                    }
                    actors.insert(0, a);
                }
                if let Some(r) = target {
                    recipients.push(r);
                }
            }
        }
        _ => {
            if let Some(a) = subject(cx, t.toks.start, sent.clone()) {
                for b in coordinated(cx, &a, sent.clone()) {
                    push_actor(&mut actors, b);
                }
                actors.insert(0, a);
            }
            // "demanded (on Friday) that the United States…", "exige que Bakou…": who is
            // asked or accused is the subject of the complement clause.
            let that_clause = || {
                matches!(t.event_type, EventType::Request | EventType::Accuse)
                    .then(|| that_after(cx, t.obj_from, &sent))
                    .flatten()
                    .and_then(|k| object(cx, k + 1, sent.clone()))
            };
            // "complained to the African Union over Togolese border raids": the complaint
            // is addressed to the first, and is about the second.
            let about = || {
                (matches!(t.event_type, EventType::Accuse | EventType::Protest)
                    && cx.ix.is(t.obj_from.min(sent.end - 1), Word::Addressee))
                .then(|| {
                    let end = clause_end(cx, t.obj_from, sent.clone());
                    (t.obj_from..end).find(|&k| cx.ix.is(k, Word::About))
                })
                .flatten()
                .and_then(|k| object(cx, k + 1, sent.clone()))
                .filter(|r| r.country.is_some())
            };
            if let Some(r) = about().or_else(|| object(cx, t.obj_from, sent.clone())).or_else(that_clause)
                && actors.first() != Some(&r)
            {
                for b in coordinated(cx, &r, sent.clone()) {
                    push_actor(&mut recipients, b);
                }
                recipients.insert(0, r);
            }
        }
    }
    (actors, recipients)
}
