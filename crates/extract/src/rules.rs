//! Document-level completion (`complete`): named rules applied to each event in the
//! order of [`RULES`], after its roles were read from its sentence. They fill what only
//! the whole document tells (the belligerents of two-sided fighting, a claimant's side,
//! the place's country) and recode a few types (exercises, expulsions). A rule may end
//! the list for its event (`Flow::Done`).
//!
//! - `exercises`: Exercises held by two countries together are military cooperation.
//! - `expulsion`: Expelling diplomats, inspectors, peacekeepers or aid workers is a sanction (PLOVER).
//! - `dominant_country`: People and groups of no country in an article about one country are its own.
//! - `two_sided_sides`: Fighting without named sides gets the document's belligerents (the other rules do not apply to it).
//! - `claimant_acts`: A state that reports a non-violent event of nobody named is its actor.
//! - `accuser`: An accusation of nobody named is its claimant's.
//! - `claimant_target`: A state that reports an attack on it by someone else is its target.
//! - `visit_place`: A visit, aid or support with no named recipient goes to where it happens.
//! - `victims_place`: Victims of unknown nationality are of the country where it happened, unless it is the attacker's.
//! - `unnamed_attacker`: An attack by nobody named is an unidentified armed group of the place, or the other side of a two-country conflict.
//! - `protesters_place`: Protesters of unknown nationality are people of the place or of the authorities they defy.
//! - `protest_defied`: A protest in defiance of named authorities addresses them, not the place.
//! - `protest_authorities`: A protest with no named target addresses the authorities where it happens.
//! - `recipient_not_actor`: A recipient that is an actor's own mention is the actor read twice.

use std::collections::BTreeMap;

use sitrep_core::{Actor, Event, EventType, Mode, Sector, Span, Status};

use crate::Ctx;
use crate::events::{place_country, stateless};
use crate::roles::push_actor;
use crate::starting_in;

/// What every rule may read: the document and its two main belligerents.
pub(crate) struct Doc<'c, 't, 'a> {
    cx: &'c Ctx<'t, 'a>,
    /// The (at most two) countries most often parties to current attacks.
    dyad: Vec<&'static str>,
    /// Each country's first mention: its first actor read from the text, else its first
    /// place (what an inferred side points at; found once per document).
    first_mention: BTreeMap<&'static str, Span>,
}

impl Doc<'_, '_, '_> {
    /// A side read from context: the country `c`, pointing at the mention it was read
    /// from (`at`, else the country's first mention). `None` when the country has no
    /// mention to point at.
    fn inferred_side(&self, c: &'static str, sector: Option<Sector>, at: Option<Span>) -> Option<Actor> {
        let span = at.or_else(|| self.first_mention.get(c).copied())?;
        Some(Actor { span, country: Some(c), sector, inferred: true, ..Actor::default() })
    }

    /// The country `c` as a recipient: the event's place mention names it (read, not
    /// inferred); without one, an inferred side.
    fn place_recipient(&self, e: &mut Event, c: &'static str) {
        match e.location.as_ref() {
            Some(l) => e.recipients.push(Actor { span: l.span, country: Some(c), ..Actor::default() }),
            None => e.recipients.extend(self.inferred_side(c, None, None)),
        }
    }
}

/// Each country's first mention in the document (see `Doc::first_mention`).
fn first_mentions(cx: &Ctx<'_, '_>) -> BTreeMap<&'static str, Span> {
    let mut out = BTreeMap::new();
    for a in cx.actors.iter().filter(|a| !a.inferred) {
        if let Some(c) = a.country {
            out.entry(c).or_insert(a.span);
        }
    }
    let mut places = BTreeMap::new();
    for p in &cx.places {
        if let Some(c) = p.place.as_ref().and_then(|r| r.country) {
            places.entry(c).or_insert(p.span);
        }
    }
    for (c, span) in places {
        out.entry(c).or_insert(span);
    }
    out
}

/// Whether the next rules still apply to the event.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Next,
    Done,
}

