//! Quotations (“…”, « … », "…") and their speakers.

use sitrep_core::{Quote, TokenKind};

use crate::Ctx;
use crate::claims::{CueKind, claim_at};

/// Quotations of the text, paired within a paragraph, each with the speaker of the claim
/// that covers it ("“…”, a déclaré Dmitri Peskov"; a quote continuing the previous one
/// keeps its speaker).
pub fn find(cx: &Ctx<'_, '_>) -> Vec<Quote> {
    let text = cx.text;
    let mut out = Vec::new();
    let mut open: Option<(usize, usize)> = None; // (token, paragraph)
    for (si, s) in text.sentences.iter().enumerate() {
        for k in s.toks.clone() {
            if text.tokens[k].kind != TokenKind::Punct || text.tok(k) != "\"" {
                continue;
            }
            match open {
                Some((a, para)) if para == s.paragraph => {
                    if k > a + 1 {
                        let inner = a + 1..k;
                        // The claim covering the quote, else one in the sentence where it ends.
                        let speaker = claim_at(&cx.claims, a + 1)
                            .or_else(|| {
                                // Claims are in text order: only those whose cue is in
                                // this sentence are looked at (linear in the text).
                                let from = if si == 0 { 0 } else { text.sentences[si - 1].toks.end };
                                let a = cx.claims.partition_point(|c| c.cue.start < from);
                                let b = cx.claims.partition_point(|c| c.cue.start < s.toks.end);
                                cx.claims[a..b.max(a)].iter().find(|c| {
                                    c.kind == CueKind::Say && c.speaker.is_some() && text.sentence_of(c.cue.start) == si
                                })
                            })
                            .and_then(|c| c.speaker.clone());
                        out.push(Quote { span: text.span(inner), speaker });
                    }
                    open = None;
                }
                _ => open = Some((k, s.paragraph)),
            }
        }
    }
    out
}
