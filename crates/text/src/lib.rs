//! Text preparation: the first stage of the pipeline.
//!
//! - [`fold`] makes the matching copy of a text: lower-cased, accents stripped, every
//!   apostrophe, dash and space variant unified, zero-width and control characters
//!   dropped, whitespace runs collapsed. It keeps a byte map back to the original, so a
//!   match in the folded copy is always reported on the original text.
//! - [`prepare`] folds, tokenizes and splits sentences, producing a [`Text`].
//! - [`detect_language`] identifies the language among the supported ones.
//!
//! Dictionary keys are folded with the same [`fold_key`], at build time, so that the data
//! packs and the text always agree.

mod fold;
mod lang;
mod segment;

pub use fold::{fold, fold_key};
pub use lang::{detect_language, identifiable};
pub use segment::prepare;
pub use sitrep_core::{Sentence, Text, Token, TokenKind};
