//! Web archives (WARC 1.0/1.1): one article per HTML page.
//!
//! Archives are framed here (record headers parsed by `warc::parser`), so records stream
//! with bounded memory: a record over the size limit is skipped without being held.
//! Gzip-compressed ones (one or many gzip members) are decompressed as a stream, and the
//! decompressed bytes are capped ([`max_decompressed`]): a decompression bomb ends the
//! file with a problem after the good records before it.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, Read};

use crate::date::normalize_date;
use crate::html::{decode_html, html_document};
use crate::{Article, Error, Format, Item, MAX_WHOLE, Problem};

/// The longest record header block read.
const MAX_HEADER: usize = 1 << 20;

/// Reads a WARC from memory (a gzip-compressed one decompressed as a stream).
pub(crate) fn read_warc_bytes(bytes: &[u8], name: &str) -> Vec<Item> {
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return gz_warc(bytes, bytes.len() as u64, name).collect();
    }
    WarcStream::new(bytes, name).collect()
}

/// The most decompressed bytes read from a gzip input of `compressed` bytes: 1 GiB plus
/// 100 times its size (web archives compress 5 to 10 times; a bomb, thousands of times).
pub(crate) fn max_decompressed(compressed: u64) -> u64 {
    (1u64 << 30).saturating_add(compressed.saturating_mul(100))
}

/// The records of a gzip-compressed WARC (`compressed`: its size, for the cap), streamed;
/// origins are `name@INDEX` (0-based), the decompressor hiding the offsets.
pub(crate) fn gz_warc<'a, R: Read + Send + 'a>(
    reader: R,
    compressed: u64,
    name: &str,
) -> WarcStream<Box<dyn BufRead + Send + 'a>> {
    gz_warc_limited(reader, max_decompressed(compressed), name)
}

fn gz_warc_limited<'a, R: Read + Send + 'a>(
    reader: R,
    limit: u64,
    name: &str,
) -> WarcStream<Box<dyn BufRead + Send + 'a>> {
    let source: Box<dyn BufRead + Send + 'a> = match libflate::gzip::MultiDecoder::new(reader) {
        Ok(d) => Box::new(std::io::BufReader::with_capacity(64 << 10, Capped { inner: d, left: limit, limit })),
        Err(e) => Box::new(std::io::BufReader::new(Failing(Some(e)))),
    };
    let mut w = WarcStream::new(source, name);
    w.index = Some(0);
    w
}

/// Fails with the error it holds (a gzip header that could not be read).
struct Failing(Option<std::io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
        Err(self.0.take().unwrap_or_else(|| std::io::Error::other("unreadable gzip stream")))
    }
}

/// A reader that fails once `limit` bytes have come out of it (decompression bombs).
struct Capped<R> {
    inner: R,
    left: u64,
    limit: u64,
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            return Err(std::io::Error::other(format!(
                "more than {} bytes once decompressed (a decompression bomb?)",
                self.limit
            )));
        }
        let room = usize::try_from(self.left).unwrap_or(usize::MAX).min(buf.len());
        let n = self.inner.read(&mut buf[..room])?;
        self.left -= n as u64;
        Ok(n)
    }
}

/// WARC record headers (names in lower case), looked up by name.
struct Headers(Vec<(String, String)>);

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn header_pair(name: &str, value: &[u8]) -> (String, String) {
    (name.to_ascii_lowercase(), String::from_utf8_lossy(value).trim().to_string())
}

/// The records of an uncompressed WARC, streamed; origins are `name@OFFSET`. The first
/// truncated or corrupt record ends the stream with a problem.
pub(crate) struct WarcStream<R> {
    reader: R,
    name: String,
    pos: u64,
    /// The next record's index, when origins count records instead of bytes (gzip).
    index: Option<u64>,
    pending: VecDeque<Item>,
    done: bool,
}

impl<R: BufRead> WarcStream<R> {
    pub fn new(reader: R, name: &str) -> WarcStream<R> {
        WarcStream { reader, name: name.to_string(), pos: 0, index: None, pending: VecDeque::new(), done: false }
    }

    fn corrupt(&self, at: u64, what: impl std::fmt::Display) -> Problem {
        Problem::new(format!("{}@{}", self.name, self.index.unwrap_or(at)), Error::Warc(what.to_string()))
    }

