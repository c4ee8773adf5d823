//! Events: triggers, their roles (who acts, who is acted upon), status, date and place.

use sitrep_core::{
    Acled, Actor, Cue, DateMention, Event, EventDate, EventType, Mode, Pos, Precision, Sector, Status, Suffix,
    TokRange, TokenKind, Word,
};
use sitrep_lexicon::field;

use crate::claims::{claim_at, hedged};
use crate::cues::any_in;
use crate::roles::{push_actor, roles};
use crate::{Ctx, starting_in};

/// A trigger read from the pack.
#[derive(Clone, Debug)]
pub struct Trigger {
    pub toks: TokRange,
    pub event_type: EventType,
    pub mode: Option<Mode>,
    pub acled: Option<Acled>,
    pub pos: Pos,
    pub two_sided: bool,
    pub weak: bool,
    pub sentence: usize,
    /// Named by a noun, a gerund or an infinitive (not a finite verb): it may be another
    /// event's purpose, manner or topic.
    pub nonfinite: bool,
    /// Where the object is looked for (after an absorbed complement: "willing to
    /// withdraw its troops from Lebanon").
    pub obj_from: usize,
    /// For a noun, the light verb that carries it ("mounted its invasion", "announced a
    /// suspension"): its subject acts, and its tense and modality are the event's.
    pub verb: Option<usize>,
    /// The form names an event only with someone acted upon ("released the
    /// hostages", not "aid is released").
    pub needs_party: bool,
}

/// One row of `triggers.tsv`, typed (columns read by name).
#[derive(Clone, Copy)]
struct TriggerRow {
    event_type: EventType,
    mode: Option<Mode>,
    acled: Option<(&'static str, &'static str)>,
    pos: Pos,
    flags: &'static str,
}

