//! Context cues from the language pack, indexed by kind.

use sitrep_core::TokRange;
use sitrep_lexicon::{Index, LangPack, field};

/// Every cue match of one document, by kind.
#[derive(Default)]
pub struct Cues {
    pub negation: Vec<TokRange>,
    pub hypothetical: Vec<TokRange>,
    pub future: Vec<TokRange>,
    pub historical: Vec<TokRange>,
    pub cease: Vec<TokRange>,
    pub sport: Vec<TokRange>,
    pub metaphor: Vec<TokRange>,
    pub unknown_toll: Vec<TokRange>,
    pub court: Vec<TokRange>,
    pub toll: Vec<TokRange>,
    pub aux: Vec<TokRange>,
    pub aux_sg: Vec<TokRange>,
    pub pronoun_sg: Vec<TokRange>,
    pub clause: Vec<TokRange>,
    pub prep: Vec<TokRange>,
    pub det: Vec<TokRange>,
    pub prisoner: Vec<TokRange>,
    pub exchange: Vec<TokRange>,
}

impl Cues {
    pub fn find(ix: &Index<'_>, pack: &LangPack) -> Cues {
        let mut c = Cues::default();
        for m in ix.find_in_sentences(&pack.cues) {
            for row in pack.cues.rows_of(&m) {
                let list = match field(row, 1) {
                    Some("negation") => &mut c.negation,
                    Some("hypothetical") => &mut c.hypothetical,
                    Some("future") => &mut c.future,
                    Some("historical") => &mut c.historical,
                    Some("cease") => &mut c.cease,
                    Some("sport") => &mut c.sport,
                    Some("metaphor") => &mut c.metaphor,
                    Some("unknown_toll") => &mut c.unknown_toll,
                    Some("court") => &mut c.court,
                    Some("toll") => &mut c.toll,
                    Some("aux") => &mut c.aux,
                    Some("aux_sg") => &mut c.aux_sg,
                    Some("pronoun_sg") => &mut c.pronoun_sg,
                    Some("clause") => &mut c.clause,
                    Some("prep") => &mut c.prep,
                    Some("det") => &mut c.det,
                    Some("prisoner") => &mut c.prisoner,
                    Some("exchange") => &mut c.exchange,
                    _ => continue,
                };
                list.push(m.toks.clone());
            }
        }
        c
    }
}

/// Whether any cue lies in `range` (overlapping it).
pub fn any_in(cues: &[TokRange], range: TokRange) -> bool {
    cues.iter().any(|c| c.start < range.end && range.start < c.end)
}
