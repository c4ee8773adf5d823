use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds `text` for matching. Returns the folded string and, for each folded byte, the
/// original byte offset it came from (plus one final entry: `text.len()`).
pub fn fold(text: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(text.len() + 8);
    let mut map: Vec<u32> = Vec::with_capacity(text.len() + 9);
    let mut pending_space: Option<(u32, bool)> = None; // (origin, has newline)
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // ASCII letters, digits and punctuation (most of most texts): one byte in, one
        // byte out, without decoding a char.
        let b = bytes[i];
        if b > b' ' && b < 0x7F {
            flush_space(&mut pending_space, &mut out, &mut map);
            out.push(b.to_ascii_lowercase() as char);
            map.push(i as u32);
            i += 1;
            continue;
        }
        let c = text[i..].chars().next().unwrap_or(' ');
        let origin = i as u32;
        i += c.len_utf8();
        // Other characters below U+0800 (Latin, Greek, Cyrillic, Hebrew, Arabic) fold
        // from a table that `push_folded` itself made (decomposing and lower-casing
        // each one was a third of the preparation of a Russian or Arabic text).
        if let Some(&(len, bytes)) = FOLDED.get(c as usize)
            && len != SLOW
        {
            flush_space(&mut pending_space, &mut out, &mut map);
            out.push_str(std::str::from_utf8(&bytes[..len as usize]).unwrap_or_default());
            map.extend(std::iter::repeat_n(origin, len as usize));
            continue;
        }
        if c.is_whitespace() {
            let nl = matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}');
            pending_space = Some(match pending_space {
                Some((o, n)) => (o, n || nl),
                None => (origin, nl),
            });
            continue;
        }
        if is_dropped(c) {
            continue;
        }
        flush_space(&mut pending_space, &mut out, &mut map);
        push_folded(c, origin, &mut out, &mut map);
    }
    map.push(text.len() as u32);
    (out, map)
}

/// Writes the whitespace run pending before a kept character as one space or newline
/// (none at the start of the text).
fn flush_space(pending: &mut Option<(u32, bool)>, out: &mut String, map: &mut Vec<u32>) {
    if let Some((o, nl)) = pending.take()
        && !out.is_empty()
    {
        out.push(if nl { '\n' } else { ' ' });
        map.push(o);
    }
}

/// A table entry that says: fold this character the general way (whitespace, dropped,
/// or longer than an entry).
const SLOW: u8 = u8::MAX;

/// What `push_folded` makes of each character below U+0800, as UTF-8 bytes.
static FOLDED: std::sync::LazyLock<Vec<(u8, [u8; 7])>> = std::sync::LazyLock::new(|| {
    (0u32..0x800)
        .map(|u| {
            let Some(c) = char::from_u32(u) else { return (SLOW, [0; 7]) };
            if c.is_whitespace() || is_dropped(c) {
                return (SLOW, [0; 7]);
            }
            let (mut s, mut m) = (String::new(), Vec::new());
            push_folded(c, 0, &mut s, &mut m);
            if s.len() > 7 {
                return (SLOW, [0; 7]);
            }
            let mut b = [0u8; 7];
            b[..s.len()].copy_from_slice(s.as_bytes());
            (s.len() as u8, b)
        })
        .collect()
});

/// Folds a dictionary key exactly as [`fold`] folds text.
pub fn fold_key(key: &str) -> String {
    fold(key.trim()).0
}

/// Characters that carry no meaning for matching: zero-width, bidi marks, soft hyphen,
/// BOM, control characters.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{0640}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
    ) || (c.is_control())
}

