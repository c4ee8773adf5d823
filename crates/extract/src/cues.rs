//! Context cues from the language pack, indexed by kind.

use sitrep_core::{Cue, TokRange};
use sitrep_lexicon::{Index, LangPack};

/// Every cue match of one document, by kind (sorted by start).
pub struct Cues {
    by_kind: Vec<Vec<TokRange>>,
}

impl std::ops::Index<Cue> for Cues {
    type Output = [TokRange];
    fn index(&self, c: Cue) -> &[TokRange] {
        &self.by_kind[c as usize]
    }
}

impl Cues {
    pub fn find(ix: &Index<'_>, pack: &LangPack) -> Cues {
        let mut by_kind: Vec<Vec<TokRange>> = vec![Vec::new(); Cue::ALL.len()];
        let col = pack.cues.col("cue").unwrap_or(1);
        for m in ix.find_in_sentences(&pack.cues) {
            for row in pack.cues.rows_of(&m) {
                if let Some(c) = row.get(col).and_then(|v| Cue::parse(v)) {
                    by_kind[c as usize].push(m.toks.clone());
                }
            }
        }
        for list in &mut by_kind {
            list.sort_by_key(|r| (r.start, r.end));
        }
        Cues { by_kind }
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
