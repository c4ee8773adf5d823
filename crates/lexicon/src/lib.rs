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

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::ops::Range;
use std::sync::LazyLock;
use std::sync::OnceLock;

use fst::raw::{Fst, Output};
use rustc_hash::FxHasher;
use sitrep_core::{DateWord, Setting, Suffix, Text, TokenKind, Word};

pub use packs::{GLOBAL_FILES, INDEXED_GLOBAL, LANG_FILES, PLAIN_FILES};

/// A cached automaton state: the node reached and the output so far.
type State = Option<(fst::raw::Node<'static>, Output)>;

/// The states after a first byte's 256 possible second bytes.
type Row = Box<[State; 256]>;

/// One row's fields, split on first use.
type Cells = OnceLock<Box<[&'static str]>>;

/// A compiled data-pack file.
pub struct Table {
    pub name: &'static str,
    /// Position in the language's combined automaton (`INDEXED` for none).
    id: u8,
    auto: Automaton,
    post: &'static [u8],
    content: &'static str,
    /// Where each data row starts in `content` (little-endian u32, from the build).
    starts: &'static [u8],
    header: OnceLock<Vec<&'static str>>,
    /// Each row's fields, split on first use: a table is never parsed whole at start-up
    /// (the gazetteer's 7 MB took most of a short run's time).
    cells: OnceLock<Box<[Cells]>>,
}

/// Tables outside the combined automaton.
const NOT_INDEXED: u8 = u8::MAX;

/// Size of the filter of wildcard stem nodes (8 KiB of bits per automaton that has
/// stems).
const WILDCARD_BITS: usize = 1 << 16;

/// An fst walked over folded text from token starts.
struct Automaton {
    fst: &'static Fst<&'static [u8]>,
    /// The fst state after each possible first byte (most walks end within two bytes,
    /// so this saves decoding the root on every token).
    first: Box<[State; 256]>,
    /// The nodes that stem wildcards (`bombard*`) lead to, as bits of a filter over
    /// node addresses: `*` is tried only where the bit is set (`None`: no key ends in
    /// `*`). Before, `*` was tried after every byte inside a word, a third of the walk.
    wildcard: Option<Box<[u64]>>,
    /// The state after each two-byte prefix, a row of 256 per first byte that starts
    /// some key (combined automata only: they are walked from every token). Stems of
    /// one byte (`a*`) are not supported with it. (A full 65,536-entry table was 4.7 MB
    /// per language, filled at start-up.)
    second: Option<Box<[Option<Row>]>>,
}

/// A final state reached by a walk: the match ends at token `end` (exclusive); `value`
/// is the automaton's output for the key.
struct Final {
    end: usize,
    value: u64,
}

impl Automaton {
    /// `stems`: the folded stems of the keys that end in `*`, one per line.
    fn new(name: &str, bytes: &'static [u8], stems: &str) -> Automaton {
        let fst = Fst::new(bytes).unwrap_or_else(|e| panic!("data pack {name}: corrupt fst: {e}"));
        // Tables live for the whole process (they sit in statics): leaking one small
        // header per automaton lets the cached nodes borrow it for 'static.
        let fst: &'static Fst<&'static [u8]> = Box::leak(Box::new(fst));
        let root = fst.root();
        let mut first: Box<[State; 256]> = Box::new([None; 256]);
        for t in root.transitions() {
            first[t.inp as usize] = Some((fst.node(t.addr), t.out));
        }
        let mut wildcard: Option<Box<[u64]>> = None;
        for stem in stems.split_terminator('\n') {
            let mut node = root;
            for b in stem.bytes() {
                match node.find_input(b) {
                    Some(ti) => node = fst.node(node.transition_addr(ti)),
                    None => panic!("data pack {name}: stem {stem:?} is not in its fst"),
                }
            }
            let bits = wildcard.get_or_insert_with(|| vec![0u64; WILDCARD_BITS / 64].into_boxed_slice());
            let bit = node.addr() % WILDCARD_BITS;
            bits[bit / 64] |= 1 << (bit % 64);
        }
        Automaton { fst, first, wildcard, second: None }
    }

    /// Whether a stem wildcard may continue from `node` (exact when false).
    fn may_have_stem(&self, node: &fst::raw::Node<'_>) -> bool {
        self.wildcard.as_ref().is_some_and(|bits| {
            let bit = node.addr() % WILDCARD_BITS;
            bits[bit / 64] & (1 << (bit % 64)) != 0
        })
    }

    /// Adds the two-byte prefix cache.
    fn with_second_level(mut self) -> Automaton {
        let mut second: Vec<Option<Row>> = vec![None; 256];
        for (b0, slot) in self.first.iter().enumerate() {
            let Some((node, out)) = slot else { continue };
            let mut row: Row = Box::new([None; 256]);
            for t in node.transitions() {
                row[t.inp as usize] = Some((self.fst.node(t.addr), out.cat(t.out)));
            }
            second[b0] = Some(row);
        }
        self.second = Some(second.into_boxed_slice());
        self
    }

    /// Walks from token `i`, calling `on_final` at every key that ends on a token end at
    /// or before token `limit` (in increasing length).
    fn walk(&self, text: &Text<'_>, i: usize, limit: usize, on_final: impl FnMut(Final)) {
        self.walk_from(text, i, 0, limit, on_final);
    }

    /// As [`Automaton::walk`], starting `skip` bytes into token `i` (after a clitic).
    fn walk_from(&self, text: &Text<'_>, i: usize, skip: usize, limit: usize, mut on_final: impl FnMut(Final)) {
        let f = text.folded.as_bytes();
        let toks = &text.tokens;
        let Some(first) = toks.get(i) else { return };
        if first.kind == TokenKind::Punct && !matches!(f[first.start as usize], b'"' | b'\'') {
            return; // forms start with a word, a number or a quote
        }
        let mut pos = first.start as usize + skip;
        if pos >= first.end as usize {
            return;
        }
        let Some((mut node, mut out)) = self.first[f[pos] as usize] else { return };
        pos += 1;
        // Inside a word, jump over the second byte too (no key can end there).
        if let Some(second) = &self.second
            && pos < first.end as usize
        {
            match second[f[pos - 1] as usize].as_ref().and_then(|row| row[f[pos] as usize]) {
                Some((n, o)) => {
                    node = n;
                    out = o;
                    pos += 1;
                }
                None => return,
            }
        }
        let mut k = i;
        loop {
            while k < toks.len() && (toks[k].end as usize) < pos {
                k += 1;
            }
            let ends_here = k < toks.len() && toks[k].end as usize == pos;
            if ends_here && k < limit && node.is_final() {
                let value = out.cat(node.final_output()).value();
                on_final(Final { end: k + 1, value });
            }
            // Stem wildcard: "bombard*" inside (or at the end of) a word token.
            if k < limit
                && self.may_have_stem(&node)
                && toks[k].kind != TokenKind::Punct
                && (toks[k].start as usize) < pos
                && pos <= toks[k].end as usize
                && let Some(ti) = node.find_input(b'*')
            {
                let t = node.transition(ti);
                let n2 = self.fst.node(t.addr);
                if n2.is_final() {
                    let value = out.cat(t.out).cat(n2.final_output()).value();
                    on_final(Final { end: k + 1, value });
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
    }
}

/// A form found in the text: the tokens it covers and where its rows are listed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    pub toks: Range<usize>,
    post: u32,
}

impl Table {
    fn new(
        name: &'static str,
        id: u8,
        fst: &'static [u8],
        post: &'static [u8],
        content: &'static str,
        stems: &'static str,
        starts: &'static [u8],
    ) -> Table {
        Table {
            name,
            id,
            auto: Automaton::new(name, fst, stems),
            post,
            content,
            starts,
            header: OnceLock::new(),
            cells: OnceLock::new(),
        }
    }

    /// Column names.
    pub fn header(&self) -> &[&'static str] {
        self.header.get_or_init(|| tsv::header(self.content))
    }

    /// Number of data rows.
    pub fn row_count(&self) -> usize {
        self.starts.len() / 4
    }

    /// All data rows, in file order.
    pub fn rows(&self) -> impl ExactSizeIterator<Item = &[&'static str]> + '_ {
        (0..self.row_count()).map(|i| self.row(i))
    }

    /// One row's fields (an empty row past the end).
    pub fn row(&self, i: usize) -> &[&'static str] {
        let cells = self.cells.get_or_init(|| (0..self.row_count()).map(|_| OnceLock::new()).collect());
        let Some(cell) = cells.get(i) else { return &[] };
        cell.get_or_init(|| {
            let b = &self.starts[i * 4..i * 4 + 4];
            tsv::line_at(self.content, u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize).into_boxed_slice()
        })
    }

    /// The first field of row `i` (its form or id), without splitting the row.
    pub fn first_field(&self, i: usize) -> &'static str {
        let Some(b) = self.starts.get(i * 4..i * 4 + 4) else { return "" };
        let rest = &self.content[u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize..];
        let end = rest.find(['\t', '\n', '\r']).unwrap_or(rest.len());
        &rest[..end]
    }

    /// Index of a column by name.
    pub fn col(&self, name: &str) -> Option<usize> {
        self.header().iter().position(|h| *h == name)
    }

    /// The cell of `row` in the column named `name` (`None` when empty or absent):
    /// columns are read by name, never by position.
    pub fn get(&self, row: &[&'static str], name: &str) -> Option<&'static str> {
        self.col(name).and_then(|c| field(row, c))
    }

    /// The row indices listed at a postings offset.
    fn postings(&self, post: u32) -> impl Iterator<Item = usize> + '_ {
        postings(self.post, post).map(|r| r as usize)
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
        let t = &text.tokens;
        let folded = &text.folded[t[m.toks.start].start as usize..t[m.toks.end - 1].end as usize];
        // A row found through another form of its word (a lemma's other form, a clitic
        // or a name ending) agrees; one found through its own form must agree in accents.
        let agrees = |form: &str| match form.strip_suffix('*') {
            Some(stem) => orig.starts_with(&lite(stem)) || !folded.starts_with(&sitrep_text::fold_key(stem)),
            None => lite(form) == orig || sitrep_text::fold_key(form) != folded,
        };
        rows.into_iter().filter(|r| agrees(r[0])).collect()
    }

    /// Rows whose form folds to exactly `folded_key`.
    pub fn lookup(&self, folded_key: &str) -> Vec<usize> {
        match self.auto.fst.get(folded_key.as_bytes()) {
            Some(out) => self.postings(out.value() as u32).collect(),
            None => Vec::new(),
        }
    }

    /// Number of distinct folded forms.
    pub fn len(&self) -> usize {
        self.auto.fst.len()
    }

    pub fn is_empty(&self) -> bool {
        self.auto.fst.is_empty()
    }

    /// The longest form starting at token `i` and ending at or before token `limit`.
    pub fn longest_at(&self, text: &Text<'_>, i: usize, limit: usize) -> Option<Match> {
        let mut best: Option<Match> = None;
        self.auto.walk(text, i, limit, |f| {
            if best.as_ref().is_none_or(|b| b.toks.end <= f.end) {
                best = Some(Match { toks: i..f.end, post: f.value as u32 });
            }
        });
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
        .filter(|c| !matches!(c, '\u{00AD}' | '\u{0307}' | '\u{200B}'..='\u{200F}'))
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

/// A field by index, `None` when absent or empty.
pub fn field<'a>(row: &[&'a str], i: usize) -> Option<&'a str> {
    // Cells carry no padding (the data-pack tests check it), so no trimming here.
    row.get(i).and_then(|f| match *f {
        "" | "-" => None,
        _ => Some(*f),
    })
}

macro_rules! table {
    ($dir:literal, $file:literal, $id:expr) => {
        Table::new(
            concat!($dir, "_", $file),
            $id,
            include_bytes!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".fst")),
            include_bytes!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".post")),
            include_str!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".tsv")),
            include_str!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".stems")),
            include_bytes!(concat!(env!("OUT_DIR"), "/", $dir, "_", $file, ".rows")),
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
    /// Closed word classes (`form class`, see [`sitrep_core::Word`]).
    pub grammar: Table,
    pub nouns: Table,
    pub numbers: Table,
    pub qualifiers: Table,
    pub speech: Table,
    pub triggers: Table,
    /// `key value` settings (noun compound order, numeric date order...).
    pub settings: Table,
    /// `suffix class` word endings (see [`sitrep_core::Suffix`]).
    pub suffixes: Table,
    /// The word-class bits of each `grammar` row (computed on first use).
    grammar_bits: OnceLock<Vec<u64>>,
    /// The `suffixes` rows with their class parsed (computed on first use).
    suffix_rows: OnceLock<Vec<(&'static str, Suffix)>>,
    /// The `clitics` setting, folded, longest first (computed on first use).
    clitic_list: OnceLock<Vec<String>>,
    /// The `compounds` setting is `head_last` (computed on first use).
    compound_heads: OnceLock<bool>,
    /// The single-word forms of [`LangPack::is_common_word`]'s tables (built on first use).
    common_words: OnceLock<fst::Set<Vec<u8>>>,
    /// One automaton over this language's tables and the indexed global ones.
    combined: Automaton,
    combined_post: &'static [u8],
}

