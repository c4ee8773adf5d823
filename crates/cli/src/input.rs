//! Reading articles: plain-text files (UTF-8, or UTF-16 with a BOM) and JSON Lines.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sitrep_core::Document;

/// Reads a text file (`-` is standard input). Invalid UTF-8 is replaced (U+FFFD) and
/// reported as a problem; UTF-16 with a byte-order mark is decoded.
pub fn read_text_file(path: &Path) -> Result<(String, Option<String>)> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).context("cannot read standard input")?;
    } else {
        std::fs::File::open(path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .with_context(|| format!("{}: cannot read", path.display()))?;
    }
    Ok(decode(&bytes, &path.display().to_string()))
}

/// Decodes bytes to text, saying what was wrong with them.
pub fn decode(bytes: &[u8], name: &str) -> (String, Option<String>) {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return (utf16(rest, u16::from_le_bytes), None);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return (utf16(rest, u16::from_be_bytes), None);
    }
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            (
                String::from_utf8_lossy(bytes).into_owned(),
                Some(format!(
                    "{name}:{line}: invalid UTF-8 at byte {}: bad bytes replaced with U+FFFD and analysed anyway",
                    e.valid_up_to()
                )),
            )
        }
    }
}

fn utf16(bytes: &[u8], f: fn([u8; 2]) -> u16) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| f([c[0], c[1]])).collect();
    String::from_utf16_lossy(&units)
}

/// Iterates over the documents of a JSON Lines file. Each item is a document or a
/// problem message naming the file and line.
pub struct JsonlReader {
    path: PathBuf,
    reader: Box<dyn BufRead>,
    line: usize,
    buf: Vec<u8>,
}

impl JsonlReader {
    pub fn open(path: &Path) -> Result<JsonlReader> {
        let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
            Box::new(BufReader::new(std::io::stdin()))
        } else {
            Box::new(BufReader::new(
                std::fs::File::open(path).with_context(|| format!("{}: cannot open", path.display()))?,
            ))
        };
        Ok(JsonlReader { path: path.to_path_buf(), reader, line: 0, buf: Vec::new() })
    }
}

impl Iterator for JsonlReader {
    type Item = std::result::Result<Document, String>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            match self.reader.read_until(b'\n', &mut self.buf) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => {
                    return Some(Err(format!("{}:{}: cannot read: {e}", self.path.display(), self.line)));
                }
            }
            if self.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let where_ = format!("{}:{}", self.path.display(), self.line);
            let (line, problem) = decode(&self.buf, &self.path.display().to_string());
            if let Some(p) = problem {
                return Some(Err(format!("{where_}: {}", p.split_once(": ").map_or(p.as_str(), |x| x.1))));
            }
            return Some(parse_record(&line, &where_));
        }
    }
}

/// One JSON Lines record as a document.
pub fn parse_record(line: &str, where_: &str) -> std::result::Result<Document, String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("{where_}: not valid JSON ({e}): record skipped"))?;
    let obj = v.as_object().ok_or_else(|| format!("{where_}: not a JSON object: record skipped"))?;
    let text = match obj.get("text") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(format!("{where_}: \"text\" is not a string: record skipped"));
        }
        None => return Err(format!("{where_}: no \"text\" field: record skipped")),
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
        published: s("published"),
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
        assert!(parse_record("{not json", "f:2").unwrap_err().starts_with("f:2: not valid JSON"));
        assert!(parse_record(r#"{"id": "a"}"#, "f:3").unwrap_err().contains("no \"text\""));
        assert!(parse_record("[1]", "f:4").unwrap_err().contains("not a JSON object"));
    }

    #[test]
    fn decoding() {
        assert_eq!(decode(b"abc", "f").0, "abc");
        let (s, p) = decode(b"ok\n\xff\xfebad", "f");
        assert!(s.contains('\u{FFFD}'));
        assert!(p.unwrap().starts_with("f:2: invalid UTF-8"));
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("hé".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(&utf16, "f").0, "hé");
    }
}