impl TriggerRow {
    fn read(table: &sitrep_lexicon::Table, r: &[&'static str]) -> Option<TriggerRow> {
        let col = |name: &str| table.col(name).and_then(|c| field(r, c));
        Some(TriggerRow {
            event_type: EventType::parse(col("event_type")?)?,
            mode: col("mode").and_then(Mode::parse),
            acled: col("acled_type").zip(col("acled_subtype")),
            pos: col("pos").and_then(Pos::parse).unwrap_or(Pos::Verb),
            flags: col("flags").unwrap_or(""),
        })
    }

    fn flag(&self, f: &str) -> bool {
        self.flags.split(',').any(|x| x == f)
    }
}

pub fn triggers(cx: &Ctx<'_, '_>) -> Vec<Trigger> {
    let pack = cx.pack;
    let mut out = Vec::new();
    for (si, s) in cx.text.sentences.iter().enumerate() {
        let sent = s.toks.clone();
        let sporty = any_in(&cx.cues[Cue::Sport], sent.clone());
        let mut found: Vec<Trigger> = Vec::new();
        for m in cx.ix.find(&pack.triggers, sent.clone()) {
            // A form that is both a noun and a verb ("support", "attaque"): a noun after a
            // determiner, a verb elsewhere.
            let rows: Vec<TriggerRow> = pack
                .triggers
                .rows_agreeing(cx.text, &m)
                .into_iter()
                .filter_map(|r| TriggerRow::read(&pack.triggers, r))
                .collect();
            let after_det = m.toks.start > sent.start && any_in(&cx.cues[Cue::Det], m.toks.start - 1..m.toks.start);
            let want = if after_det { Pos::Noun } else { Pos::Verb };
            let Some(mut row) = rows.iter().find(|r| r.pos == want).or(rows.first()).copied() else {
                continue;
            };
            // "strike": a walkout where workers, unions or pay are mentioned ("a four-day
            // strike", "teachers' strike"), an attack otherwise.
            if row.event_type == EventType::Assault {
                let day = m.toks.start >= sent.start + 2
                    && cx.ix.is(m.toks.start - 1, Word::TimeUnit)
                    && cx.text.tok(m.toks.start - 2) == "-";
                if (day || any_in(&cx.cues[Cue::Labour], sent.clone()))
                    && let Some(p) = rows.iter().find(|r| r.event_type == EventType::Protest)
                {
                    row = *p;
                }
            }
            if !is_event_use(cx, &m.toks, sent.clone(), after_det, rows.iter().any(|r| r.pos == Pos::Noun)) {
                continue;
            }
            // A noun modifying a group noun names no event: "truce monitors", "aid
            // workers", "protest leaders".
            if row.pos == Pos::Noun
                && starting_in(&cx.actors, |a| a.toks.start, m.toks.end..m.toks.end + 1)
                    .first()
                    .is_some_and(|a| !cx.text.tokens[a.toks.start].cap && a.country.is_none())
            {
                continue;
            }
            let t = Trigger {
                toks: m.toks.clone(),
                event_type: row.event_type,
                mode: row.mode,
                acled: row.acled.map(|(a, b)| Acled { event_type: a, sub_event_type: b }),
                pos: row.pos,
                two_sided: row.flag("two_sided"),
                weak: row.flag("weak"),
                sentence: si,
                obj_from: m.toks.end,
                verb: None,
                needs_party: row.flag("party"),
                nonfinite: row.pos == Pos::Noun
                    || row.flag("infinitive")
                    || participial(cx, &m.toks, sent.clone())
                    || (m.toks.start > sent.start && any_in(&cx.cues[Cue::Purpose], m.toks.start - 1..m.toks.start)),
            };
            // A modal of obligation is a demand only in someone's reported words.
            if t.pos == Pos::Modal && crate::claims::claim_at(&cx.claims, t.toks.start).is_none() {
                continue;
            }
            if any_in(&cx.cues[Cue::Metaphor], t.toks.clone()) {
                continue;
            }
            if (t.weak || t.event_type == EventType::Assault) && sporty {
                continue;
            }
            if t.weak && !conflict_context(cx, sent.clone()) {
                continue;
            }
            found.push(t);
        }
        for (_, pass) in crate::passes::PASSES {
            pass(cx, sent.clone(), &mut found);
        }
        out.extend(found);
    }
    out
}

/// The token where the clause containing `t` ends: a clause cue ("which", "après
/// que"), a comma or semicolon followed by a space, or the sentence end.
pub(crate) fn clause_end(cx: &Ctx<'_, '_>, t: usize, sent: TokRange) -> usize {
    let cue = starting_in(&cx.cues[Cue::Clause], |c| c.start, t..sent.end).first().map_or(sent.end, |c| c.start);
    let comma = (t..sent.end)
        .find(|&k| {
            matches!(cx.text.tok(k), "," | ";" | ":") && cx.text.tokens.get(k + 1).is_none_or(|n| n.space_before)
        })
        .unwrap_or(sent.end);
    cue.min(comma)
}

/// Whether a trigger form at `toks` names an event here, rather than being part of a
/// name ("Warsaw Pact", "Asia-Pacific Economic Cooperation", "last March"), of a
/// compound modifier ("Syrian-backed", "US-led") or a participle used as an adjective or
/// a noun ("the wounded", "the besieged town", "les blessés").
fn is_event_use(cx: &Ctx<'_, '_>, toks: &TokRange, sent: TokRange, after_det: bool, has_noun: bool) -> bool {
    let text = cx.text;
    let first = &text.tokens[toks.start];
    // Capitalised inside a sentence that is not itself in title case.
    if first.cap && toks.start > sent.start && !matches!(text.tok(toks.start - 1), "\"" | "“" | "«" | "``" | ":") {
        // (title case: most words after the first are capitalised)
        let words = text.tokens[sent.start + 1..sent.end].iter().filter(|t| t.kind == TokenKind::Word);
        let (n, capped) = words.fold((0, 0), |(n, c), t| (n + 1, c + usize::from(t.cap)));
        if capped * 5 < n * 3 {
            return false;
        }
    }
    let word = text.tok(toks.start);
    let participle = cx.pack.ends_with(word, Suffix::Participle);
    if participle && !first.space_before && toks.start > sent.start + 1 && text.tok(toks.start - 1) == "-" {
        return false;
    }
    // A verb form right after a determiner, where the pack has no noun reading.
    if after_det && participle && !has_noun && !cx.ix.is(toks.start - 1, Word::That) {
        return false;
    }
    true
}

/// Whether an actor is identified: a country or a name.
pub(crate) fn known(a: &Actor) -> bool {
    a.country.is_some() || a.name.is_some()
}

/// A person or group of no known country, that context may place (not an
/// international body or peacekeepers).
pub(crate) fn stateless(a: &Actor) -> bool {
    a.country.is_none()
        && a.name.is_none()
        && !matches!(a.sector, Some(Sector::Igo) | Some(Sector::Ngo) | Some(Sector::Pko))
}

/// Whether token `k` is a complementiser ("that", "que").
pub(crate) fn is_that(cx: &Ctx<'_, '_>, k: usize) -> bool {
    cx.ix.is(k, Word::That)
}

/// The complementiser within four tokens from `from` ("demanded (on Friday) that…").
pub(crate) fn that_after(cx: &Ctx<'_, '_>, from: usize, sent: &TokRange) -> Option<usize> {
    (from..(from + 4).min(sent.end)).find(|&k| is_that(cx, k))
}

/// Violence given a toll later in its sentence (kept as an event of its own).
pub(crate) fn tolled(cx: &Ctx<'_, '_>, t: &Trigger, sent: &TokRange) -> bool {
    matches!(t.event_type, EventType::Assault | EventType::Coerce)
        && !starting_in(&cx.casualty_words, |c| c.toks.start, t.toks.start..sent.end).is_empty()
}

/// The country of the place an event happened.
pub(crate) fn place_country(e: &Event) -> Option<&'static str> {
    e.location.as_ref().and_then(|l| l.place.as_ref()).and_then(|p| p.country)
}

