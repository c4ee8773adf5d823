//! Claims: who says so.
//!
//! Speech cues from the language pack ("a déclaré que", "said", "selon", "according
//! to", "a démenti") open a claim whose scope is the part of the sentence the speaker
//! vouches for; every event and number inside inherits the speaker as claimant. A
//! parenthetical "…, selon X, …" only covers its own clause. A quoted sentence right
//! after an attributed quote keeps the same speaker.

use sitrep_core::{Actor, Cue, SpeechKind, TokRange};
use sitrep_lexicon::{Index, LangPack};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CueKind {
    Say,
    According,
    Hedge,
    Deny,
    Accuse,
}

/// A stretch of text attributed to a speaker.
#[derive(Clone, Debug)]
pub struct Claim {
    pub kind: CueKind,
    pub cue: TokRange,
    pub speaker: Option<Actor>,
    pub scope: TokRange,
}

/// Finds claims in every sentence.
pub fn find_claims(ix: &Index<'_>, pack: &LangPack, actors: &[Actor]) -> Vec<Claim> {
    let text = ix.text();
    let mut out: Vec<Claim> = Vec::new();
    for (si, s) in text.sentences.iter().enumerate() {
        let before = out.len();
        for m in ix.find(&pack.speech, s.toks.clone()) {
            let Some(kind) =
                pack.speech.rows_agreeing(text, &m).into_iter().next().and_then(|r| pack.speech.get(r, "kind"))
            else {
                continue;
            };
            let kind = match SpeechKind::parse(kind) {
                Some(SpeechKind::Say | SpeechKind::SayThat) => CueKind::Say,
                Some(SpeechKind::According) => CueKind::According,
                Some(SpeechKind::Hedge) => CueKind::Hedge,
                Some(SpeechKind::Deny) => CueKind::Deny,
                Some(SpeechKind::Accuse) => CueKind::Accuse,
                None => continue,
            };
            if kind == CueKind::Hedge {
                out.push(Claim { kind, cue: m.toks.clone(), speaker: None, scope: m.toks.end..s.toks.end });
                continue;
            }
            let sent = s.toks.clone();
            // "which he said would…": a pronoun right before the cue is the speaker, not
            // an actor further back.
            let pronoun = m.toks.start > sent.start
                && ix.word_is(&pack.cues, m.toks.start - 1, "cue", &[Cue::Pronoun.as_str(), Cue::PronounSg.as_str()]);
            let before_actor = crate::starting_in(actors, |a| a.toks.start, sent.start..m.toks.start)
                .iter()
                .rev()
                .find(|a| a.toks.end <= m.toks.start && m.toks.start - a.toks.end <= 12)
                .filter(|_| !pronoun);
            let after_actor = crate::starting_in(actors, |a| a.toks.start, m.toks.end..sent.end)
                .iter()
                .find(|a| a.toks.start - m.toks.end <= 5);
            // A speaker after the cue follows it directly ("said the minister"), past
            // determiners and adverbs of time at most, not a clause ("said they would
            // meet the UN envoy").
            let det = |k: usize| ix.word_is(&pack.cues, k, "cue", &[Cue::Det.as_str()]);
            let direct =
                |a: &&Actor| (m.toks.end..a.toks.start).all(|k| det(k) || text.tokens[k].cap || text.tok(k) == ",");
            let (speaker, scope) = match kind {
                CueKind::According => {
                    let speaker = after_actor.cloned();
                    let parenthetical = m.toks.start > sent.start + 1
                        && text.tok(m.toks.start - 1) == ","
                        && speaker.as_ref().is_some_and(|a| a.toks.end < sent.end && text.tok(a.toks.end) == ",");
                    let scope = if parenthetical {
                        let comma = m.toks.start - 1;
                        let start = (sent.start..comma)
                            .rev()
                            .find(|&k| text.tok(k) == ",")
                            .map(|k| k + 1)
                            .unwrap_or(sent.start);
                        start..sent.end
                    } else {
                        sent.clone()
                    };
                    (speaker, scope)
                }
                _ => {
                    let rest_is_short = {
                        let mut k = m.toks.end;
                        if let Some(a) = after_actor.filter(direct) {
                            k = k.max(a.toks.end);
                        }
                        sent.end.saturating_sub(k) <= 4
                    };
                    // Right after a closing quote ("“…”, a déclaré X") the speaker follows.
                    let mut q = m.toks.start;
                    while q > sent.start && text.tok(q - 1) == "," {
                        q -= 1;
                    }
                    let after_quote = q > sent.start && text.tok(q - 1) == "\"";
                    let inverted = before_actor.is_none()
                        || (rest_is_short && after_actor.is_some_and(|a| direct(&a)))
                        || (after_quote && after_actor.is_some());
                    if inverted {
                        // "“…”, a déclaré Dmitri Peskov", "…, officials said."
                        let speaker = after_actor.or(before_actor).cloned();
                        (speaker, sent.start..m.toks.start)
                    } else if rest_is_short {
                        (before_actor.cloned(), sent.start..before_actor.map_or(m.toks.start, |a| a.toks.start))
                    } else {
                        (before_actor.cloned(), m.toks.end..sent.end)
                    }
                }
            };
            out.push(Claim { kind, cue: m.toks.clone(), speaker, scope });
        }
        // A quoted sentence right after an attributed quote keeps its speaker.
        if out.len() == before && si > 0 && text.tok(s.toks.start) == "\"" {
            let prev = &text.sentences[si - 1];
            if let Some(c) = out.iter().rev().take_while(|c| c.cue.start >= prev.toks.start).find(|c| {
                c.cue.start >= prev.toks.start
                    && c.cue.end <= prev.toks.end
                    && c.kind == CueKind::Say
                    && c.speaker.is_some()
            }) {
                let c = Claim { kind: c.kind, cue: c.cue.clone(), speaker: c.speaker.clone(), scope: s.toks.clone() };
                out.push(c);
            }
        }
    }
    out
}

/// The innermost claim (with a speaker) covering token `t`.
pub fn claim_at(claims: &[Claim], t: usize) -> Option<&Claim> {
    near(claims, t)
        .iter()
        .filter(|c| c.kind != CueKind::Hedge && c.speaker.is_some() && c.scope.contains(&t))
        .min_by_key(|c| c.scope.len())
}

/// Claims whose cue lies within a sentence's reach of token `t` (claims are in text
/// order and never reach past their sentence).
fn near(claims: &[Claim], t: usize) -> &[Claim] {
    const REACH: usize = 400;
    let a = claims.partition_point(|c| c.cue.start + REACH < t);
    let b = claims.partition_point(|c| c.cue.start <= t + REACH);
    &claims[a..b.max(a)]
}

/// Whether a hedge ("auraient", "reportedly") covers token `t`.
pub fn hedged(claims: &[Claim], t: usize) -> bool {
    near(claims, t)
        .iter()
        .any(|c| c.kind == CueKind::Hedge && c.cue.start <= t && t < c.scope.end && t - c.cue.start <= 6)
}

/// Whether actor mention `a`, after token `t`, is the speaker of a claim covering `t`
/// ("…, Thai military sources said", "…, according to police"): a source, not a party
/// to what happens at `t`.
pub fn trailing_speaker(claims: &[Claim], a: &Actor, t: usize) -> bool {
    a.toks.start > t
        && near(claims, t).iter().any(|c| {
            matches!(c.kind, CueKind::Say | CueKind::According)
                && c.scope.contains(&t)
                && c.speaker.as_ref().is_some_and(|s| s.toks == a.toks)
        })
}