fn push_folded(c: char, origin: u32, out: &mut String, map: &mut Vec<u32>) {
    let push = |s: char, out: &mut String, map: &mut Vec<u32>| {
        let before = out.len();
        out.push(s);
        for _ in before..out.len() {
            map.push(origin);
        }
    };
    if c.is_ascii() {
        push(c.to_ascii_lowercase(), out, map);
        return;
    }
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{02BB}' | '\u{2032}' | '\u{00B4}' | '\u{0060}' => {
            push('\'', out, map)
        }
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}' => push('-', out, map),
        '\u{00AB}' | '\u{00BB}' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' => push('"', out, map),
        '\u{0153}' | '\u{0152}' => {
            push('o', out, map);
            push('e', out, map);
        }
        '\u{00E6}' | '\u{00C6}' => {
            push('a', out, map);
            push('e', out, map);
        }
        '\u{00DF}' => {
            push('s', out, map);
            push('s', out, map);
        }
        '\u{0131}' => push('i', out, map),
        // Arabic-Indic and Eastern Arabic-Indic digits read as digits; the Arabic
        // decimal and thousands separators, comma, semicolon and question mark as theirs.
        '\u{0660}'..='\u{0669}' => push(char::from(b'0' + (c as u32 - 0x0660) as u8), out, map),
        '\u{06F0}'..='\u{06F9}' => push(char::from(b'0' + (c as u32 - 0x06F0) as u8), out, map),
        '\u{066B}' => push('.', out, map),
        '\u{066C}' | '\u{060C}' => push(',', out, map),
        '\u{061B}' => push(';', out, map),
        '\u{061F}' => push('?', out, map),
        // Alef maqsura is written for final yeh and the reverse: one letter.
        '\u{0649}' => push('\u{064A}', out, map),
        '\u{2026}' => {
            push('.', out, map);
            push('.', out, map);
            push('.', out, map);
        }
        _ => {
            let mut any = false;
            decompose_canonical(c, |d| {
                if is_combining_mark(d) {
                    return;
                }
                any = true;
                for l in d.to_lowercase() {
                    push(l, out, map);
                }
            });
            if !any {
                // A lone combining mark: keep nothing.
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expected: &str) {
        let (f, map) = fold(input);
        assert_eq!(f, expected, "fold({input:?})");
        assert_eq!(map.len(), f.len() + 1);
        for &o in &map {
            assert!(input.is_char_boundary(o as usize), "map points inside a char");
        }
    }

    #[test]
    fn folds_case_accents_and_typography() {
        check("Haut-Karabakh", "haut-karabakh");
        check("L\u{2019}Azerbaïdjan", "l'azerbaidjan");
        check("6\u{202F}600 et 2\u{00A0}000", "6 600 et 2 000");
        check("Œuvre  «\u{00A0}ÉTÉ\u{00A0}»", "oeuvre \" ete \"");
        check("a\u{200B}b\u{00AD}c", "abc");
        check("x\n\n  y", "x\ny");
        check("  lead", "lead");
        check("Kyïv – Donetsk", "kyiv - donetsk");
    }

    /// The tables' fast paths fold every character below U+0800 as the general path
    /// does, alone and between others.
    #[test]
    fn fast_paths_fold_as_the_general_path() {
        for u in 0u32..0x800 {
            let Some(c) = char::from_u32(u) else { continue };
            let input = format!("a{c}b {c}");
            let (mut expected, mut map) = (String::new(), Vec::new());
            let mut pending: Option<(u32, bool)> = None;
            for (i, ch) in input.char_indices() {
                if ch.is_whitespace() {
                    let nl = matches!(ch, '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}');
                    pending = Some(pending.map_or((i as u32, nl), |(o, n)| (o, n || nl)));
                    continue;
                }
                if is_dropped(ch) {
                    continue;
                }
                if let Some((o, nl)) = pending.take()
                    && !expected.is_empty()
                {
                    expected.push(if nl { '\n' } else { ' ' });
                    map.push(o);
                }
                push_folded(ch, i as u32, &mut expected, &mut map);
            }
            map.push(input.len() as u32);
            assert_eq!(fold(&input), (expected, map), "U+{u:04X}");
        }
    }

    #[test]
    fn map_points_back_to_original() {
        let s = "Été à Erevan";
        let (f, map) = fold(s);
        let i = f.find("erevan").unwrap();
        assert_eq!(&s[map[i] as usize..], "Erevan");
    }
}
