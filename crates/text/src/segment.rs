use sitrep_core::{Sentence, Text, Token, TokenKind};

use crate::fold::fold;

/// Folds, tokenizes and splits `original` into sentences. `is_abbrev` says whether a
/// folded token sequence ending in a period ("m.", "u.s.", "sept.") is an abbreviation
/// that does not end a sentence.
pub fn prepare<'a>(original: &'a str, is_abbrev: &dyn Fn(&str) -> bool) -> Text<'a> {
    let (folded, map) = fold(original);
    let tokens = tokenize(original, &folded, &map);
    // 'À'..='Þ' and 'à'..='ÿ' are 0xC3 0x80..=0x9E and 0xC3 0xA0..=0xBF in UTF-8.
    let accented = original.as_bytes().windows(2).any(|w| w[0] == 0xC3 && matches!(w[1], 0x80..=0x9E | 0xA0..=0xBF));
    let mut text = Text { original, folded, map, tokens, sentences: Vec::new(), accented };
    text.sentences = split_sentences(&text, is_abbrev);
    text
}

/// A letter of a script without case (Arabic, Hebrew...).
fn caseless(c: char) -> bool {
    match CLASSES.get(c as usize) {
        Some(&k) => k & CASELESS != 0,
        None => caseless_letter(c),
    }
}

/// The rule behind [`caseless`]: alphabetic, neither upper- nor lower-case.
fn caseless_letter(c: char) -> bool {
    c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()
}

/// `char::is_alphanumeric`, from a table below U+0800 (Latin, Greek, Cyrillic, Hebrew,
/// Arabic: the standard library's lookup for non-ASCII letters was 7 % of the analysis
/// of Arabic and Russian text).
fn alphanumeric(c: char) -> bool {
    match CLASSES.get(c as usize) {
        Some(&k) => k & ALNUM != 0,
        None => c.is_alphanumeric(),
    }
}

const ALNUM: u8 = 1;
const CASELESS: u8 = 2;

/// The classes of the characters below U+0800.
static CLASSES: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
    (0u32..0x800)
        .map(|u| match char::from_u32(u) {
            Some(c) => (u8::from(c.is_alphanumeric()) * ALNUM) | (u8::from(caseless_letter(c)) * CASELESS),
            None => 0,
        })
        .collect()
});

fn tokenize(original: &str, folded: &str, map: &[u32]) -> Vec<Token> {
    let mut tokens = Vec::with_capacity(folded.len() / 5 + 1);
    let bytes = folded.as_bytes();
    let mut iter = folded.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == ' ' || c == '\n' {
            continue;
        }
        let start = i;
        let mut end = i + c.len_utf8();
        let kind = if alphanumeric(c) {
            let mut all_digits = c.is_ascii_digit();
            let mut prev = c;
            while let Some(&(j, d)) = iter.peek() {
                // (digits glued to a letter of a caseless script are their own token:
                // Arabic "و146" is "and 146")
                if !alphanumeric(d) || (d.is_ascii_digit() && caseless(prev)) || (prev.is_ascii_digit() && caseless(d))
                {
                    break;
                }
                prev = d;
                all_digits &= d.is_ascii_digit();
                end = j + d.len_utf8();
                iter.next();
            }
            if all_digits { TokenKind::Num } else { TokenKind::Word }
        } else {
            TokenKind::Punct
        };
        let prev = if start > 0 { bytes[start - 1] } else { b'\n' };
        let first = original.get(map[start] as usize..).and_then(|s| s.chars().next());
        let cap = first.is_some_and(char::is_uppercase);
        let no_case = first.is_some_and(caseless);
        tokens.push(Token {
            start: start as u32,
            end: end as u32,
            kind,
            cap,
            caseless: no_case,
            space_before: prev == b' ' || prev == b'\n',
            newline_before: prev == b'\n',
        });
    }
    tokens
}