impl LangPack {
    /// Every table with its file name, for checks.
    pub fn tables(&self) -> [&Table; LANG_TABLES] {
        [
            &self.abbreviations,
            &self.actors,
            &self.casualty,
            &self.cues,
            &self.dates,
            &self.demonyms,
            &self.grammar,
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

    /// Finds every table's longest forms at every token start of `text` in one walk of
    /// the combined automaton per token (instead of one walk per table).
    pub fn index<'t>(&'static self, text: &'t Text<'t>) -> Index<'t> {
        let mut hits: Vec<Vec<Match>> = vec![Vec::new(); INDEXED_TABLES];
        for s in &text.sentences {
            for i in s.toks.clone() {
                // The longest match per table, with its postings offset in that table.
                let mut best: [Option<(usize, u32)>; INDEXED_TABLES] = [None; INDEXED_TABLES];
                let mut any = false;
                self.combined.walk(text, i, s.toks.end, |fin| {
                    any = true;
                    for (tid, hit) in self.finals(&fin) {
                        best[tid] = Some(hit);
                    }
                });
                // A word that starts with a clitic (Arabic و، ب، ال): its rest is
                // looked up too, for the tables that matched nothing from its start.
                let tok = &text.tokens[i];
                let word = text.tok(i);
                if tok.kind == TokenKind::Word {
                    for c in self.clitics() {
                        if word.len() < c.len() + 4 || !word.starts_with(c) {
                            continue;
                        }
                        let before = best;
                        self.combined.walk_from(text, i, c.len(), s.toks.end, |fin| {
                            for (tid, hit) in self.finals(&fin).filter(|(tid, _)| before[*tid].is_none()) {
                                any = true;
                                best[tid] = Some(hit);
                            }
                        });
                    }
                }
                // A compound that no table knows ("raketenangriff"): its head is looked
                // up, in the tables of words that compound (triggers, casualty words,
                // group nouns); the longest head wins.
                if !any && self.compounds() && tok.kind == TokenKind::Word && tok.end - tok.start >= 2 * MIN_HEAD as u32
                {
                    let compounding = [self.triggers.id, self.casualty.id, self.nouns.id];
                    for (at, _) in word.char_indices().filter(|&(at, _)| at >= 3 && word.len() - at >= MIN_HEAD) {
                        self.combined.walk_from(text, i, at, i + 1, |fin| {
                            for (tid, hit) in self.finals(&fin) {
                                if compounding.contains(&(tid as u8)) && best[tid].is_none() {
                                    any = true;
                                    best[tid] = Some(hit);
                                }
                            }
                        });
                    }
                }
                if !any {
                    continue;
                }
                for (tid, b) in best.iter().enumerate() {
                    if let Some((end, post)) = *b {
                        hits[tid].push(Match { toks: i..end, post });
                    }
                }
            }
        }
        let mut words = vec![0u64; text.tokens.len()];
        let tid = self.grammar.id as usize;
        let bits = self.grammar_bits.get_or_init(|| self.grammar.rows().map(|r| self.word_bits(r)).collect());
        for m in &hits[tid] {
            if m.toks.len() == 1 {
                words[m.toks.start] =
                    self.grammar.postings(m.post).fold(0, |acc, r| acc | bits.get(r).copied().unwrap_or(0));
            }
        }
        let mut at = vec![[NO_HIT; INDEXED_TABLES]; text.tokens.len()];
        for (tid, hs) in hits.iter().enumerate() {
            for (k, m) in hs.iter().enumerate() {
                at[m.toks.start][tid] = k as u32;
            }
        }
        Index { text, hits, at, words }
    }
}

