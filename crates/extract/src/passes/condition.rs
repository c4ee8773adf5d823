//! Trigger pass `condition`: What a condition supposes is no event ("unless Baghdad accepted", "if it is attacked", "si les négociations échouent").

use sitrep_core::{Cue, TokRange};

use crate::events::{Trigger, clause_end};
use crate::{Ctx, starting_in};

pub(crate) fn run(cx: &Ctx<'_, '_>, sent: TokRange, found: &mut Vec<Trigger>) {
    // What a condition supposes is no event: "unless Baghdad accepted its
    // conditions", "if it is attacked", "si les négociations échouent" (the
    // clause runs to its comma or the sentence end).
    found.retain(|t| {
        let from = sent.start..t.toks.start;
        ![&cx.cues[Cue::Condition], &cx.cues[Cue::Conditional]].iter().any(|cues| {
            starting_in(cues, |c| c.start, from.clone())
                .iter()
                .any(|c| c.end <= t.toks.start && clause_end(cx, c.end, sent.clone()) > t.toks.start)
        })
    });
}
