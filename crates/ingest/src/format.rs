//! Recognising input formats by name or by their first bytes.

use std::path::Path;

/// An input format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text: the whole file is one article.
    Text,
    /// JSON Lines: one article per line.
    Jsonl,
    /// One HTML page: its main text is the article.
    Html,
    /// An RSS 2.0, Atom or RDF feed: one article per entry.
    Feed,
    /// A web archive (plain or gzip-compressed): one article per HTML page.
    Warc,
}

/// How many leading bytes [`Format::detect`] looks at; more are ignored.
pub(crate) const SNIFF_LEN: usize = 4096;

impl Format {
    /// The format of a file: by extension (`.txt`, `.jsonl`/`.ndjson`, `.html`/`.htm`,
    /// `.xml`/`.rss`/`.atom`, `.warc`/`.warc.gz`), else by sniffing `head`, its first
    /// bytes (a few KiB are enough).
    pub fn detect(path: &Path, head: &[u8]) -> Format {
        let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
        if name.ends_with(".warc") || name.ends_with(".warc.gz") {
            return Format::Warc;
        }
        let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
        match ext {
            "txt" | "text" => return Format::Text,
            "jsonl" | "ndjson" => return Format::Jsonl,
            "html" | "htm" | "xhtml" => return Format::Html,
            "xml" | "rss" | "atom" => return Format::Feed,
            _ => {}
        }
        Format::sniff(head, name.contains(".warc"))
    }

    /// The format of some bytes, whatever their name (`warc_name`: the name says WARC, so
    /// a gzip stream is one).
    pub(crate) fn sniff(head: &[u8], warc_name: bool) -> Format {
        let head = &head[..head.len().min(SNIFF_LEN)];
        if head.starts_with(b"WARC/1.") {
            return Format::Warc;
        }
        if head.starts_with(&[0x1F, 0x8B]) {
            return if warc_name { Format::Warc } else { Format::Text };
        }
        // UTF-16 heads are decoded first; UTF-8 ones just lose their byte-order mark.
        let decoded;
        let s: &str = if crate::decode::utf16_kind(head).is_some() {
            decoded = crate::decode::decode(head, "").0;
            &decoded
        } else {
            decoded = String::from_utf8_lossy(head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)).into_owned();
            &decoded
        };
        let s = s.trim_start();
        if s.starts_with('{') {
            return Format::Jsonl;
        }
        if s.starts_with("WARC/1.") {
            return Format::Warc;
        }
        if !s.starts_with('<') {
            return Format::Text;
        }
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
            return Format::Html;
        }
        if lower.contains("<rss") || lower.contains("<feed") || lower.contains("<rdf") {
            return Format::Feed;
        }
        if lower.contains("<html") || lower.contains("<body") || lower.contains("<head") || !lower.starts_with("<?xml")
        {
            return Format::Html;
        }
        Format::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_extension_then_content() {
        let d = |p: &str, h: &[u8]| Format::detect(Path::new(p), h);
        assert_eq!(d("a/b.TXT", b"{"), Format::Text);
        assert_eq!(d("x.ndjson", b""), Format::Jsonl);
        assert_eq!(d("x.htm", b""), Format::Html);
        assert_eq!(d("x.atom", b""), Format::Feed);
        assert_eq!(d("x.warc.gz", b""), Format::Warc);
        assert_eq!(d("x", b"  {\"text\": 1}"), Format::Jsonl);
        assert_eq!(d("x", b"\xEF\xBB\xBF<!DOCTYPE html><p>"), Format::Html);
        assert_eq!(d("x", b"<?xml version=\"1.0\"?>\n<rss version=\"2.0\">"), Format::Feed);
        assert_eq!(d("x", b"<?xml version=\"1.0\"?><feed xmlns="), Format::Feed);
        assert_eq!(d("x", b"<?xml version=\"1.0\"?><rdf:RDF"), Format::Feed);
        assert_eq!(d("x", b"<?xml version=\"1.0\"?><other/>"), Format::Text);
        assert_eq!(d("x", b"WARC/1.1\r\n"), Format::Warc);
        assert_eq!(d("x.warc.1", b"\x1F\x8B\x08"), Format::Warc);
        assert_eq!(d("x.gz", b"\x1F\x8B\x08"), Format::Text);
        assert_eq!(d("x", b"Plain words."), Format::Text);
        assert_eq!(d("x", b""), Format::Text);
        let utf16: Vec<u8> = "<html><body>".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(d("x", &utf16), Format::Html);
    }
}
