//! Trigger pass `verb_noun`: A verb with its event noun is one event ("négocié un cessez-le-feu", "called for talks"); an argument between them stays outside the trigger.

use sitrep_core::{EventType, Pos, TokRange};

use crate::events::Trigger;
use crate::{Ctx, starting_in};

pub(crate) fn run(cx: &Ctx<'_, '_>, _sent: TokRange, found: &mut Vec<Trigger>) {
    // A light verb with its noun ("négocié un cessez-le-feu", "called for talks").
    let mut k = 0;
    while k + 1 < found.len() {
        let (a, b) = (&found[k], &found[k + 1]);
        if a.pos == Pos::Verb
            && b.pos == Pos::Noun
            && b.toks.start >= a.toks.end
            && b.toks.start - a.toks.end <= 3
            && a.event_type != b.event_type
        {
            let ty = if a.event_type == EventType::Consult && b.event_type == EventType::Agree {
                EventType::Agree
            } else {
                a.event_type
            };
            let mode = if ty == b.event_type { b.mode.or(a.mode) } else { a.mode.or(b.mode) };
            let acled = if ty == b.event_type { b.acled.clone() } else { a.acled.clone() };
            // (the trigger is the predicate: an argument between the verb and its noun,
            // "blamed Israel for the bombing", stays outside it)
            let argument = !starting_in(&cx.actors, |x| x.toks.start, a.toks.end..b.toks.start).is_empty();
            let toks = if argument { a.toks.clone() } else { a.toks.start..b.toks.end };
            let merged = Trigger { toks, event_type: ty, mode, acled, ..a.clone() };
            found[k] = merged;
            found.remove(k + 1);
            continue;
        }
        k += 1;
    }
}
