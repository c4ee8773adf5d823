//! Roles are participants: the last stage makes sure that no actor, recipient or
//! claimant of an event, and no perpetrator or claimant of a casualty, overlaps an event
//! trigger (the predicate is never its own argument). A role that merely contains a
//! trigger ("Liberian riot police" around "riot", "Taliban suicide bombers" around
//! "suicide bombers") keeps its longest part outside the trigger ("Liberian police" is
//! not contiguous: "Liberian" is kept, with the sector read from the whole phrase); a
//! role that is all trigger ("manifestantes" as the trigger and the actor) is dropped.
//! Inferred sides point at a mention elsewhere and are checked the same way.

use sitrep_core::{Actor, Event, Span, Text};

/// Trigger spans of a document, sorted by start.
struct Triggers(Vec<Span>);

/// Longest trigger, in bytes: triggers that could reach a role are looked back for
/// within this distance.
const MAX_TRIGGER_BYTES: usize = 256;

impl Triggers {
    fn overlapping(&self, s: Span) -> Option<Span> {
        let end = self.0.partition_point(|t| t.start < s.end);
        self.0[..end]
            .iter()
            .rev()
            .take_while(|t| t.start + MAX_TRIGGER_BYTES > s.start)
            .find(|t| t.overlaps(s))
            .copied()
    }
}

/// Trims or drops every role that overlaps a trigger (see the module doc).
pub fn enforce(text: &Text<'_>, events: &mut [Event]) {
    let mut spans: Vec<Span> = events.iter().map(|e| e.trigger).collect();
    spans.sort();
    let triggers = Triggers(spans);
    let keep = |a: &mut Actor| participant(text, &triggers, a);
    for e in events.iter_mut() {
        e.actors.retain_mut(keep);
        e.recipients.retain_mut(keep);
        if e.claimant.as_mut().is_some_and(|c| !keep(c)) {
            e.claimant = None;
        }
        for c in &mut e.casualties {
            if c.perpetrator.as_mut().is_some_and(|a| !keep(a)) {
                c.perpetrator = None;
            }
            if c.claimant.as_mut().is_some_and(|a| !keep(a)) {
                c.claimant = None;
            }
        }
    }
}

/// Whether `a` can stay a role, after trimming it to the part outside any trigger.
fn participant(text: &Text<'_>, triggers: &Triggers, a: &mut Actor) -> bool {
    // (each pass removes one trigger from the span: a phrase holds few)
    for _ in 0..4 {
        let Some(t) = triggers.overlapping(a.span) else { return true };
        let toks = a.toks.clone();
        if toks.is_empty() || toks.end > text.tokens.len() {
            return false;
        }
        // Tokens wholly before and wholly after the trigger.
        let byte = |k: usize| text.span(k..k + 1);
        let before = toks.start..toks.clone().find(|&k| byte(k).end > t.start).unwrap_or(toks.end);
        let after = toks.clone().rev().find(|&k| byte(k).start < t.end).map_or(toks.start, |k| k + 1)..toks.end;
        let words = |r: &std::ops::Range<usize>| {
            r.clone().filter(|&k| text.tokens[k].kind == sitrep_core::TokenKind::Word).count()
        };
        let part = if words(&before) >= words(&after) { before } else { after };
        if words(&part) == 0 {
            return false;
        }
        a.toks = part.clone();
        a.span = text.span(part);
    }
    triggers.overlapping(a.span).is_none()
}