impl LangPack {
    /// The word-class bits of one `grammar.tsv` row (an unknown class sets none; the
    /// pack tests reject it).
    fn word_bits(&self, row: &[&'static str]) -> u64 {
        self.grammar.get(row, "class").and_then(Word::parse).map_or(0, |w| 1 << w as u8)
    }

    /// The indexed tables a walk's final belongs to, with the match's end token and the
    /// key's postings offset in that table.
    fn finals(&self, fin: &Final) -> impl Iterator<Item = (usize, (usize, u32))> + '_ {
        let end = fin.end;
        postings(self.combined_post, fin.value as u32)
            .map(move |entry| ((entry >> 24) as usize, (end, entry & 0x00FF_FFFF)))
            .filter(|(tid, _)| *tid < INDEXED_TABLES)
    }

    /// The folded clitic prefixes of the `clitics` setting, longest first (computed on
    /// first use).
    fn clitics(&self) -> &[String] {
        self.clitic_list.get_or_init(|| {
            let mut v: Vec<String> = self
                .setting(Setting::Clitics)
                .map(|s| s.split(',').map(sitrep_text::fold_key).filter(|c| !c.is_empty()).collect())
                .unwrap_or_default();
            v.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            v
        })
    }

    /// Whether a word's last part is looked up too (`compounds` is `head_last`).
    fn compounds(&self) -> bool {
        *self.compound_heads.get_or_init(|| self.setting_is(Setting::Compounds, "head_last"))
    }