fn split_sentences(text: &Text<'_>, is_abbrev: &dyn Fn(&str) -> bool) -> Vec<Sentence> {
    let toks = &text.tokens;
    let mut out = Vec::new();
    let mut start = 0;
    let mut paragraph = 0;
    let mut i = 0;
    while i < toks.len() {
        if i > start && toks[i].newline_before {
            out.push(Sentence { toks: start..i, paragraph });
            start = i;
            paragraph += 1;
            continue;
        } else if i == start && toks[i].newline_before && i > 0 {
            // Already counted.
        }
        let t = text.tok(i);
        if matches!(t, "." | "!" | "?") {
            // Swallow repeated terminators and closing quotes/brackets.
            let mut j = i + 1;
            while j < toks.len() && !toks[j].space_before && matches!(text.tok(j), "." | "!" | "?" | "\"" | ")" | "]") {
                j += 1;
            }
            if j < toks.len() && toks[j].space_before && !toks[j].newline_before && matches!(text.tok(j), "\"" | ")") {
                // closing quote after a space: « ... . »
                j += 1;
            }
            if ends_sentence(text, i, j, is_abbrev) {
                out.push(Sentence { toks: start..j, paragraph });
                start = j;
                if j < toks.len() && toks[j].newline_before {
                    paragraph += 1;
                }
                i = j;
                continue;
            }
            i = j;
            continue;
        }
        i += 1;
    }
    if start < toks.len() {
        out.push(Sentence { toks: start..toks.len(), paragraph });
    }
    out
}

/// Whether the terminator at token `i` (with trailing punctuation up to `j`) ends the
/// sentence.
fn ends_sentence(text: &Text<'_>, i: usize, j: usize, is_abbrev: &dyn Fn(&str) -> bool) -> bool {
    let toks = &text.tokens;
    let Some(next) = toks.get(j) else { return true };
    if next.newline_before {
        return true;
    }
    if !next.space_before {
        return false;
    }
    let next_text = text.tok(j);
    let next_opens = next.may_be_name()
        || next.kind == TokenKind::Num
        || matches!(next_text, "\"" | "(" | "-" | "'")
        || !next_text.chars().next().is_some_and(char::is_alphabetic);
    if !next_opens {
        return false;
    }
    if text.tok(i) != "." || i == 0 {
        return true;
    }
    // Period: look back for an abbreviation or an initial.
    let prev = &toks[i - 1];
    if prev.end != toks[i].start {
        return true;
    }
    if prev.kind == TokenKind::Word && prev.cap && text.tok(i - 1).chars().count() == 1 {
        return false; // initial: "J. Smith", "M. Macron"
    }
    // The longest run like "u.s." or "sept." ending here.
    let mut k = i - 1;
    while k >= 2 && toks[k].start == toks[k - 1].end && text.tok(k - 1) == "." && toks[k - 1].start == toks[k - 2].end {
        k -= 2;
    }
    let mut s = k;
    loop {
        let cand = &text.folded[toks[s].start as usize..toks[i].end as usize];
        if is_abbrev(cand) {
            return false;
        }
        if s + 2 > i - 1 {
            break;
        }
        s += 2;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn abbrev(s: &str) -> bool {
        matches!(s, "m." | "dr." | "u.s." | "gen." | "sept.")
    }

    fn check(input: &str, expected: &[&str]) {
        let text = prepare(input, &abbrev);
        let got: Vec<&str> = (0..text.sentences.len()).map(|s| text.slice(text.sentence_span(s))).collect();
        assert_eq!(got, expected, "sentences of {input:?}");
    }

    #[test]
    fn splits_sentences() {
        check("Il pleut. Il vente!", &["Il pleut.", "Il vente!"]);
        check("M. Macron a parlé. Dr. Dupont aussi.", &["M. Macron a parlé.", "Dr. Dupont aussi."]);
        check("U.S. forces left. They came back.", &["U.S. forces left.", "They came back."]);
        check("« C'est fini. » Il est parti.", &["« C'est fini. »", "Il est parti."]);
        check("Titre sans point\nCorps du texte.", &["Titre sans point", "Corps du texte."]);
        check("Le 13 sept. 2022 il a plu.", &["Le 13 sept. 2022 il a plu."]);
        check("“Il est difficile.” a déclaré Peskov.", &["“Il est difficile.” a déclaré Peskov."]);
        check("John F. Kennedy was shot. He died.", &["John F. Kennedy was shot.", "He died."]);
        check("", &[]);
    }

    #[test]
    fn tokens_map_to_original() {
        let text = prepare("Les forces azerbaïdjanaises, 6\u{202F}600 morts.", &abbrev);
        let words: Vec<&str> = (0..text.tokens.len()).map(|i| text.tok(i)).collect();
        assert_eq!(words, ["les", "forces", "azerbaidjanaises", ",", "6", "600", "morts", "."]);
        assert_eq!(text.slice(text.span(2..3)), "azerbaïdjanaises");
        assert_eq!(text.slice(text.span(4..6)), "6\u{202F}600");
        assert!(text.tokens[0].cap && !text.tokens[1].cap);
    }
}
