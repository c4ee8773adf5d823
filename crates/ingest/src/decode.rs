//! Bytes to text: byte-order marks, UTF-16 without one, Latin-1 posing as UTF-8.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// What was repaired while decoding, and on which line (1-based) if it is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Note {
    pub line: Option<usize>,
    pub message: String,
}

impl Note {
    fn new(message: impl Into<String>) -> Note {
        Note { line: None, message: message.into() }
    }

    /// `name:LINE: message` or `name: message`.
    pub fn render(&self, name: &str) -> String {
        match self.line {
            Some(l) => format!("{name}:{l}: {}", self.message),
            None => format!("{name}: {}", self.message),
        }
    }
}

/// Decodes bytes to text, saying what was wrong with them.
///
/// - UTF-8, with or without a byte-order mark (removed): as is, no message;
/// - UTF-16LE/BE with a byte-order mark: decoded, no message unless it is broken;
/// - UTF-16 without a byte-order mark (many NUL bytes at odd or even positions): decoded,
///   with a message;
/// - invalid UTF-8 that reads cleanly as Windows-1252 (Latin-1), that is without C1
///   control characters, and has fewer valid multi-byte sequences than invalid ones:
///   decoded as Windows-1252, with a message;
/// - anything else: invalid bytes replaced with U+FFFD, with a message naming the line
///   and byte of the first one.
///
/// The message starts with `name` (and the line), and is `None` when nothing was repaired.
pub fn decode(bytes: &[u8], name: &str) -> (String, Option<String>) {
    let (text, note) = decode_note(bytes);
    (text, note.map(|n| n.render(name)))
}

/// [`decode`] with the message still in parts.
pub(crate) fn decode_note(bytes: &[u8]) -> (String, Option<Note>) {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, UTF_16LE, None);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, UTF_16BE, None);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_utf8ish(rest);
    }
    match utf16_kind(bytes) {
        Some(enc) => utf16(bytes, enc, Some(format!("no byte-order mark: read as {}", enc.name()))),
        None => decode_utf8ish(bytes),
    }
}

/// UTF-16 by byte-order mark, or by the pattern of NUL bytes that mostly-ASCII or Latin
/// text leaves in it.
pub(crate) fn utf16_kind(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Some(UTF_16LE);
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Some(UTF_16BE);
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, b) in sample.iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    // At least 40 % of the code units have a NUL high byte, and hardly any a NUL low one.
    if odd * 10 >= pairs * 4 && even * 20 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 4 && odd * 20 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn utf16(bytes: &[u8], enc: &'static Encoding, note: Option<String>) -> (String, Option<Note>) {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    let note = match (note, had_errors) {
        (Some(n), false) => Some(Note::new(n)),
        (Some(n), true) => Some(Note::new(format!("{n}; invalid code units replaced with U+FFFD"))),
        (None, true) => Some(Note::new(format!("invalid {}: bad code units replaced with U+FFFD", enc.name()))),
        (None, false) => None,
    };
    (text.into_owned(), note)
}

/// UTF-8, else Windows-1252 if that reads cleanly, else UTF-8 with replacements.
pub(crate) fn decode_utf8ish(bytes: &[u8]) -> (String, Option<Note>) {
    let err = match std::str::from_utf8(bytes) {
        Ok(s) => return (s.to_string(), None),
        Err(e) => e,
    };
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        if !chunk.invalid().is_empty() {
            invalid += 1;
        }
    }
    if multibyte < invalid {
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        if !text.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c)) {
            return (text.into_owned(), Some(Note::new("not valid UTF-8: read as Windows-1252 (Latin-1)")));
        }
    }
    let at = err.valid_up_to();
    let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
    (
        String::from_utf8_lossy(bytes).into_owned(),
        Some(Note {
            line: Some(line),
            message: format!("invalid UTF-8 at byte {at}: bad bytes replaced with U+FFFD and analysed anyway"),
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le(s: &str) -> Vec<u8> {
        s.encode_utf16().flat_map(u16::to_le_bytes).collect()
    }

    #[test]
    fn utf8_and_boms() {
        assert_eq!(decode(b"abc", "f"), ("abc".to_string(), None));
        assert_eq!(decode(b"\xEF\xBB\xBFabc", "f"), ("abc".to_string(), None));
        let with_bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(le("hé")).collect();
        assert_eq!(decode(&with_bom, "f"), ("hé".to_string(), None));
        let be: Vec<u8> = [0xFE, 0xFF].into_iter().chain("hé".encode_utf16().flat_map(u16::to_be_bytes)).collect();
        assert_eq!(decode(&be, "f").0, "hé");
    }

    #[test]
    fn utf16_without_bom() {
        let (s, p) = decode(&le("Shelling reported near the river.\n"), "f");
        assert_eq!(s, "Shelling reported near the river.\n");
        assert!(p.is_some_and(|p| p.contains("UTF-16LE")));
        let be: Vec<u8> = "Ceasefire holds.".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be, "f").0, "Ceasefire holds.");
    }

    #[test]
    fn latin1_and_lossy() {
        let (s, p) = decode(b"Le d\xe9fil\xe9 a eu lieu \xe0 midi.", "f");
        assert_eq!(s, "Le défilé a eu lieu à midi.");
        assert!(p.is_some_and(|p| p.starts_with("f: not valid UTF-8: read as Windows-1252")));
        // Mostly UTF-8 with one stray byte: replaced, not re-read as Latin-1.
        let (s, p) =
            decode("défilé à midi\n".as_bytes().iter().copied().chain([0xFF]).collect::<Vec<_>>().as_slice(), "f");
        assert!(s.starts_with("défilé") && s.ends_with('\u{FFFD}'));
        assert!(p.is_some_and(|p| p.starts_with("f:2: invalid UTF-8 at byte 17")));
        // C1 controls: not Windows-1252 text.
        let (s, p) = decode(b"ok\n\x81\x8d", "f");
        assert!(s.contains('\u{FFFD}'));
        assert!(p.is_some_and(|p| p.starts_with("f:2: invalid UTF-8")));
    }
}