/// A verb in a participial clause ("…, calling for independence", "exigeant", "pidiendo"),
/// not in a progressive tense ("are demanding").
fn participial(cx: &Ctx<'_, '_>, toks: &TokRange, sent: TokRange) -> bool {
    let word = cx.text.tok(toks.start);
    let ending = cx.pack.ends_with(word, Suffix::Gerund);
    let k = toks.start;
    ending
        && k > sent.start
        && !cx.ix.is(k - 1, Word::PassiveAux)
        && !cx.ix.is(k - 1, Word::Progressive)
        && !(k > sent.start + 1 && cx.ix.is(k - 2, Word::PassiveAux))
}

/// Tokens between a range and token `t` (0 when `t` is inside).
fn distance(r: &TokRange, t: usize) -> usize {
    if t < r.start {
        r.start - t
    } else if t >= r.end {
        t - r.end + 1
    } else {
        0
    }
}

pub(crate) fn gap(a: &TokRange, b: &TokRange) -> usize {
    if a.end <= b.start { b.start - a.end } else { a.start.saturating_sub(b.end) }
}

/// A sentence about armed conflict: an armed or state actor, or people killed or hurt.
fn conflict_context(cx: &Ctx<'_, '_>, sent: TokRange) -> bool {
    starting_in(&cx.actors, |a| a.toks.start, sent.clone())
        .iter()
        .any(|a| a.country.is_some() || a.sector.is_some_and(Sector::is_military))
        || !starting_in(&cx.casualty_words, |c| c.toks.start, sent).is_empty()
}

/// Builds one event per trigger, merging triggers of one type in one sentence.
pub fn build(cx: &Ctx<'_, '_>, triggers: &[Trigger]) -> Vec<Event> {
    let mut events: Vec<Event> = Vec::new();
    let mut last: Vec<(usize, EventType, usize)> = Vec::new(); // (sentence, type, event index)
    for t in triggers {
        let (actors, recipients) = roles(cx, t);
        if t.needs_party && !recipients.iter().any(|r| r.country.is_some() || r.name.is_some() || r.sector.is_some()) {
            continue;
        }
        if last.first().is_some_and(|l| l.0 != t.sentence) {
            last.clear(); // only triggers of the same sentence merge
        }
        if let Some(&(_, _, ei)) = last.iter().find(|(s, ty, _)| *s == t.sentence && *ty == t.event_type) {
            let e = &mut events[ei];
            // "X killed Y in a gunbattle" stays directed: fighting only makes sides of
            // an event that did not say who did what to whom.
            let directed = e.actors.iter().any(known) && !e.recipients.is_empty();
            // The first trigger's roles stand; a later one only fills what is missing.
            // "…killed a French soldier and wounded two others": the first one's object
            // is not the second one's subject.
            if e.actors.is_empty() || (t.two_sided && !directed) {
                for a in actors {
                    if t.two_sided || !e.recipients.iter().any(|r| r.span == a.span) {
                        push_actor(&mut e.actors, a);
                    }
                }
            }
            if e.recipients.is_empty() {
                for r in recipients {
                    push_actor(&mut e.recipients, r);
                }
            }
            if t.two_sided && !e.two_sided && !directed {
                // Fighting: whoever was hit or hit back is a side.
                e.two_sided = true;
                for r in std::mem::take(&mut e.recipients) {
                    push_actor(&mut e.actors, r);
                }
            }
            if e.mode.is_none() {
                e.mode = t.mode;
            }
            if e.acled.is_none() {
                e.acled = t.acled.clone();
            }
            continue;
        }
        let sent = cx.text.sentences[t.sentence].toks.clone();
        let (mut status, date) = status_at(cx, t.verb.unwrap_or(t.toks.start), sent.clone(), t.event_type);
        // A verb in a synthetic future ("expulsará", "attaquera") is a future event.
        // (any word of a verb trigger: "se manifestarán"; or its light verb)
        let verb_words = match t.verb {
            Some(v) => v..v + 1,
            None => t.toks.clone(),
        };
        if status == Status::Current
            && (t.pos == Pos::Verb || t.verb.is_some())
            && verb_words.clone().any(|k| cx.pack.ends_with(cx.text.tok(k), Suffix::Future))
        {
            status = Status::Future;
        }
        let claimant = claim_at(&cx.claims, t.toks.start).and_then(|c| c.speaker.clone());
        let mut e = Event {
            event_type: t.event_type,
            mode: t.mode,
            acled: t.acled.clone(),
            status,
            actors,
            recipients,
            two_sided: t.two_sided,
            location: location(cx, t.toks.start, sent.clone()),
            date,
            claimant,
            casualties: Vec::new(),
            trigger: cx.text.span(t.toks.clone()),
            evidence: cx.text.sentence_span(t.sentence),
            confidence: if t.weak { 0.5 } else { 0.7 },
            planned: None,
            sentence: t.sentence,
            facts: sitrep_core::TriggerFacts { noun: t.pos == Pos::Noun, nonfinite: t.nonfinite },
        };
        if hedged(&cx.claims, t.toks.start) {
            e.confidence -= 0.15;
        }
        last.push((t.sentence, t.event_type, events.len()));
        events.push(e);
    }
    events
}

