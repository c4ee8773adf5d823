//! JSON Lines: one article per line, streamed.

use std::io::{BufRead, Read};

use sitrep_core::Document;

use crate::date::normalize_date;
use crate::decode::{decode_note, decode_utf8ish, utf16_kind};
use crate::{Article, Error, Item, Problem};

/// The longest line read; longer ones are skipped (and reported).
pub(crate) const MAX_LINE: usize = 256 << 20;

/// Reads JSON Lines from memory (UTF-16 is decoded first).
pub(crate) fn read_jsonl_bytes(bytes: &[u8], name: &str) -> Vec<Item> {
    if utf16_kind(bytes).is_some() {
        let (text, note) = decode_note(bytes);
        let mut items: Vec<Item> =
            note.map(|n| Item::Problem(crate::text::note_problem(name, n))).into_iter().collect();
        items.extend(JsonlReader::new(std::io::Cursor::new(text.into_bytes()), name));
        return items;
    }
    JsonlReader::new(bytes, name).collect()
}

/// Iterates over the records of a JSON Lines stream, reading one line at a time. A line
/// that cannot be read as a record is a problem at `name:LINE`; blank lines are skipped.
pub(crate) struct JsonlReader<R> {
    name: String,
    reader: R,
    line: usize,
    buf: Vec<u8>,
    pending: Option<Item>,
    done: bool,
}

impl<R: BufRead> JsonlReader<R> {
    pub fn new(reader: R, name: &str) -> JsonlReader<R> {
        JsonlReader { name: name.to_string(), reader, line: 0, buf: Vec::new(), pending: None, done: false }
    }

