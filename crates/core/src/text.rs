//! The prepared view of a document that analysis stages read.

use crate::Span;

/// What a token is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters (possibly with digits: "m23").
    Word,
    /// ASCII digits only.
    Num,
    /// One punctuation or symbol character.
    Punct,
}

/// A token of the folded text. `start`/`end` are byte offsets into [`Text::folded`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub start: u32,
    pub end: u32,
    pub kind: TokenKind,
    /// The original text of the token starts with an upper-case letter.
    pub cap: bool,
    /// The token starts with a letter of a script without case (Arabic): it may be a
    /// name, but capitals say nothing.
    pub caseless: bool,
    /// Whitespace separates this token from the previous one.
    pub space_before: bool,
    /// A line break separates this token from the previous one.
    pub newline_before: bool,
}

impl Token {
    /// Whether the token may start a name: capitalised, or in a script without case.
    pub fn may_be_name(&self) -> bool {
        self.cap || self.caseless
    }
}

/// A sentence: a range of tokens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sentence {
    pub toks: std::ops::Range<usize>,
    /// Index of the paragraph (blocks separated by a blank line or a line break).
    pub paragraph: usize,
}

/// A document's text, folded for matching, with an alignment back to the original.
#[derive(Clone, Debug, Default)]
pub struct Text<'a> {
    /// The document text exactly as received.
    pub original: &'a str,
    /// Lower-cased, accent-stripped copy used for matching (see `sitrep_text::fold`).
    pub folded: String,
    /// `map[i]` is the original byte offset of folded byte `i`; `map[folded.len()]` is
    /// `original.len()`.
    pub map: Vec<u32>,
    pub tokens: Vec<Token>,
    pub sentences: Vec<Sentence>,
    /// The original text uses diacritics (so a form's accents can be checked).
    pub accented: bool,
}

impl Text<'_> {
    /// The folded text of a token.
    pub fn tok(&self, i: usize) -> &str {
        let t = &self.tokens[i];
        &self.folded[t.start as usize..t.end as usize]
    }

    /// The folded text of a token range (`""` when empty or out of range).
    pub fn folded_of(&self, toks: std::ops::Range<usize>) -> &str {
        if toks.start >= toks.end || toks.end > self.tokens.len() {
            return "";
        }
        let a = self.tokens[toks.start].start as usize;
        let b = self.tokens[toks.end - 1].end as usize;
        &self.folded[a..b]
    }

    /// The original-text span of a token range.
    pub fn span(&self, toks: std::ops::Range<usize>) -> Span {
        if toks.start >= toks.end || toks.end > self.tokens.len() {
            return Span::default();
        }
        let a = self.tokens[toks.start].start as usize;
        let b = self.tokens[toks.end - 1].end as usize;
        Span::new(self.map[a] as usize, self.orig_end(b))
    }

    /// Original byte offset where folded byte range ending at `b` ends.
    fn orig_end(&self, b: usize) -> usize {
        // Folded byte b-1 belongs to an original char starting at map[b-1]; the char
        // ends where the next original char starts.
        let start = self.map[b - 1] as usize;
        let mut end = (start + 1).min(self.original.len());
        while end < self.original.len() && !self.original.is_char_boundary(end) {
            end += 1;
        }
        end
    }

    /// The original text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.original.get(span.start..span.end).unwrap_or("")
    }

    /// The sentence index containing token `i`.
    pub fn sentence_of(&self, i: usize) -> usize {
        self.sentences.partition_point(|s| s.toks.end <= i)
    }

    /// The original span of a whole sentence.
    pub fn sentence_span(&self, s: usize) -> Span {
        self.span(self.sentences[s].toks.clone())
    }
}
