//! Trigger pass `noun_compound`: A noun compound names one event, its head last where the language puts modifiers first ("ceasefire talks": talks).

use sitrep_core::{Pos, Setting, TokRange};

use crate::Ctx;
use crate::events::Trigger;

pub(crate) fn run(cx: &Ctx<'_, '_>, _sent: TokRange, found: &mut Vec<Trigger>) {
    // A noun compound names one event, its head last ("ceasefire talks" → talks).
    let mut k = 0;
    while k + 1 < found.len() {
        let (a, b) = (&found[k], &found[k + 1]);
        if a.pos == Pos::Noun
            && b.pos == Pos::Noun
            && b.toks.start == a.toks.end
            && cx.pack.setting_is(Setting::NounCompound, "modifier_head")
        {
            let mut b = found.remove(k + 1);
            b.toks.start = found[k].toks.start;
            found[k] = b;
            continue;
        }
        k += 1;
    }
}