    /// A value of `settings.tsv`.
    pub fn setting(&self, key: Setting) -> Option<&'static str> {
        self.settings.rows().find(|r| r[0] == key.as_str()).and_then(|r| self.settings.get(r, "value"))
    }

    /// Whether the setting `key` has the value `value`.
    pub fn setting_is(&self, key: Setting, value: &str) -> bool {
        self.setting(key) == Some(value)
    }

    /// Whether a folded word ends with a suffix of class `class` (`suffixes.tsv`) and
    /// is longer than it.
    pub fn ends_with(&self, word: &str, class: Suffix) -> bool {
        self.typed_suffixes().iter().any(|(s, c)| *c == class && word.len() > s.len() && word.ends_with(s))
    }

    /// Whether `s` is, whole, a suffix of class `class` ("er" an ordinal).
    pub fn is_suffix(&self, s: &str, class: Suffix) -> bool {
        self.typed_suffixes().iter().any(|(f, c)| *c == class && *f == s)
    }

    /// The `suffixes.tsv` rows, typed (parsed on first use: they are asked per trigger).
    fn typed_suffixes(&self) -> &[(&'static str, Suffix)] {
        self.suffix_rows.get_or_init(|| {
            let t = &self.suffixes;
            t.rows().filter_map(|r| Some((r[0], t.get(r, "class").and_then(Suffix::parse)?))).collect()
        })
    }

    /// Whether the pack declares it has none of the grammar word class or suffix class
    /// named `class` (the `none` setting).
    pub fn declares_none(&self, class: &str) -> bool {
        self.setting(Setting::None).is_some_and(|v| v.split(',').any(|c| c == class))
    }

    /// The grammar classes this language declares it has no forms for (`none` setting).
    pub fn lacks(&self, w: Word) -> bool {
        self.declares_none(w.as_str())
    }

    /// Whether a folded word is a form of one of the pack's everyday word lists: closed
    /// word classes, date words, numbers, casualty words, qualifiers, speech verbs and
    /// triggers (what tells a short text's language). One lookup in the union of those
    /// tables' keys, built on first use.
    pub fn is_common_word(&self, folded: &str) -> bool {
        let set = self.common_words.get_or_init(|| {
            let tables = [
                &self.grammar,
                &self.dates,
                &self.numbers,
                &self.casualty,
                &self.qualifiers,
                &self.speech,
                &self.triggers,
            ];
            let mut keys: Vec<Vec<u8>> = Vec::new();
            for t in tables {
                let mut stream = t.auto.fst.stream();
                while let Some((k, _)) = fst::Streamer::next(&mut stream) {
                    keys.push(k.to_vec());
                }
            }
            keys.sort_unstable();
            keys.dedup();
            fst::Set::from_iter(keys).unwrap_or_default()
        });
        set.contains(folded.as_bytes())
    }
}