type Rule = fn(&Doc<'_, '_, '_>, &mut Event) -> Flow;

/// `(name, rule)` pairs named after their functions.
macro_rules! rules {
    ($($f:ident),* $(,)?) => {
        &[$((stringify!($f), $f as Rule)),*]
    };
}

/// Every rule, in the order they apply.
const RULES: &[(&str, Rule)] = rules![
    exercises,
    expulsion,
    dominant_country,
    two_sided_sides,
    claimant_acts,
    accuser,
    claimant_target,
    visit_place,
    victims_place,
    unnamed_attacker,
    protesters_place,
    protest_defied,
    protest_authorities,
    recipient_not_actor,
];

/// Fills roles that need the whole document: two-sided fighting without named sides
/// gets the document's belligerents; state claimants are the targets of attacks they
/// report; speakers act when their own clause has no subject.
pub fn complete(cx: &Ctx<'_, '_>, events: &mut [Event]) {
    let mut counts: std::collections::BTreeMap<&'static str, u32> = Default::default();
    for e in events.iter().filter(|e| e.event_type == EventType::Assault && e.status == Status::Current) {
        for a in e.actors.iter().chain(&e.recipients) {
            if let Some(c) = a.country {
                *counts.entry(c).or_default() += 1;
            }
        }
    }
    let mut dyad: Vec<(&'static str, u32)> = counts.into_iter().collect();
    dyad.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let dyad: Vec<&'static str> = dyad.iter().take(2).map(|d| d.0).collect();
    let doc = Doc { cx, dyad, first_mention: first_mentions(cx) };
    for e in events.iter_mut() {
        for (_, rule) in RULES {
            if rule(&doc, e) == Flow::Done {
                break;
            }
        }
    }
}

/// Exercises held by two countries together are military cooperation.
fn exercises(_doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    // Exercises held by two countries together are military cooperation.
    if e.event_type == EventType::Mobilize && e.mode == Some(Mode::Exercise) {
        let mut countries: Vec<_> = e.actors.iter().filter_map(|a| a.country).collect();
        countries.dedup();
        if countries.len() >= 2 {
            e.event_type = EventType::Cooperate;
        }
    }
    Flow::Next
}

/// Expelling diplomats, inspectors, peacekeepers or aid workers is a sanction (PLOVER).
fn expulsion(_doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    // Expelling diplomats, inspectors, peacekeepers or aid workers breaks off
    // relations: a sanction (PLOVER), where expelling people is coercion.
    if e.event_type == EventType::Coerce
        && e.mode == Some(Mode::Expel)
        && e.recipients.iter().any(|r| matches!(r.sector, Some(Sector::Gov | Sector::Igo | Sector::Pko | Sector::Ngo)))
    {
        e.event_type = EventType::Sanction;
        e.acled = None;
    }
    Flow::Next
}

/// People and groups of no country in an article about one country are its own.
fn dominant_country(doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let cx = doc.cx;
    if let Some(d) = cx.dominant {
        for a in e.actors.iter_mut().chain(e.recipients.iter_mut()).filter(|a| stateless(a)) {
            a.country = Some(d);
        }
    }
    Flow::Next
}

/// Fighting without named sides gets the document's belligerents (the other rules do not apply to it).
fn two_sided_sides(doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let dyad = &doc.dyad;
    let cx = doc.cx;
    if e.two_sided {
        let have: Vec<_> = e.actors.iter().filter_map(|a| a.country).collect();
        if have.is_empty() && dyad.len() < 2 {
            // Unnamed sides in an article about one country: its forces are
            // presumed to be one of them (low confidence).
            // (not when the country is only the source: "…, Thai military sources said")
            let speaker = |a: &Actor| cx.claims.iter().any(|c| c.speaker.as_ref().is_some_and(|s| s.span == a.span));
            if let Some(a) =
                cx.dominant.and_then(|d| doc.inferred_side(d, Some(Sector::Mil), None)).filter(|a| !speaker(a))
            {
                push_actor(&mut e.actors, a);
                e.confidence = e.confidence.min(0.5);
            }
        }
        if have.len() < 2 && dyad.len() == 2 {
            for c in dyad {
                if !have.contains(c)
                    && let Some(a) = doc.inferred_side(c, Some(Sector::Mil), None)
                {
                    push_actor(&mut e.actors, a);
                }
            }
        }
        return Flow::Done;
    }
    Flow::Next
}

/// A state that reports a non-violent event of nobody named is its actor.
fn claimant_acts(_doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let claimant_state = e
        .claimant
        .as_ref()
        .filter(|c| c.country.is_some() && matches!(c.sector, Some(Sector::Gov) | Some(Sector::Mil) | None));
    if e.actors.is_empty()
        && !matches!(e.event_type, EventType::Assault | EventType::Protest | EventType::Coerce)
        && let Some(c) = claimant_state
    {
        e.actors.push(c.clone());
    }
    Flow::Next
}

/// An accusation of nobody named is its claimant's.
fn accuser(_doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    if e.event_type == EventType::Accuse
        && e.actors.is_empty()
        && let Some(c) = &e.claimant
    {
        e.actors.push(c.clone());
    }
    Flow::Next
}

/// A state that reports an attack on it by someone else is its target.
fn claimant_target(_doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let claimant_state = e
        .claimant
        .as_ref()
        .filter(|c| c.country.is_some() && matches!(c.sector, Some(Sector::Gov) | Some(Sector::Mil) | None));
    if e.recipients.is_empty()
        && matches!(e.event_type, EventType::Assault | EventType::Coerce | EventType::Mobilize | EventType::Threaten)
        && let Some(c) = claimant_state
        && e.actors.iter().all(|a| a.country.is_some() && a.country != c.country)
        && !e.actors.is_empty()
    {
        e.recipients.push(Actor { sector: None, name: None, wikidata: None, ..c.clone() });
    }
    Flow::Next
}

/// A visit, aid or support with no named recipient goes to where it happens.
fn visit_place(doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let here = place_country(e);
    // A visit, aid or support with no named recipient goes to where it happens
    // ("arrived in Amman on a visit").
    if e.recipients.is_empty()
        && matches!(e.event_type, EventType::Consult | EventType::Aid | EventType::Support | EventType::Cooperate)
        && let Some(c) = here.filter(|c| !e.actors.iter().any(|a| a.country == Some(c)))
    {
        doc.place_recipient(e, c);
    }
    Flow::Next
}

/// Victims of unknown nationality are of the country where it happened, unless it is the attacker's.
fn victims_place(doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let here = place_country(e);
    // Victims of unknown nationality ("killed 23 people in Tel Aviv") are taken
    // to be of the country where it happened, when that is not the attacker's.
    if matches!(e.event_type, EventType::Assault | EventType::Coerce)
        && !e.two_sided
        && let Some(c) = here.filter(|c| !e.actors.iter().any(|a| a.country == Some(c)))
    {
        for r in e.recipients.iter_mut().filter(|r| stateless(r)) {
            r.country = Some(c);
        }
        // Nor any named target ("imposed a blockade on the Gaza Strip").
        if e.recipients.is_empty() && e.actors.iter().any(|a| a.country.is_some()) {
            doc.place_recipient(e, c);
        }
    }
    Flow::Next
}

/// An attack by nobody named is an unidentified armed group of the place, or the other side of a two-country conflict.
fn unnamed_attacker(doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let here = place_country(e);
    let dyad = &doc.dyad;
    // An attack by nobody named ("a roadside bomb near Samarra killed…") is, as
    // ACLED codes it, an unidentified armed group of the country where it happened;
    // unnamed gunmen too (low confidence).
    // In an article about two countries fighting, an attack on one of them (its
    // soldiers, its state) is the other's.
    if e.event_type == EventType::Assault && !e.two_sided {
        // (soldiers or the state itself hit: a civilian toll says nothing of the side)
        let hit = e
            .recipients
            .iter()
            .filter(|r| r.sector.is_none_or(|s| matches!(s, Sector::Mil | Sector::Gov)))
            .filter_map(|r| r.country)
            .collect::<Vec<_>>();
        let enemy = (dyad.len() == 2)
            .then(|| dyad.iter().copied().find(|d| !hit.contains(d) && hit.iter().any(|h| dyad.contains(h))))
            .flatten();
        // (where the place is one side's, an attack there by nobody named may be
        // either side's: left open)
        let neutral = here.filter(|h| !dyad.contains(h) || dyad.len() < 2);
        let sector = if enemy.is_some() { Sector::Mil } else { Sector::Uaf };
        if let Some(c) = enemy.or(neutral) {
            let unnamed = |a: &Actor| {
                a.country.is_none()
                    && a.name.is_none()
                    && a.sector.is_none_or(|s| matches!(s, Sector::Uaf | Sector::Reb | Sector::Mil | Sector::Cvl))
            };
            if e.actors.is_empty() {
                // (an inferred side points at the mention it was read from)
                let at = e.location.as_ref().map(|l| l.span).filter(|_| enemy.is_none());
                if let Some(a) = doc.inferred_side(c, Some(sector), at) {
                    e.actors.push(a);
                    e.confidence = e.confidence.min(0.5);
                }
            } else if e.actors.iter().all(unnamed) {
                for a in e.actors.iter_mut() {
                    a.country = Some(c);
                }
                e.confidence = e.confidence.min(0.5);
            }
        }
    }
    Flow::Next
}

/// Protesters of unknown nationality are people of the place or of the authorities they defy.
fn protesters_place(_doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let here = place_country(e);
    // Protesters of unknown nationality are people of the place, or of the
    // authorities they protest against.
    if e.event_type == EventType::Protest
        && let Some(c) = here.or_else(|| e.recipients.iter().find_map(|r| r.country))
    {
        for a in e.actors.iter_mut().filter(|a| stateless(a)) {
            a.country = Some(c);
        }
    }
    Flow::Next
}

/// A protest in defiance of named authorities addresses them, not the place.
fn protest_defied(doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let cx = doc.cx;
    // A march "in Minsk in defiance of Belarusian authorities" addresses the
    // authorities named, not the place.
    if e.event_type == EventType::Protest
        && e.recipients.first().is_some_and(|r| r.sector.is_none() && r.name.is_none())
        && let Some(auth) = starting_in(&cx.actors, |a| a.toks.start, cx.text.sentences[e.sentence].toks.clone())
            .iter()
            .filter(|a| a.span.start >= e.trigger.end && a.span.end <= e.evidence.end)
            .find(|a| a.country.is_some() && matches!(a.sector, Some(Sector::Gov | Sector::Mil | Sector::Cop)))
    {
        e.recipients = vec![auth.clone()];
    }
    Flow::Next
}

/// A protest with no named target addresses the authorities where it happens.
fn protest_authorities(doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    let here = place_country(e);
    // A protest with no named target addresses the authorities where it happens.
    if e.event_type == EventType::Protest
        && e.recipients.is_empty()
        && let Some(c) = here.or_else(|| e.actors.iter().find_map(|a| a.country))
    {
        let at = e.location.as_ref().map(|l| l.span).filter(|_| here == Some(c));
        e.recipients.extend(doc.inferred_side(c, Some(Sector::Gov), at));
    }
    Flow::Next
}

/// A recipient that is an actor's own mention is the actor read twice.
fn recipient_not_actor(_doc: &Doc<'_, '_, '_>, e: &mut Event) -> Flow {
    // A recipient that is an actor's own mention is the actor read twice (a
    // government acting on its own people or capital is kept).
    // (sides read from context point at some mention: they are not that mention)
    let actor_spans: Vec<_> = e.actors.iter().filter(|a| !a.inferred).map(|a| a.span).collect();
    e.recipients.retain(|r| r.inferred || !actor_spans.contains(&r.span));
    Flow::Next
}
