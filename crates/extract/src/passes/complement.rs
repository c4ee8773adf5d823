//! Trigger pass `complement`: A verb governs its infinitive complement ("agreed to share", "a accepté de négocier", "threatened to attack"): one event of the verb's type.

use sitrep_core::{Pos, TokRange, Word};

use crate::Ctx;
use crate::events::Trigger;

pub(crate) fn run(cx: &Ctx<'_, '_>, _sent: TokRange, found: &mut Vec<Trigger>) {
    // A verb governs its complement: "agreed to share", "a accepté de négocier",
    // "threatened to attack", "refused to meet" are one event of the verb's type.
    let mut k = 0;
    while k + 1 < found.len() {
        let (a, b) = (&found[k], &found[k + 1]);
        let between = a.toks.end..b.toks.start;
        // (an elided marker ends in an apostrophe: "a menacé d'attaquer")
        let last = if cx.text.tok(a.toks.end - 1) == "'" && a.toks.len() > 1 { a.toks.end - 2 } else { a.toks.end - 1 };
        let ends_to = cx.ix.is(last, Word::Complement);
        // "must withdraw", "doit libérer": the demanded action is the demand's content.
        let demanded = a.pos == Pos::Modal && b.toks.start >= a.toks.end && between.len() <= 2;
        let complement = demanded
            || a.pos == Pos::Verb
                && b.toks.start >= a.toks.end
                && between.len() <= 3
                && (ends_to || between.clone().any(|i| cx.ix.is(i, Word::Complement)))
                && between.clone().all(|i| {
                    cx.ix.is(i, Word::Complement) || cx.ix.is(i, Word::ComplementGap) || cx.text.tok(i) == "'"
                });
        if complement {
            let b = found.remove(k + 1);
            let a = &mut found[k];
            a.obj_from = b.toks.end;
            a.mode = a.mode.or(if a.event_type == b.event_type { b.mode } else { None });
            continue;
        }
        k += 1;
    }
}