/// The shortest compound head looked up inside a word, in bytes ("angriff", "krieg";
/// not "tote" in "verkehrstote").
const MIN_HEAD: usize = 5;

/// No match at this token (see [`Index`]).
const NO_HIT: u32 = u32::MAX;

/// Number of files of a language pack (`LANG_FILES`).
const LANG_TABLES: usize = 12;

/// Number of tables in a combined automaton: the language files, then
/// `INDEXED_GLOBAL`.
const INDEXED_TABLES: usize = LANG_TABLES + 3;

/// The postings entries at an offset of a postings file.
fn postings(post: &'static [u8], at: u32) -> impl Iterator<Item = u32> {
    let word = move |k: usize| -> u32 {
        let b = post.get(k * 4..k * 4 + 4).unwrap_or(&[0, 0, 0, 0]);
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    };
    let start = at as usize;
    let n = word(start) as usize;
    (0..n).map(move |j| word(start + 1 + j))
}

/// The longest forms of every table at every token start of one text (see
/// [`LangPack::index`]). Its `find`/`longest_at` answer like [`Table`]'s, without walking.
pub struct Index<'t> {
    text: &'t Text<'t>,
    /// Per table id: the longest match at each token start where one exists, in order.
    hits: Vec<Vec<Match>>,
    /// Per token, per table id: the position in `hits` of the match starting there
    /// (`NO_HIT`: none). A binary search per question grew with the document.
    at: Vec<[u32; INDEXED_TABLES]>,
    /// Per token: the grammar word classes the token alone is a form of (bit `Word as
    /// u8`).
    words: Vec<u64>,
}

