//! Plain-text files: the whole file is one article.

use std::path::Path;

use sitrep_core::Document;

use crate::date::date_in_name;
use crate::decode::{Note, decode_note};
use crate::{Article, Error, Item, Problem};

/// Reads a text file's bytes: a repair note (if any), then the article or a problem.
pub(crate) fn read_text(bytes: &[u8], name: &str) -> Vec<Item> {
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return vec![Item::Problem(Problem::new(name, Error::Compressed))];
    }
    let (text, note) = decode_note(bytes);
    if text.trim().is_empty() {
        return vec![Item::Problem(Problem::new(name, Error::Empty))];
    }
    if looks_binary(&text) {
        return vec![Item::Problem(Problem::new(name, Error::Binary))];
    }
    let mut items: Vec<Item> = note.map(|n| Item::Problem(note_problem(name, n))).into_iter().collect();
    items.push(Item::Article(Article { doc: text_document(text, name), origin: name.to_string() }));
    items
}

/// A decoding note as a problem at `name:LINE` (or `name`).
pub(crate) fn note_problem(name: &str, note: Note) -> Problem {
    match note.line {
        Some(l) => Problem::new(format!("{name}:{l}"), note.message),
        None => Problem::new(name, note.message),
    }
}

/// The document of a text file: id is the name, title its first non-empty line (when
/// shorter than 200 characters), publication date a `YYYY-MM-DD` in the file name.
pub(crate) fn text_document(text: String, name: &str) -> Document {
    let title =
        text.lines().map(str::trim).find(|l| !l.is_empty()).filter(|l| l.chars().count() < 200).map(str::to_string);
    let file_name = Path::new(name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    Document { id: name.to_string(), published: date_in_name(&file_name), title, text, ..Document::default() }
}

/// More than a tenth of the first 4096 characters are control characters (other than
/// tabs, line and page breaks) or replacement characters.
fn looks_binary(text: &str) -> bool {
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars().take(4096) {
        total += 1;
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C')) || c == '\u{FFFD}' {
            bad += 1;
        }
    }
    bad * 10 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_date() {
        let d = text_document("\n  Short title \nBody.".into(), "dir/armenia-azerbaijan-2022-09-13.txt");
        assert_eq!(d.title.as_deref(), Some("Short title"));
        assert_eq!(d.published.as_deref(), Some("2022-09-13"));
        assert_eq!(d.text, "\n  Short title \nBody.");
        let long = "x".repeat(250);
        assert_eq!(text_document(long, "2022-09-13/a.txt").title, None);
        assert_eq!(text_document("a".into(), "2022-09-13/a.txt").published, None);
    }

    #[test]
    fn binary() {
        assert!(looks_binary("\u{0}\u{1}\u{2}abc"));
        assert!(!looks_binary("tab\tand\nlines\r\n"));
        assert!(
            matches!(&read_text(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0", "x.png")[..], [Item::Problem(p)] if p.message.contains("binary"))
        );
    }
}