/// Status and date at token `t`: negated, hypothetical, future, historical or current.
pub fn status_at(cx: &Ctx<'_, '_>, t: usize, sent: TokRange, event_type: EventType) -> (Status, EventDate) {
    let before = |n: usize| t.saturating_sub(n).max(sent.start)..t;
    let around = |n: usize| t.saturating_sub(n).max(sent.start)..(t + n).min(sent.end);
    let date = nearest_date(cx, t, sent.clone());
    let event_date = match date {
        Some(d) => EventDate { span: Some(d.span), value: d.value.clone(), precision: d.precision },
        None => cx.default_date.clone(),
    };
    let status = if any_in(&cx.cues[Cue::Negation], before(5)) {
        Status::Negated
    } else if any_in(&cx.cues[Cue::Hypothetical], before(5)) {
        Status::Hypothetical
    } else if any_in(&cx.cues[Cue::Future], before(4)) {
        Status::Future
    } else if date.is_some_and(|d| d.since || d.year.is_some_and(|y| y < cx.ref_year))
        || (date.is_none_or(|d| d.year.is_none_or(|y| y < cx.ref_year))
            && (any_in(&cx.cues[Cue::Historical], around(8))
                || (event_type == EventType::Assault && any_in(&cx.cues[Cue::Court], sent.clone()))))
    {
        Status::Historical
    } else {
        Status::Current
    };
    // Background with no date of its own happened before the article, not on its day.
    let event_date = if status == Status::Historical && date.is_none() { EventDate::default() } else { event_date };
    (status, event_date)
}

/// The date nearest to token `t` in its sentence, among dates with a calendar value.
fn nearest_date<'d>(cx: &'d Ctx<'_, '_>, t: usize, sent: TokRange) -> Option<&'d DateMention> {
    starting_in(&cx.dates, |d| d.toks.start, sent)
        .iter()
        .filter(|d| d.year.is_some() || d.precision.is_some())
        .filter(|d| d.kind != sitrep_core::DateKind::Duration)
        // On a tie the date after the trigger wins ("le génocide de 1994", "the attack
        // of 2015") over one before it.
        .min_by_key(|d| (distance(&d.toks, t), d.toks.start < t))
}

