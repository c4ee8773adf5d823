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
    /// Words introducing an infinitive of purpose ("to", "pour", "para").
    pub purpose: Vec<TokRange>,
    /// Words that make an announced action an ultimatum ("unless", "à moins que").
    pub condition: Vec<TokRange>,
    /// Verbs that carry an event named by their object noun ("launched an offensive",
    /// "a mené une attaque", "impuso un bloqueo"): the verb's subject is the actor.
    pub light: Vec<TokRange>,
    /// Words of labour disputes ("workers", "union", "wages"): a "strike" is a walkout.
    pub labour: Vec<TokRange>,
    /// Words that name an earlier event as the background of the news ("after",
    /// "following", "in retaliation for", "à la suite de", "tras").
    pub antecedent: Vec<TokRange>,
    /// Words opening a condition ("if", "si"): what follows is supposed, not reported.
    pub conditional: Vec<TokRange>,
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
                    Some("purpose") => &mut c.purpose,
                    Some("condition") => &mut c.condition,
                    Some("light") => &mut c.light,
                    Some("labour") => &mut c.labour,
                    Some("antecedent") => &mut c.antecedent,
                    Some("conditional") => &mut c.conditional,
                    _ => continue,
                };
                list.push(m.toks.clone());
            }
        }
        for list in [
            &mut c.negation,
            &mut c.hypothetical,
            &mut c.future,
            &mut c.historical,
            &mut c.cease,
            &mut c.sport,
            &mut c.metaphor,
            &mut c.unknown_toll,
            &mut c.court,
            &mut c.toll,
            &mut c.aux,
            &mut c.aux_sg,
            &mut c.pronoun_sg,
            &mut c.clause,
            &mut c.prep,
            &mut c.det,
            &mut c.prisoner,
            &mut c.exchange,
            &mut c.purpose,
            &mut c.condition,
            &mut c.light,
            &mut c.labour,
            &mut c.antecedent,
            &mut c.conditional,
        ] {
            list.sort_by_key(|r| (r.start, r.end));
        }
        c
    }
}

/// Longest cue phrase, in tokens (lexicon cues are a few words).
const MAX_CUE_TOKENS: usize = 32;

/// Whether any cue lies in `range` (overlapping it). `cues` is sorted by start: a binary
/// search, then a look back over the cues that could still reach into `range` (linear
/// scans made long sentences quadratic; found by fuzzing).
pub fn any_in(cues: &[TokRange], range: TokRange) -> bool {
    let end = cues.partition_point(|c| c.start < range.end);
    cues[..end]
        .iter()
        .rev()
        .take_while(|c| c.start + MAX_CUE_TOKENS > range.start)
        .any(|c| range.start < c.end && c.start < range.end)
}
