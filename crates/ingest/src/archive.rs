//! Web archives (WARC 1.0/1.1): one article per HTML page.
//!
//! Uncompressed archives are framed here (record headers parsed by `warc::parser`), so
//! records stream with their exact byte offsets and bounded memory. Gzip-compressed ones
//! go through the `warc` crate's reader, which handles multi-member gzip.

use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use crate::date::normalize_date;
use crate::html::{decode_html, html_document};
use crate::{Article, Error, Format, Item, MAX_WHOLE, Problem, guarded};

/// The longest record header block read.
const MAX_HEADER: usize = 1 << 20;

/// Reads a WARC from memory (a gzip-compressed one through a temporary file).
pub(crate) fn read_warc_bytes(bytes: &[u8], name: &str) -> Vec<Item> {
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return match TempFile::write(bytes) {
            Ok(tmp) => GzWarc::open(&tmp.0, name).collect(),
            Err(e) => vec![Item::Problem(Problem::new(name, Error::Io(e)))],
        };
    }
    WarcStream::new(bytes, name).collect()
}

/// A temporary copy, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn write(bytes: &[u8]) -> std::io::Result<TempFile> {
        use std::sync::atomic::{AtomicU64, Ordering};
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "sitrep-ingest-{}-{}-{nanos}.warc.gz",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&path)?;
        let tmp = TempFile(path);
        std::io::Write::write_all(&mut f, bytes)?;
        Ok(tmp)
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
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
    pending: VecDeque<Item>,
    done: bool,
}

impl<R: BufRead> WarcStream<R> {
    pub fn new(reader: R, name: &str) -> WarcStream<R> {
        WarcStream { reader, name: name.to_string(), pos: 0, pending: VecDeque::new(), done: false }
    }

    fn corrupt(&self, at: u64, what: impl std::fmt::Display) -> Problem {
        Problem::new(format!("{}@{at}", self.name), Error::Warc(what.to_string()))
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
        let origin = format!("{}@{start}", self.name);
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

type RawRecords = Box<dyn Iterator<Item = Result<(warc::RawRecordHeader, Vec<u8>), warc::Error>> + Send>;

/// The records of a gzip-compressed WARC; origins are `name@INDEX` (0-based).
pub(crate) struct GzWarc {
    records: Option<RawRecords>,
    name: String,
    index: u64,
    pending: VecDeque<Item>,
}

impl GzWarc {
    pub fn open(path: &Path, name: &str) -> GzWarc {
        let mut gz = GzWarc { records: None, name: name.to_string(), index: 0, pending: VecDeque::new() };
        match warc::WarcReader::from_path_gzip(path) {
            Ok(r) => gz.records = Some(Box::new(r.iter_raw_records())),
            Err(e) => gz.pending.push_back(Item::Problem(Problem::new(name, Error::Io(e)))),
        }
        gz
    }
}

impl Iterator for GzWarc {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            let records = self.records.as_mut()?;
            let origin = format!("{}@{}", self.name, self.index);
            match guarded("WARC", || records.next()) {
                Ok(None) => self.records = None,
                Ok(Some(Ok((header, body)))) => {
                    self.index += 1;
                    let headers = Headers(header.headers.iter().map(|(n, v)| header_pair(&n.to_string(), v)).collect());
                    let kind = headers.get("warc-type").unwrap_or_default().to_ascii_lowercase();
                    self.pending.extend(record_items(&kind, &headers, &body, &origin));
                }
                Ok(Some(Err(e))) => {
                    self.records = None;
                    let what = match e {
                        warc::Error::ReadData(io) => format!("cannot read: {io}"),
                        e => format!("truncated or corrupt WARC record: {}", e.to_string().trim_end_matches('.')),
                    };
                    return Some(Item::Problem(Problem::new(origin, Error::Warc(what))));
                }
                Err(msg) => {
                    self.records = None;
                    return Some(Item::Problem(Problem::new(origin, Error::Warc(msg))));
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
}