/// The most specific place of the sentence, nearest to the trigger.
fn location(cx: &Ctx<'_, '_>, t: usize, sent: TokRange) -> Option<sitrep_core::PlaceMention> {
    // (a country named as a side, "combates con Azerbaiyán", "fighting between Armenia
    // and Azerbaijan", is a party, not where it happened)
    let party = |p: &sitrep_core::PlaceMention| {
        let country = p.place.as_ref().is_some_and(|r| r.precision == "country");
        let mut k = p.toks.start;
        while k > sent.start && (cx.ix.is(k - 1, Word::Article) || cx.text.tok(k - 1) == "'") {
            k -= 1;
        }
        country && k > sent.start && (cx.ix.is(k - 1, Word::With) || cx.ix.is(k - 1, Word::Between))
    };
    starting_in(&cx.places, |p| p.toks.start, sent.clone())
        .iter()
        .filter(|p| p.place.is_some() && !party(p))
        .min_by_key(|p| {
            let rank = match p.place.as_ref().map(|r| r.precision) {
                Some("city") | Some("point") => 0,
                Some("region") => 1,
                _ => 2,
            };
            (rank, distance(&p.toks, t))
        })
        .cloned()
}

/// Drops events named only by a noun with nobody involved ("peace talks", "food aid",
/// "the civil war" as a topic) when the same sentence has an event with parties: the
/// noun is that event's topic, not a separate event.
pub fn drop_topics(events: &mut Vec<Event>) {
    // Sides filled in from the document (inferred) are not parties read in the sentence.
    let has_parties = |e: &Event| e.actors.iter().chain(&e.recipients).any(|a| !a.inferred);
    let with_parties: std::collections::BTreeSet<usize> =
        events.iter().filter(|e| has_parties(e)).map(|e| e.sentence).collect();
    events.retain(|e| {
        // (a protest is rarely a mere topic: "thousands marched to demand ...")
        let partyless = !has_parties(e) && e.casualties.is_empty() && e.event_type != EventType::Protest;
        !(partyless && e.facts.noun && with_parties.contains(&e.sentence))
    });
}

/// PLOVER codes statements of intent and refusal as events of their own: "X will
/// support Y" is X's AGREE (a commitment, made now), "X plans to strike" is THREATEN,
/// "X did not agree to meet" is REJECT. A speaker's conditional about its own side
/// ("Palestinian leaders said they would boycott…") is an intent too, and an action
/// promised "unless" the other side yields is an ultimatum: THREATEN, whatever the action.
/// The intended or refused action is kept in `planned`. Only events with an actor are
/// recoded (someone must have said it).
pub fn recode_intent(cx: &Ctx<'_, '_>, events: &mut [Event]) {
    const HOSTILE: &[EventType] = &[EventType::Assault, EventType::Coerce, EventType::Sanction, EventType::Protest];
    const COOPERATIVE: &[EventType] = &[
        EventType::Agree,
        EventType::Consult,
        EventType::Support,
        EventType::Concede,
        EventType::Cooperate,
        EventType::Aid,
        EventType::Retreat,
        EventType::Mobilize,
    ];
    let conditions: Vec<sitrep_core::Span> = cx.cues[Cue::Condition].iter().map(|r| cx.text.span(r.clone())).collect();
    for e in events.iter_mut() {
        // "The party said it would boycott the vote": who announces an intent holds it.
        if e.actors.is_empty()
            && e.status == Status::Future
            && let Some(c) = &e.claimant
        {
            e.actors.push(c.clone());
        }
        if e.actors.is_empty() {
            continue;
        }
        let own_word = e.status == Status::Hypothetical
            && e.claimant.as_ref().is_some_and(|c| {
                e.actors
                    .iter()
                    .any(|a| (c.country.is_some() && a.country == c.country) || (c.name.is_some() && a.name == c.name))
            });
        let intent = e.status == Status::Future || own_word;
        let ultimatum = intent
            && conditions.iter().any(|c| c.start >= e.trigger.end && c.end <= e.evidence.end)
            && (HOSTILE.contains(&e.event_type) || COOPERATIVE.contains(&e.event_type));
        let recoded = match (intent, e.status, e.event_type) {
            _ if ultimatum => EventType::Threaten,
            (true, _, t) if COOPERATIVE.contains(&t) => EventType::Agree,
            (true, _, t) if HOSTILE.contains(&t) => EventType::Threaten,
            (_, Status::Negated, t) if COOPERATIVE.contains(&t) && t != EventType::Mobilize => EventType::Reject,
            _ => continue,
        };
        if recoded != e.event_type {
            e.planned = Some(e.event_type);
            e.event_type = recoded;
            e.mode = None;
            e.acled = None;
        }
        e.status = Status::Current;
    }
}

