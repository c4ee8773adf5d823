//! sitrep's data packs, compiled.
//!
//! Every `.tsv` under `data/` (see `data/README.md`) is compiled by `build.rs` into an
//! `fst` map from the *folded* form to the rows that carry it. At run time a [`Table`]
//! finds forms in a prepared [`Text`] by walking the fst from each token start over the
//! folded bytes (so multi-word and hyphenated forms need no special tokenization) and
//! parses its TSV rows lazily on first use. Nothing here does I/O: the data is in the
//! binary.
//!
//! - [`lang_pack`]: the per-language tables (triggers, casualty words, nouns, demonyms,
//!   speech cues, qualifiers, number and date words, context cues, abbreviations);
//! - [`global`]: language-independent tables (organisations, people, gazetteer).

mod packs;
mod tsv;

use std::ops::Range;
use std::sync::LazyLock;
use std::sync::OnceLock;

use fst::raw::{Fst, Output};
use sitrep_core::{Text, TokenKind};

pub use packs::{GLOBAL_FILES, LANG_FILES, LANGS};

/// A compiled data-pack file.
pub struct Table {
    pub name: &'static str,
    fst: &'static Fst<&'static [u8]>,
    /// The fst state after each possible first byte (most walks end within two bytes,
    /// so this saves decoding the root on every token).
    first: Box<[Option<(fst::raw::Node<'static>, Output)>; 256]>,
    post: &'static [u8],
    content: &'static str,
    /// Some form ends in `*` (stem wildcard): only then are wildcard steps tried.
    wildcard: bool,
    rows: OnceLock<(Vec<&'static str>, Vec<Vec<&'static str>>)>,
}

/// A form found in the text: the tokens it covers and where its rows are listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub toks: Range<usize>,
    post: u32,
}

impl Table {
    fn new(name: &'static str, fst: &'static [u8], post: &'static [u8], content: &'static str) -> Table {
        let fst = Fst::new(fst).unwrap_or_else(|e| panic!("data pack {name}: corrupt fst: {e}"));
        // Tables live for the whole process (they sit in statics): leaking one small
        // header per table lets the cached nodes borrow it for 'static.
        let fst: &'static Fst<&'static [u8]> = Box::leak(Box::new(fst));
        let root = fst.root();
        let mut first: Box<[Option<(fst::raw::Node<'static>, Output)>; 256]> = Box::new([None; 256]);
        for t in root.transitions() {
            first[t.inp as usize] = Some((fst.node(t.addr), t.out));
        }
        let wildcard =
            content.lines().skip(1).any(|l| l.split('\t').next().is_some_and(|f| f.trim_end().ends_with('*')));
        Table { name, fst, first, post, content, wildcard, rows: OnceLock::new() }
    }

    fn parsed(&self) -> &(Vec<&'static str>, Vec<Vec<&'static str>>) {
        self.rows.get_or_init(|| tsv::parse(self.content))
    }

    /// Column names.
    pub fn header(&self) -> &[&'static str] {
        &self.parsed().0
    }

    /// All data rows, in file order.
    pub fn rows(&self) -> &[Vec<&'static str>] {
        &self.parsed().1
    }

    /// One row's fields.
    pub fn row(&self, i: usize) -> &[&'static str] {
        &self.parsed().1[i]
    }

    /// Index of a column by name.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header().iter().position(|h| *h == name)
    }

    /// The row indices listed at a postings offset.
    fn postings(&self, post: u32) -> impl Iterator<Item = usize> + '_ {
        let at = |k: usize| -> usize {
            let b = self.post.get(k * 4..k * 4 + 4).unwrap_or(&[0, 0, 0, 0]);
            u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize
        };
        let start = post as usize;
        let n = at(start);
        (0..n).map(move |j| at(start + 1 + j))
    }