    /// Reads one record: `Ok(None)` at the end of the stream, else what it gave.
    fn record(&mut self) -> Result<Option<Vec<Item>>, Problem> {
        // The header block, after any blank lines left between records.
        let mut header = Vec::new();
        let mut start = self.pos;
        loop {
            let line_start = header.len();
            let room = (MAX_HEADER + 1).saturating_sub(header.len());
            let n = (&mut self.reader)
                .take(u64::try_from(room).unwrap_or(u64::MAX))
                .read_until(b'\n', &mut header)
                .map_err(|e| self.corrupt(start, format!("cannot read: {e}")))?;
            self.pos += n as u64;
            if n == 0 {
                if header.is_empty() {
                    return Ok(None);
                }
                return Err(self.corrupt(start, "truncated WARC record header"));
            }
            let line = &header[line_start..];
            let blank = line == b"\r\n" || line == b"\n";
            if line_start == 0 {
                if blank {
                    header.clear();
                    start = self.pos;
                    continue;
                }
                if !line.starts_with(b"WARC/") {
                    return Err(self.corrupt(start, "not a WARC record (no WARC/ version line)"));
                }
            }
            if header.len() > MAX_HEADER {
                return Err(self.corrupt(start, "WARC record header too long"));
            }
            if blank {
                break;
            }
            if !line.ends_with(b"\n") {
                return Err(self.corrupt(start, "truncated WARC record header"));
            }
        }
        let (headers, len) = match warc::parser::headers(&header) {
            Ok((_, (_, fields, len))) => (
                Headers(fields.iter().map(|(n, v)| header_pair(n, v)).collect()),
                u64::try_from(len).unwrap_or(u64::MAX),
            ),
            Err(_) => return Err(self.corrupt(start, "malformed WARC record header")),
        };
        let kind = headers.get("warc-type").unwrap_or_default().to_ascii_lowercase();
        let origin = format!("{}@{}", self.name, self.index.unwrap_or(start));
        let wanted = matches!(kind.as_str(), "response" | "resource");
        let mut items = Vec::new();
        let body = if wanted && len <= MAX_WHOLE {
            let mut body = Vec::with_capacity(usize::try_from(len.min(1 << 20)).unwrap_or(0));
            (&mut self.reader)
                .take(len)
                .read_to_end(&mut body)
                .map_err(|e| self.corrupt(start, format!("cannot read: {e}")))?;
            Some(body)
        } else {
            if wanted {
                items
                    .push(Item::Problem(Problem::new(origin.clone(), Error::TooLarge { size: len, limit: MAX_WHOLE })));
            }
            None
        };
        let got = match &body {
            Some(b) => b.len() as u64,
            None => std::io::copy(&mut (&mut self.reader).take(len), &mut std::io::sink())
                .map_err(|e| self.corrupt(start, format!("cannot read: {e}")))?,
        };
        self.pos += got;
        if got < len {
            return Err(self.corrupt(start, format!("truncated WARC record ({got} of {len} content bytes)")));
        }
        self.trailer().map_err(|e| self.corrupt(start, e))?;
        if let Some(i) = self.index.as_mut() {
            *i += 1;
        }
        if let Some(body) = body {
            items.extend(record_items(&kind, &headers, &body, &origin));
        }
        Ok(Some(items))
    }

    /// The CR LF CR LF after a record (up to four line-break bytes; none at the very end).
    fn trailer(&mut self) -> Result<(), String> {
        let mut n = 0;
        while n < 4 {
            let buf = self.reader.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
            match buf.first() {
                None => return Ok(()),
                Some(b'\r' | b'\n') => {
                    self.reader.consume(1);
                    self.pos += 1;
                    n += 1;
                }
                Some(_) if n >= 2 => return Ok(()),
                Some(_) => return Err("record not followed by CR LF CR LF (wrong Content-Length?)".into()),
            }
        }
        Ok(())
    }
}

impl<R: BufRead> Iterator for WarcStream<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if self.done {
                return None;
            }
            match self.record() {
                Ok(Some(items)) => self.pending.extend(items),
                Ok(None) => self.done = true,
                Err(p) => {
                    self.done = true;
                    return Some(Item::Problem(p));
                }
            }
        }
    }
}

/// The items of one record: nothing for records that hold no HTML page (requests,
/// metadata, images, redirects, ...), else a repair note (if any) and the article or a
/// problem.
fn record_items(kind: &str, headers: &Headers, body: &[u8], origin: &str) -> Vec<Item> {
    let (payload, content_type, encoding) = match kind {
        "response" => {
            let http = parse_http(body);
            if http.status.is_some_and(|s| !(200..300).contains(&s)) {
                return Vec::new();
            }
            let ct = http.header("content-type").map(str::to_string);
            let enc = http.header("content-encoding").map(str::to_string);
            (http.payload, ct, enc)
        }
        "resource" => (Cow::Borrowed(body), headers.get("content-type").map(str::to_string), None),
        _ => return Vec::new(),
    };
    let is_html = match &content_type {
        Some(ct) => ct.to_ascii_lowercase().contains("html"),
        None => Format::sniff(&payload, false) == Format::Html,
    };
    if !is_html || payload.iter().all(u8::is_ascii_whitespace) {
        return Vec::new();
    }
    if let Some(enc) = encoding.filter(|e| !e.eq_ignore_ascii_case("identity")) {
        return vec![Item::Problem(Problem::new(
            origin,
            Error::Other(format!("compressed HTTP payload (Content-Encoding: {enc}): skipped")),
        ))];
    }
    let charset = content_type.as_deref().and_then(charset_param);
    let (html, note) = decode_html(&payload, charset.as_deref());
    let mut items: Vec<Item> = note.map(|n| Item::Problem(Problem::new(origin, n.message))).into_iter().collect();
    let target =
        headers.get("warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string()).filter(|u| !u.is_empty());
    let id = target.clone().unwrap_or_else(|| origin.to_string());
    items.push(match html_document(&html, &id) {
        Ok(mut doc) => {
            if target.is_some() {
                doc.url = target;
            }
            if doc.published.is_none() {
                doc.published = headers.get("warc-date").and_then(normalize_date);
            }
            Item::Article(Article { doc, origin: origin.to_string() })
        }
        Err(e) => Item::Problem(Problem::new(origin, e)),
    });
    items
}

/// `charset=...` of a Content-Type value.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// An HTTP response split into status, headers and (de-chunked) payload. A body that
/// does not start with `HTTP/` is all payload.
struct Http<'a> {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    payload: Cow<'a, [u8]>,
}

