//! Trigger pass `antecedent`: An earlier event named as the background of the news ("after 12 days of battles", "à la suite des combats") is a reference, not a report, unless given a toll here.

use sitrep_core::{Cue, Pos, TokRange, Word};

use crate::events::{Trigger, clause_end, known};
use crate::roles::first_after;
use crate::{Ctx, starting_in};

pub(crate) fn run(cx: &Ctx<'_, '_>, sent: TokRange, found: &mut Vec<Trigger>) {
    // An earlier event named by a noun as the background of the news ("after 12
    // days of battles", "following the peace deal", "à la suite des combats") is a
    // reference to it, not a report of it, unless it is given a toll here.
    // (Only beside a news event of the sentence: in "calme précaire après
    // d'intenses combats" the fighting is the news; and not when its author is
    // named: "en réponse à des provocations de l'armée arménienne".)
    let referred = |t: &Trigger| {
        let from = t.toks.start.saturating_sub(5).max(sent.start);
        t.pos == Pos::Noun
            && t.verb.is_none()
            && starting_in(&cx.cues[Cue::Antecedent], |c| c.start, from..t.toks.start)
                .iter()
                .any(|c| c.end <= t.toks.start && clause_end(cx, c.end, sent.clone()) >= t.toks.start)
    };
    let news = found.iter().any(|t| !referred(t));
    let tolled = !starting_in(&cx.casualty_words, |c| c.toks.start, sent.clone()).is_empty();
    if news && !tolled {
        found.retain(|t| {
            let authored = (t.toks.end..(t.toks.end + 2).min(sent.end))
                .find(|&k| cx.ix.is(k, Word::Agent) || cx.ix.is(k, Word::Of))
                .and_then(|k| first_after(cx, k + 1, sent.end, 3))
                .is_some_and(|a| known(&a));
            !referred(t) || authored
        });
    }
}