/// Merges events of one document that are the same event told twice: same type, mode,
/// status and claimant, and actors and recipients that do not conflict. Candidates are
/// bucketed by that key, and only the most recent ones of a bucket are compared, so the
/// cost stays linear on very long documents.
pub fn merge_duplicates(events: Vec<Event>) -> Vec<Event> {
    const RECENT: usize = 64;
    type Key = (EventType, Option<Mode>, Status, bool, Option<Option<&'static str>>);
    let mut out: Vec<Event> = Vec::new();
    let mut buckets: std::collections::BTreeMap<Key, Vec<usize>> = Default::default();
    for e in events {
        let key: Key = (e.event_type, e.mode, e.status, e.two_sided, e.claimant.as_ref().map(|c| c.country));
        let bucket = buckets.entry(key).or_default();
        let dup = bucket.iter().rev().take(RECENT).copied().find(|&i| {
            let o = &out[i];
            compatible(&o.actors, &e.actors)
                && compatible(&o.recipients, &e.recipients)
                && (o.casualties.is_empty() || e.casualties.is_empty())
        });
        match dup {
            Some(i) => {
                let o = &mut out[i];
                for a in e.actors {
                    push_actor(&mut o.actors, a);
                }
                for r in e.recipients {
                    push_actor(&mut o.recipients, r);
                }
                o.casualties.extend(e.casualties);
                o.confidence = (o.confidence + 0.1).min(0.95);
            }
            None => {
                bucket.push(out.len());
                out.push(e);
            }
        }
    }
    out
}

fn compatible(a: &[Actor], b: &[Actor]) -> bool {
    let ca: Vec<_> = a.iter().filter_map(|x| x.country).collect();
    let cb: Vec<_> = b.iter().filter_map(|x| x.country).collect();
    ca.iter().all(|c| cb.contains(c)) || cb.iter().all(|c| ca.contains(c))
}

/// The default date of current events: the publication date.
pub fn published_date(published: Option<&str>) -> EventDate {
    match published {
        Some(p) => EventDate { span: None, value: Some(p.to_string()), precision: Some(Precision::Day) },
        None => EventDate::default(),
    }
}

/// One incident, one event (as ACLED and CAMEO coders count): in a sentence, an event
/// named by a noun, a gerund or an infinitive after the sentence's first event, that
/// brings no party of its own, no toll and no other status or claimant, is that event's
/// purpose, manner or topic ("marched to demand reforms", "opened fire, arresting 12",
/// "rejected a request for aid") and is folded into it. A finite verb with its own
/// predication ("…and threatened to…", "a facilité un accord") stays, as does violence
/// after a non-violent event.
pub fn fold_secondary(events: &mut Vec<Event>) {
    let mut main: Option<usize> = None; // index of the current sentence's first event
    let mut keep = vec![true; events.len()];
    for i in 0..events.len() {
        let m = match main {
            Some(m) if events[m].sentence == events[i].sentence => m,
            _ => {
                main = Some(i);
                continue;
            }
        };
        let (a, e) = (&events[m], &events[i]);
        if !e.facts.nonfinite {
            continue;
        }
        let countries = |xs: &[Actor]| xs.iter().filter_map(|x| x.country).collect::<Vec<_>>();
        // (a first event with no actor: its recipients may be its agents misread, as
        // the demonstrators of the verb-first "تظاهر آلاف المتظاهرين … للمطالبة")
        let main_parties = if a.actors.is_empty() { countries(&a.recipients) } else { countries(&a.actors) };
        let own_agent = countries(&e.actors).iter().any(|c| !main_parties.contains(c))
            || (e.actors.iter().any(|x| x.country.is_none() && x.name.is_some())
                && !e.actors.iter().all(|x| a.actors.iter().any(|y| y.name == x.name)));
        let same_claim = e.claimant.as_ref().map(|c| c.country) == a.claimant.as_ref().map(|c| c.country);
        let planned = matches!(e.status, Status::Hypothetical | Status::Future);
        let escalation = e.event_type == EventType::Assault && a.event_type != EventType::Assault && !planned;
        // (a possible or planned event named as the first one's purpose folds too:
        // "called up reserve units ahead of a possible war")
        let same_status = e.status == a.status || planned;
        if e.casualties.is_empty()
            && !own_agent
            && same_claim
            && same_status
            && (!e.two_sided || planned)
            && !escalation
        {
            keep[i] = false;
        }
    }
    let mut keep = keep.into_iter();
    events.retain(|_| keep.next().unwrap_or(true));
}