    /// Skips the rest of an over-long line.
    fn skip_line(&mut self) -> std::io::Result<()> {
        loop {
            let chunk = self.reader.fill_buf()?;
            if chunk.is_empty() {
                return Ok(());
            }
            match chunk.iter().position(|b| *b == b'\n') {
                Some(i) => {
                    self.reader.consume(i + 1);
                    return Ok(());
                }
                None => {
                    let n = chunk.len();
                    self.reader.consume(n);
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if let Some(item) = self.pending.take() {
            return Some(item);
        }
        loop {
            if self.done {
                return None;
            }
            self.buf.clear();
            self.line += 1;
            let origin = format!("{}:{}", self.name, self.line);
            let limit = u64::try_from(MAX_LINE).unwrap_or(u64::MAX);
            match (&mut self.reader).take(limit + 1).read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    self.done = true;
                    return Some(Item::Problem(Problem::new(origin, Error::Io(e))));
                }
            }
            if self.buf.len() > MAX_LINE {
                if let Err(e) = self.skip_line() {
                    self.done = true;
                    self.pending = Some(Item::Problem(Problem::new(origin.clone(), Error::Io(e))));
                }
                let p = Problem::new(origin, Error::LineTooLong(MAX_LINE));
                return Some(Item::Problem(p));
            }
            let mut bytes = &self.buf[..];
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let (line, mut note) = decode_utf8ish(bytes);
            let mut parsed = parse_record(&line, &origin);
            // serde_json refuses lone surrogates ("lone leading surrogate", "unexpected end
            // of hex escape"): repair them when there are any, then parse again.
            if matches!(&parsed, Err(Error::Json(_)))
                && let Some((repaired, n)) = replace_lone_surrogates(&line)
            {
                parsed = parse_record(&repaired, &origin);
                let msg = format!("{n} lone UTF-16 surrogate escape(s) (\\uD800-\\uDFFF) replaced with U+FFFD");
                note = Some(match note {
                    Some(old) => crate::decode::Note { line: old.line, message: format!("{}; {msg}", old.message) },
                    None => crate::decode::Note { line: None, message: msg },
                });
            }
            let record = match parsed {
                Ok(doc) => Item::Article(Article { doc, origin: origin.clone() }),
                Err(e) => Item::Problem(Problem::new(origin.clone(), e)),
            };
            return match note {
                Some(n) => {
                    self.pending = Some(record);
                    Some(Item::Problem(Problem::new(origin, n.message)))
                }
                None => Some(record),
            };
        }
    }
}

/// Replaces each `\uXXXX` escape of a UTF-16 surrogate that is not half of a valid pair
/// with `\uFFFD` (JSON allows such escapes; a Rust string cannot hold them). Returns the
/// repaired line and the number replaced, or `None` when there was none.
pub fn replace_lone_surrogates(line: &str) -> Option<(String, usize)> {
    fn escape_at(b: &[u8], i: usize) -> Option<u16> {
        let hex = b.get(i..i + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    }
    let b = line.as_bytes();
    let (mut out, mut n, mut i, mut copied) = (String::with_capacity(line.len()), 0, 0, 0);
    while i < b.len() {
        if b[i] != b'\\' {
            i += 1;
            continue;
        }
        let Some(unit) = escape_at(b, i) else {
            i += 2; // an escaped character (`\\`, `\"`...) or a malformed escape
            continue;
        };
        let paired = match unit {
            0xD800..=0xDBFF => escape_at(b, i + 6).is_some_and(|low| (0xDC00..=0xDFFF).contains(&low)),
            0xDC00..=0xDFFF => false,
            _ => {
                i += 6;
                continue;
            }
        };
        if paired {
            i += 12;
            continue;
        }
        out.push_str(&line[copied..i]);
        out.push_str("\\uFFFD");
        n += 1;
        i += 6;
        copied = i;
    }
    if n == 0 {
        return None;
    }
    out.push_str(&line[copied..]);
    Some((out, n))
}

/// One JSON Lines record as a document: `"text"` (a string) is required; `"id"` (string
/// or number, default `where_`), `"published"`, `"title"`, `"url"`, `"source"`, `"lang"`
/// (strings) are optional. A publication date is normalised to `YYYY-MM-DD`
/// (`2022-09-13T10:00:00Z` → `2022-09-13`) or dropped when it is not a real date.
pub(crate) fn parse_record(line: &str, where_: &str) -> Result<Document, Error> {
    let v: serde_json::Value = serde_json::from_str(line).map_err(Error::Json)?;
    let serde_json::Value::Object(obj) = v else { return Err(Error::NotObject) };
    let text = match obj.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err(Error::TextNotString),
        None => return Err(Error::NoTextField),
    };
    let s = |k: &str| obj.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let id = match obj.get("id") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => where_.to_string(),
    };
    Ok(Document {
        id,
        text,
        lang: s("lang"),
        published: obj.get("published").and_then(|v| v.as_str()).and_then(normalize_date),
        title: s("title"),
        url: s("url"),
        source: s("source"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_and_problems() {
        let d = parse_record(r#"{"id": 7, "text": "x", "published": "2022-09-13"}"#, "f:1").unwrap();
        assert_eq!((d.id.as_str(), d.published.as_deref()), ("7", Some("2022-09-13")));
        let d = parse_record(r#"{"text": "x", "published": "2022-09-13T10:00:00+02:00"}"#, "f:1").unwrap();
        assert_eq!((d.id.as_str(), d.published.as_deref()), ("f:1", Some("2022-09-13")));
        let d = parse_record(r#"{"text": "x", "published": "2022-02-30"}"#, "f:1").unwrap();
        assert_eq!(d.published, None);
        assert!(parse_record("{not json", "f:2").unwrap_err().to_string().starts_with("not valid JSON"));
        assert!(parse_record(r#"{"id": "a"}"#, "f:3").unwrap_err().to_string().contains("no \"text\""));
        assert!(parse_record("[1]", "f:4").unwrap_err().to_string().contains("not a JSON object"));
        assert!(parse_record(r#"{"text": 1}"#, "f:5").unwrap_err().to_string().contains("not a string"));
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let line = r#"{"text": "a\ud800b \udc00 \ud83d\ude00 \\ud800 \u00e9"}"#;
        let (fixed, n) = replace_lone_surrogates(line).unwrap();
        assert_eq!(n, 2);
        assert_eq!(parse_record(&fixed, "f:1").unwrap().text, "a\u{FFFD}b \u{FFFD} \u{1F600} \\ud800 \u{e9}");
        assert!(replace_lone_surrogates(r#"{"text": "\ud83d\ude00 \\ud800"}"#).is_none());
        let items: Vec<Item> =
            JsonlReader::new(&b"{\"id\": \"s\", \"text\": \"Gao \\ud800 attack\"}\n"[..], "f").collect();
        assert_eq!(items.len(), 2, "{items:?}");
        assert!(items[0].problem().is_some_and(|p| p.message.contains("surrogate")), "{items:?}");
        assert_eq!(items[1].article().map(|a| a.doc.text.as_str()), Some("Gao \u{FFFD} attack"));
    }
}