    /// The rows of a match.
    pub fn rows_of(&self, m: &Match) -> impl Iterator<Item = &[&'static str]> + '_ {
        self.postings(m.post).map(|i| self.row(i))
    }

    /// The rows of a match whose form agrees with the text's accents ("contesté" is not
    /// "conteste"). In a text written without accents every row agrees.
    pub fn rows_agreeing(&self, text: &Text<'_>, m: &Match) -> Vec<&[&'static str]> {
        let rows: Vec<&[&'static str]> = self.rows_of(m).collect();
        if !text.accented {
            return rows;
        }
        let orig = lite(text.slice(text.span(m.toks.clone())));
        let agrees = |form: &str| {
            let f = lite(form);
            match f.strip_suffix('*') {
                Some(stem) => orig.starts_with(stem),
                None => f == orig,
            }
        };
        rows.into_iter().filter(|r| agrees(r[0])).collect()
    }

    /// The row indices of a match.
    pub fn ids_of(&self, m: &Match) -> impl Iterator<Item = usize> + '_ {
        self.postings(m.post)
    }

    /// Rows whose form folds to exactly `folded_key`.
    pub fn lookup(&self, folded_key: &str) -> Vec<usize> {
        match self.fst.get(folded_key.as_bytes()) {
            Some(out) => self.postings(out.value() as u32).collect(),
            None => Vec::new(),
        }
    }

    /// Number of distinct folded forms.
    pub fn len(&self) -> usize {
        self.fst.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fst.is_empty()
    }

    /// The longest form starting at token `i` and ending at or before token `limit`.
    pub fn longest_at(&self, text: &Text<'_>, i: usize, limit: usize) -> Option<Match> {
        let f = text.folded.as_bytes();
        let toks = &text.tokens;
        let first = toks.get(i)?;
        if first.kind == TokenKind::Punct && !matches!(f[first.start as usize], b'"' | b'\'') {
            // forms start with a word, a number or a quote
            return None;
        }
        let mut pos = first.start as usize;
        let (mut node, mut out) = self.first[f[pos] as usize]?;
        pos += 1;
        let mut k = i;
        let mut best: Option<Match> = None;
        loop {
            while k < toks.len() && (toks[k].end as usize) < pos {
                k += 1;
            }
            let ends_here = k < toks.len() && toks[k].end as usize == pos;
            let e = k + 1;
            if ends_here && e <= limit && node.is_final() {
                let v = out.cat(node.final_output()).value();
                best = Some(Match { toks: i..e, post: v as u32 });
            }
            // Stem wildcard: "bombard*" inside (or at the end of) a word token.
            if self.wildcard
                && k < toks.len()
                && toks[k].kind != TokenKind::Punct
                && (toks[k].start as usize) < pos
                && pos <= toks[k].end as usize
                && k < limit
                && let Some(ti) = node.find_input(b'*')
            {
                let t = node.transition(ti);
                let n2 = self.fst.node(t.addr);
                if n2.is_final() {
                    let v = out.cat(t.out).cat(n2.final_output()).value();
                    let cand = Match { toks: i..k + 1, post: v as u32 };
                    if best.as_ref().is_none_or(|b| b.toks.end <= cand.toks.end) {
                        best = Some(cand);
                    }
                }
            }
            if pos >= f.len() {
                break;
            }
            match node.find_input(f[pos]) {
                Some(ti) => {
                    let t = node.transition(ti);
                    out = out.cat(t.out);
                    node = self.fst.node(t.addr);
                    pos += 1;
                }
                None => break,
            }
        }
        best
    }

    /// Leftmost-longest, non-overlapping matches within the token range.
    pub fn find(&self, text: &Text<'_>, range: Range<usize>) -> Vec<Match> {
        let mut out = Vec::new();
        let mut i = range.start;
        while i < range.end {
            match self.longest_at(text, i, range.end) {
                Some(m) => {
                    i = m.toks.end;
                    out.push(m);
                }
                None => i += 1,
            }
        }
        out
    }

    /// Matches in every sentence of the text (never across a sentence boundary).
    pub fn find_in_sentences(&self, text: &Text<'_>) -> Vec<Match> {
        let mut out = Vec::new();
        for s in &text.sentences {
            out.extend(self.find(text, s.toks.clone()));
        }
        out
    }
}

/// Lower-case with apostrophes, dashes and spaces unified, accents kept.
fn lite(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}'))
        .map(|c| match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' => '\'',
            '\u{2010}'..='\u{2015}' => '-',
            c if c.is_whitespace() => ' ',
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect::<String>()
        .replace('œ', "oe")
}

/// `None` for the empty markers `-` and ``.
pub fn opt(field: &str) -> Option<&str> {
    match field.trim() {
        "" | "-" => None,
        f => Some(f),
    }
}

/// A field by index, `None` when absent or empty.
pub fn field<'a>(row: &[&'a str], i: usize) -> Option<&'a str> {
    row.get(i).and_then(|f| match f.trim() {
        "" | "-" => None,
        _ => Some(*f),
    })
}

