//! Trigger pass `speech_content`: What is asked, refused, alleged, agreed, backed or discussed is the content of that event, not a second one (nouns and gerunds of the same clause, and the act an accusation alleges: "accused X of having shelled").

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
        let accusation = a.event_type == EventType::Accuse;
        let mut i = k + 1;
        while i < found.len() {
            let b = &found[i];
            let word = cx.text.tok(b.toks.start);
            let gerund =
                cx.pack.ends_with(word, Suffix::Gerund) && b.toks.start > 0 && cx.ix.is(b.toks.start - 1, Word::Topic);
            // "accused the FARDC of having shelled", "d'avoir bombardé": the act alleged
            let alleged = accusation && b.pos != Pos::Noun && marked_complement(cx, b.toks.start);
            if b.toks.start >= from
                && b.toks.start < end
                && (b.pos == Pos::Noun || gerund || alleged)
                && !tolled(cx, b, &sent)
            {
                found.remove(i);
            } else {
                i += 1;
            }
        }
        k += 1;
    }
}

/// Whether the verb at `k` follows a complement marker ("of", "de", "d'"), perhaps with a
/// perfect auxiliary between ("of having", "d'avoir", "de haber").
fn marked_complement(cx: &Ctx<'_, '_>, k: usize) -> bool {
    let mut j = k;
    let mut aux = false;
    while j > 0 {
        j -= 1;
        if cx.text.tok(j) == "'" {
            continue;
        }
        if !aux && cx.ix.is(j, Word::PerfectAux) {
            aux = true;
            continue;
        }
        return cx.ix.is(j, Word::Topic) || cx.ix.is(j, Word::Complement);
    }
    false
}
