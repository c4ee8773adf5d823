//! Trigger pass `speech_content`: What is asked, refused, alleged, agreed, backed or discussed is the content of that event, not a second one (nouns and gerunds of the same clause).

use sitrep_core::{EventType, Pos, Suffix, TokRange, Word};

use crate::Ctx;
use crate::events::{Trigger, clause_end, tolled};

pub(crate) fn run(cx: &Ctx<'_, '_>, sent: TokRange, found: &mut Vec<Trigger>) {
    // What is asked, refused, alleged, agreed, backed or discussed is the content of
    // that event, not a second one: "rejected a U.S. request", "accused X of
    // violating the ceasefire", "demanded support", "talks on a troop pullback".
    // Only nouns and gerunds of the same clause; violence with a toll is kept.
    let mut k = 0;
    while k < found.len() {
        let a = &found[k];
        let head = matches!(
            a.event_type,
            EventType::Request
                | EventType::Reject
                | EventType::Accuse
                | EventType::Threaten
                | EventType::Agree
                | EventType::Support
                | EventType::Consult
        );
        if !head {
            k += 1;
            continue;
        }
        let end = clause_end(cx, a.toks.end, sent.clone()).min(a.toks.end + 12);
        let from = a.obj_from;
        let mut i = k + 1;
        while i < found.len() {
            let b = &found[i];
            let word = cx.text.tok(b.toks.start);
            let gerund =
                cx.pack.ends_with(word, Suffix::Gerund) && b.toks.start > 0 && cx.ix.is(b.toks.start - 1, Word::Topic);
            if b.toks.start >= from && b.toks.start < end && (b.pos == Pos::Noun || gerund) && !tolled(cx, b, &sent) {
                found.remove(i);
            } else {
                i += 1;
            }
        }
        k += 1;
    }
}