impl<'t> Index<'t> {
    /// The text this index was built over.
    pub fn text(&self) -> &'t Text<'t> {
        self.text
    }

    /// Whether token `k` alone is a form of the grammar word class `w` ("by" an agent
    /// marker, "que" a complementiser).
    pub fn is(&self, k: usize, w: Word) -> bool {
        self.words.get(k).is_some_and(|m| m & (1 << w as u8) != 0)
    }

    fn hits(&self, table: &Table) -> Option<&[Match]> {
        self.hits.get(table.id as usize).map(Vec::as_slice)
    }

    /// Whether token `k` alone is a form of `table` whose column `col` holds one of
    /// `values` ("he" a `pronoun` cue, "Friday" a `weekday` date word).
    pub fn word_is(&self, table: &Table, k: usize, col: &str, values: &[&str]) -> bool {
        let Some(c) = table.col(col) else { return false };
        self.longest_at(table, k, k + 1)
            .is_some_and(|m| table.rows_of(&m).any(|r| field(r, c).is_some_and(|v| values.contains(&v))))
    }

    /// As [`Table::longest_at`].
    pub fn longest_at(&self, table: &Table, i: usize, limit: usize) -> Option<Match> {
        let Some(hits) = self.hits(table) else { return table.longest_at(self.text, i, limit) };
        let k = *self.at.get(i)?.get(table.id as usize)?;
        let m = hits.get(k as usize)?;
        if m.toks.end <= limit { Some(m.clone()) } else { table.longest_at(self.text, i, limit) }
    }

    /// As [`Table::find`].
    pub fn find(&self, table: &Table, range: Range<usize>) -> Vec<Match> {
        let Some(hits) = self.hits(table) else { return table.find(self.text, range) };
        let mut out = Vec::new();
        let mut k = hits.partition_point(|m| m.toks.start < range.start);
        let mut next_free = range.start;
        while k < hits.len() && hits[k].toks.start < range.end {
            let m = &hits[k];
            k += 1;
            if m.toks.start < next_free {
                continue;
            }
            let m = if m.toks.end <= range.end {
                m.clone()
            } else {
                match table.longest_at(self.text, m.toks.start, range.end) {
                    Some(m) => m,
                    None => continue,
                }
            };
            next_free = m.toks.end;
            out.push(m);
        }
        out
    }

    /// As [`Table::find_in_sentences`].
    pub fn find_in_sentences(&self, table: &Table) -> Vec<Match> {
        let Some(hits) = self.hits(table) else { return table.find_in_sentences(self.text) };
        let mut out = Vec::new();
        let mut next_free = 0;
        for m in hits {
            if m.toks.start >= next_free {
                next_free = m.toks.end;
                out.push(m.clone());
            }
        }
        out
    }
}

