//! Trigger pass `light_verb`: The light verb that carries a noun event ("mounted an invasion", "a lancé une offensive"): its subject acts, its tense is the event's.

use sitrep_core::{Cue, Pos, Suffix, TokRange, Word};

use crate::cues::any_in;
use crate::events::{Trigger, clause_end};
use crate::{Ctx, starting_in};

// (the signature is the shared `Pass` type: other passes remove triggers)
#[allow(clippy::ptr_arg)]
pub(crate) fn run(cx: &Ctx<'_, '_>, sent: TokRange, found: &mut Vec<Trigger>) {
    // The light verb of a noun: close before it, in its clause, with no other
    // trigger between.
    let mut ends = sent.start; // where the triggers seen so far end
    for t in found.iter_mut() {
        let prev_end = ends;
        ends = ends.max(t.toks.end);
        if t.pos != Pos::Noun {
            continue;
        }
        let from = t.toks.start.saturating_sub(8).max(sent.start);
        let Some(v) = starting_in(&cx.cues[Cue::Light], |c| c.start, from.max(prev_end)..t.toks.start)
            .iter()
            .rfind(|v| v.end <= t.toks.start && clause_end(cx, v.end, sent.clone()) >= t.toks.start)
            .map(|v| v.start)
        else {
            continue;
        };
        // (not "launching", "to launch", "was launched")
        let before = v > sent.start && (any_in(&cx.cues[Cue::Purpose], v - 1..v) || cx.ix.is(v - 1, Word::PassiveAux));
        let finite = !(cx.pack.ends_with(cx.text.tok(v), Suffix::Gerund) || before);
        t.verb = Some(v);
        if finite {
            t.nonfinite = false;
        }
    }
}