impl Http<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_http(body: &[u8]) -> Http<'_> {
    if !body.starts_with(b"HTTP/") {
        return Http { status: None, headers: Vec::new(), payload: Cow::Borrowed(body) };
    }
    let end = match (find(body, b"\r\n\r\n"), find(body, b"\n\n")) {
        (Some(a), Some(b)) if b + 2 < a + 4 => b + 2,
        (Some(a), _) => a + 4,
        (None, Some(b)) => b + 2,
        (None, None) => body.len(),
    };
    let head = String::from_utf8_lossy(&body[..end]);
    let mut lines = head.lines();
    let status = lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let payload = &body[end..];
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked"));
    let payload = if chunked { Cow::Owned(dechunk(payload)) } else { Cow::Borrowed(payload) };
    Http { status, headers, payload }
}

/// Undoes `Transfer-Encoding: chunked`; what cannot be read as chunks is kept as is.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    while let Some(eol) = data.iter().position(|b| *b == b'\n') {
        let line = String::from_utf8_lossy(&data[..eol]);
        let size = line.split(';').next().map(str::trim).and_then(|s| usize::from_str_radix(s, 16).ok());
        let Some(size) = size else { break };
        data = &data[eol + 1..];
        if size == 0 {
            return out;
        }
        let take = size.min(data.len());
        out.extend_from_slice(&data[..take]);
        data = &data[take..];
        data = data.strip_prefix(b"\r\n").or_else(|| data.strip_prefix(b"\n")).unwrap_or(data);
    }
    out.extend_from_slice(data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_payloads() {
        let h = parse_http(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=\"ISO-8859-1\"\r\n\r\n<p>x</p>");
        assert_eq!(h.status, Some(200));
        assert_eq!(h.header("content-type").and_then(charset_param).as_deref(), Some("ISO-8859-1"));
        assert_eq!(&h.payload[..], b"<p>x</p>");
        let h = parse_http(b"HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n4\r\n<p>a\r\n5;x=y\r\nb</p>\r\n0\r\n\r\n");
        assert_eq!(&h.payload[..], b"<p>ab</p>");
        assert_eq!(&parse_http(b"<p>raw</p>").payload[..], b"<p>raw</p>");
        assert_eq!(parse_http(b"HTTP/1.1 404").status, Some(404));
        assert_eq!(dechunk(b"zz\r\nrest"), b"zz\r\nrest");
        assert_eq!(dechunk(b"ff\r\nshort"), b"short");
    }

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = libflate::gzip::Encoder::new(Vec::new()).unwrap();
        std::io::Write::write_all(&mut e, bytes).unwrap();
        e.finish().into_result().unwrap()
    }

    fn record(uri: &str, body: &[u8], declared: Option<u64>) -> Vec<u8> {
        let http = [&b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"[..], body].concat();
        let len = declared.unwrap_or(http.len() as u64);
        let head =
            format!("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nContent-Length: {len}\r\n\r\n");
        [head.as_bytes(), &http, b"\r\n\r\n"].concat()
    }

    /// A gzip bomb ends the file with a problem once the cap is passed; the good records
    /// before it are kept, with their record indexes.
    #[test]
    fn decompression_is_capped() {
        let page =
            b"<html><body><article><p>At least 3 people were killed in Gao on Monday.</p></article></body></html>";
        let mut data = gz(&record("https://example.org/a", page, None));
        data.extend(gz(&record("https://example.org/b", page, None)));
        let head = record("https://example.org/bomb", b"", Some(8 << 30));
        data.extend(gz(&head[..head.len() - 4]));
        let zeros = gz(&vec![0u8; 1 << 20]);
        for _ in 0..16 {
            data.extend(&zeros);
        }
        let items: Vec<Item> = gz_warc_limited(&data[..], 4 << 20, "bomb.warc.gz").collect();
        let articles: Vec<&str> = items.iter().filter_map(|i| i.article()).map(|a| a.origin.as_str()).collect();
        assert_eq!(articles, ["bomb.warc.gz@0", "bomb.warc.gz@1"], "{items:?}");
        let last = items.last().and_then(Item::problem).expect("a problem at the end");
        assert_eq!(last.origin, "bomb.warc.gz@2");
        assert!(last.message.contains("decompression bomb"), "{last}");
        // Under a cap it does not reach, the same file is only truncated.
        let items: Vec<Item> = gz_warc_limited(&data[..], 64 << 20, "bomb.warc.gz").collect();
        assert!(items.last().and_then(Item::problem).is_some_and(|p| p.message.contains("truncated")), "{items:?}");
    }
}
