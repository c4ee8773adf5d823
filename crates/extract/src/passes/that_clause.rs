//! Trigger pass `that_clause`: What a request, an agreement, a threat or an accusation states in a that-clause is its content ("demanded that Israel ease restrictions").

use sitrep_core::{EventType, Pos, TokRange};

use crate::Ctx;
use crate::events::{Trigger, clause_end, is_that, that_after, tolled};

pub(crate) fn run(cx: &Ctx<'_, '_>, sent: TokRange, found: &mut Vec<Trigger>) {
    // What a request asks for is its content: "demanded that Israel ease
    // restrictions", "must be ready to negotiate" (one event, the request); so is
    // what is agreed, threatened or alleged in a that-clause ("agreed that their
    // countries should cooperate").
    let mut k = 0;
    while k < found.len() {
        let a = &found[k];
        if !matches!(a.event_type, EventType::Request | EventType::Agree | EventType::Threaten | EventType::Accuse)
            || (a.event_type != EventType::Request && a.pos == Pos::Noun)
        {
            k += 1;
            continue;
        }
        let from = if a.pos == Pos::Modal || is_that(cx, a.toks.end - 1) {
            Some(a.obj_from)
        } else {
            that_after(cx, a.obj_from, &sent).map(|i| i + 1)
        };
        if let Some(from) = from {
            let end = clause_end(cx, from, sent.clone());
            let mut i = k + 1;
            while i < found.len() {
                let b = &found[i];
                if b.toks.start >= from && b.toks.start < end && !tolled(cx, b, &sent) {
                    found.remove(i);
                } else {
                    i += 1;
                }
            }
        }
        k += 1;
    }
}