macro_rules! table {
    ($dir:literal, $file:literal) => {
        Table::new(
            concat!($dir, "_", $file),
            include_bytes!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".fst")),
            include_bytes!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".post")),
            include_str!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".tsv")),
        )
    };
}

/// Everything sitrep knows about one language.
pub struct LangPack {
    pub code: &'static str,
    pub abbreviations: Table,
    pub actors: Table,
    pub casualty: Table,
    pub cues: Table,
    pub dates: Table,
    pub demonyms: Table,
    pub nouns: Table,
    pub numbers: Table,
    pub qualifiers: Table,
    pub speech: Table,
    pub triggers: Table,
}

impl LangPack {
    /// Every table with its file name, for checks.
    pub fn tables(&self) -> [&Table; 11] {
        [
            &self.abbreviations,
            &self.actors,
            &self.casualty,
            &self.cues,
            &self.dates,
            &self.demonyms,
            &self.nouns,
            &self.numbers,
            &self.qualifiers,
            &self.speech,
            &self.triggers,
        ]
    }

    /// Whether a folded token sequence ending in '.' is a known abbreviation.
    pub fn is_abbreviation(&self, folded: &str) -> bool {
        !self.abbreviations.lookup(folded).is_empty()
    }
}

macro_rules! lang_pack {
    ($code:literal) => {
        LangPack {
            code: $code,
            abbreviations: table!($code, "abbreviations"),
            actors: table!($code, "actors"),
            casualty: table!($code, "casualty"),
            cues: table!($code, "cues"),
            dates: table!($code, "dates"),
            demonyms: table!($code, "demonyms"),
            nouns: table!($code, "nouns"),
            numbers: table!($code, "numbers"),
            qualifiers: table!($code, "qualifiers"),
            speech: table!($code, "speech"),
            triggers: table!($code, "triggers"),
        }
    };
}

static EN: LazyLock<LangPack> = LazyLock::new(|| lang_pack!("en"));
static FR: LazyLock<LangPack> = LazyLock::new(|| lang_pack!("fr"));

/// The data pack for an ISO 639-1 code, if sitrep has one.
pub fn lang_pack(code: &str) -> Option<&'static LangPack> {
    match code {
        "en" => Some(&EN),
        "fr" => Some(&FR),
        _ => None,
    }
}

/// Language-independent tables.
pub struct Global {
    pub organizations: Table,
    pub people: Table,
    pub place_names: Table,
    pub places: Table,
}

static GLOBAL: LazyLock<Global> = LazyLock::new(|| Global {
    organizations: table!("actors", "organizations"),
    people: table!("actors", "people"),
    place_names: table!("gazetteer", "names"),
    places: table!("gazetteer", "places"),
});

/// The language-independent tables.
pub fn global() -> &'static Global {
    &GLOBAL
}

impl Global {
    /// A gazetteer place row by its id (`places.tsv` is sorted by id).
    pub fn place(&self, id: &str) -> Option<&[&'static str]> {
        let rows = self.places.rows();
        rows.binary_search_by(|r| r[0].cmp(id)).ok().map(|i| rows[i].as_slice())
    }
}

#[cfg(test)]
mod tests;