macro_rules! lang_pack {
    ($code:literal) => {{
        let abbreviations = table!($code, "abbreviations", 0);
        let actors = table!($code, "actors", 1);
        let casualty = table!($code, "casualty", 2);
        let cues = table!($code, "cues", 3);
        let dates = table!($code, "dates", 4);
        let demonyms = table!($code, "demonyms", 5);
        let grammar = table!($code, "grammar", 6);
        let nouns = table!($code, "nouns", 7);
        let numbers = table!($code, "numbers", 8);
        let qualifiers = table!($code, "qualifiers", 9);
        let speech = table!($code, "speech", 10);
        let triggers = table!($code, "triggers", 11);
        LangPack {
            code: $code,
            abbreviations,
            actors,
            casualty,
            cues,
            dates,
            demonyms,
            grammar,
            nouns,
            numbers,
            qualifiers,
            speech,
            triggers,
            settings: table!($code, "settings", NOT_INDEXED),
            suffixes: table!($code, "suffixes", NOT_INDEXED),
            grammar_bits: OnceLock::new(),
            suffix_rows: OnceLock::new(),
            clitic_list: OnceLock::new(),
            compound_heads: OnceLock::new(),
            common_words: OnceLock::new(),
            combined: Automaton::new(
                concat!($code, "_combined"),
                include_bytes!(concat!(env!("OUT_DIR"), "/", $code, "_combined.fst")),
                include_str!(concat!(env!("OUT_DIR"), "/", $code, "_combined.stems")),
            )
            .with_second_level(),
            combined_post: include_bytes!(concat!(env!("OUT_DIR"), "/", $code, "_combined.post")),
        }
    }};
}

include!(concat!(env!("OUT_DIR"), "/langs.rs"));

/// The data pack for an ISO 639-1 code, if sitrep has one.
pub fn lang_pack(code: &str) -> Option<&'static LangPack> {
    LANGS.iter().position(|l| *l == code).map(|i| &*PACKS[i])
}

/// What a single word is as a calendar name in any language pack: a month (1–12) or a
/// weekday (1 = Monday). The one source of month and day names for the workspace
/// (dates, fusion, ingest metadata).
pub fn calendar_word(word: &str) -> Option<(DateWord, u32)> {
    let key = sitrep_text::fold_key(word);
    let key = key.trim_end_matches('.');
    for code in LANGS {
        let Some(p) = lang_pack(code) else { continue };
        for i in p.dates.lookup(key) {
            let r = p.dates.row(i);
            if let (Some(k @ (DateWord::Month | DateWord::Weekday)), Some(Ok(v))) =
                (p.dates.get(r, "kind").and_then(DateWord::parse), p.dates.get(r, "value").map(str::parse::<u32>))
            {
                return Some((k, v));
            }
        }
    }
    None
}

/// Language-independent tables.
pub struct Global {
    pub organizations: Table,
    pub people: Table,
    pub place_names: Table,
    pub places: Table,
    /// Place id → row of `places`, built on first use from the ids alone (a binary
    /// search over the rows cost more: places are looked up per name candidate).
    place_ids: OnceLock<HashMap<&'static str, u32, BuildHasherDefault<FxHasher>>>,
}

static GLOBAL: LazyLock<Global> = LazyLock::new(|| Global {
    organizations: table!("actors", "organizations", LANG_TABLES as u8),
    people: table!("actors", "people", LANG_TABLES as u8 + 1),
    place_names: table!("gazetteer", "names", LANG_TABLES as u8 + 2),
    places: table!("gazetteer", "places", NOT_INDEXED),
    place_ids: OnceLock::new(),
});

/// The language-independent tables.
pub fn global() -> &'static Global {
    &GLOBAL
}

impl Global {
    /// A gazetteer place row by its id.
    pub fn place(&self, id: &str) -> Option<&[&'static str]> {
        let t = &self.places;
        let ids = self.place_ids.get_or_init(|| (0..t.row_count()).map(|i| (t.first_field(i), i as u32)).collect());
        ids.get(id).map(|&i| t.row(i as usize))
    }
}

#[cfg(test)]
mod tests;
