//! Reading articles: the input stage of `sitrep ingest`.
//!
//! This crate turns input paths (files, directories, `-` for standard input) or in-memory
//! buffers into [`Article`]s: a [`Document`] (id, text, language, publication date,
//! title, URL, source) plus the place it came from. It is the only reader crate that does
//! I/O and the only one that knows about file formats; it does no analysis. It never
//! panics on input: whatever cannot be read becomes a [`Problem`] naming where, and
//! reading goes on with the next record or file.
//!
//! # Formats ([`Format`])
//!
//! | format | recognised by | one article per | origin |
//! |---|---|---|---|
//! | [`Format::Text`] | `.txt`, or anything not recognised | file | `path` |
//! | [`Format::Jsonl`] | `.jsonl`, `.ndjson`, first non-space byte `{` | line (`"text"` required; `"id"`, `"published"`, `"title"`, `"url"`, `"source"`, `"lang"`) | `path:LINE` |
//! | [`Format::Html`] | `.html`, `.htm`, `<!DOCTYPE html`/`<html` | file (main text by Readability, metadata from `<meta>`, JSON-LD, `<time>`) | `path` |
//! | [`Format::Feed`] | `.xml`, `.rss`, `.atom`, `<?xml` + `<rss`/`<feed`/`<rdf` | feed entry (RSS 2.0, Atom, RDF) | `path#ITEM` (1-based) |
//! | [`Format::Warc`] | `.warc`, `.warc.gz`, `WARC/1.` | HTML `response`/`resource` record | `path@OFFSET` |
//!
//! For an uncompressed WARC, `OFFSET` is the byte offset of the record in the file; for a
//! gzip-compressed one (whose offsets the decompressor hides) it is the record's index,
//! starting at 0.
//!
//! # Text encodings ([`decode`])
//!
//! UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark, UTF-16
//! without one (recognised by its NUL bytes), and Windows-1252/Latin-1 mislabelled as
//! UTF-8. Anything else invalid is replaced with U+FFFD. Repairs are reported as a
//! [`Problem`] placed *before* the article, which is still produced. HTML honours the
//! charset of its HTTP `Content-Type` (WARC) or `<meta charset>` when the bytes are not
//! UTF-8.
//!
//! # Walking ([`Walker`])
//!
//! Directories are walked recursively, entries sorted by name (hidden entries, whose name
//! starts with `.`, are skipped), symbolic links followed; a directory or file reached a
//! second time (a symlink loop, the same file named twice) is reported and skipped. The
//! file list is collected up front (so [`Walker::total_bytes`] is known for a progress
//! bar); files are read lazily, one at a time, JSON Lines and uncompressed WARC streamed.
//!
//! # Duplicates
//!
//! [`content_hash`] gives a whitespace-insensitive hash of a text so that re-saved copies
//! of an article can be recognised downstream.
//!
//! # Limits
//!
//! Files read whole (text, HTML, feeds) and WARC records over 256 MiB, and JSON Lines
//! lines over 256 MiB, are skipped with a problem. Pages with more than 100,000 elements
//! or nested more than 1,000 deep skip Readability (whose cost grows faster than linearly
//! with depth) for the tag stripper. A panic inside a third-party parser (HTML, feed,
//! gzip WARC) is caught and reported as a problem.

mod archive;
mod date;
mod decode;
mod feed;
mod format;
mod html;
mod jsonl;
mod text;
mod walk;

use std::fmt;

pub use decode::decode;
pub use format::Format;
pub use jsonl::replace_lone_surrogates;
pub use sitrep_core::Document;
pub use walk::{FileInfo, Walker};

/// An article read from the input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Article {
    pub doc: Document,
    /// Where it came from: `path`, `path:LINE` (JSON Lines), `path#ITEM` (feed entry,
    /// 1-based), `path@OFFSET` (WARC record).
    pub origin: String,
}

/// Something that could not be read, or was read with repairs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where: same forms as [`Article::origin`].
    pub origin: String,
    pub message: String,
}

impl Problem {
    pub fn new(origin: impl Into<String>, message: impl fmt::Display) -> Problem {
        Problem { origin: origin.into(), message: message.to_string() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

impl std::error::Error for Problem {}

/// One thing read: an article or a problem.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Article(Article),
    Problem(Problem),
}

impl Item {
    /// Where the item came from.
    pub fn origin(&self) -> &str {
        match self {
            Item::Article(a) => &a.origin,
            Item::Problem(p) => &p.origin,
        }
    }

    pub fn article(&self) -> Option<&Article> {
        match self {
            Item::Article(a) => Some(a),
            Item::Problem(_) => None,
        }
    }

    pub fn problem(&self) -> Option<&Problem> {
        match self {
            Item::Article(_) => None,
            Item::Problem(p) => Some(p),
        }
    }
}

/// Why something could not be read (the message of a [`Problem`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("cannot read: {0}")]
    Io(#[from] std::io::Error),
    #[error("empty file")]
    Empty,
    #[error("binary data, not text: skipped")]
    Binary,
    #[error("gzip-compressed input is only read as a WARC (.warc.gz): skipped")]
    Compressed,
    #[error("too large ({size} bytes, the limit is {limit}): skipped")]
    TooLarge { size: u64, limit: u64 },
    #[error("more than {limit} bytes (the limit): skipped")]
    TooLargeStream { limit: u64 },
    #[error("{0}, not a file: skipped")]
    NotAFile(&'static str),
    #[error("no article text")]
    NoText,
    #[error("not valid JSON ({0}): record skipped")]
    Json(serde_json::Error),
    #[error("not a JSON object: record skipped")]
    NotObject,
    #[error("no \"text\" field: record skipped")]
    NoTextField,
    #[error("\"text\" is not a string: record skipped")]
    TextNotString,
    #[error("line longer than {0} bytes: record skipped")]
    LineTooLong(usize),
    #[error("not a valid feed ({0})")]
    Feed(String),
    #[error("feed has no entries")]
    EmptyFeed,
    #[error("{0}: rest of the WARC file skipped")]
    Warc(String),
    #[error("{0}")]
    Other(String),
}

/// Reads an in-memory buffer in the given format (used by the HTTP server and fuzzers).
/// `name` stands for the path in ids and origins.
pub fn read_bytes(bytes: &[u8], name: &str, format: Format) -> Vec<Item> {
    match format {
        Format::Text => text::read_text(bytes, name),
        Format::Jsonl => jsonl::read_jsonl_bytes(bytes, name),
        Format::Html => html::read_html(bytes, name),
        Format::Feed => feed::read_feed(bytes, name),
        Format::Warc => archive::read_warc_bytes(bytes, name),
    }
}

/// Streams the records of one JSON Lines file (`-`: standard input), whatever its name:
/// for callers that know the format (`sitrep extract --input`).
pub fn jsonl_file(path: &std::path::Path) -> std::io::Result<Box<dyn Iterator<Item = Item> + Send>> {
    let name = path.display().to_string();
    if path.as_os_str() == "-" {
        let stdin = std::io::BufReader::new(std::io::stdin());
        return Ok(Box::new(jsonl::JsonlReader::new(stdin, &name)));
    }
    if let Some(kind) = std::fs::metadata(path).ok().as_ref().and_then(special_file) {
        return Err(std::io::Error::other(Error::NotAFile(kind)));
    }
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    Ok(Box::new(jsonl::JsonlReader::new(file, &name)))
}

/// A hash of the text that survives re-saving: hex SHA-256 (first 32 hex digits) of the
/// text trimmed, with every whitespace run collapsed to one space.
pub fn content_hash(text: &str) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            h.update(b" ");
        }
        h.update(word.as_bytes());
    }
    let digest = h.finalize();
    let mut out = String::with_capacity(32);
    for b in digest.iter().take(16) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xF)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Runs `f`, turning a panic in a third-party parser into an error message.
pub(crate) fn guarded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|e| {
        let msg = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        format!("internal error in the {what} parser: {msg}")
    })
}

/// The largest file read whole (text, HTML, feeds) and the largest WARC record read.
pub const MAX_WHOLE: u64 = 256 << 20;

/// What a path is when it cannot hold an article: a character or block device
/// (`/dev/zero`), a socket. `None` for regular files, directories and pipes (a pipe is
/// read, within [`MAX_WHOLE`]).
pub fn special_file(m: &std::fs::Metadata) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = m.file_type();
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    let _ = m;
    None
}

/// Reads one whole input (a file, a pipe, `-` for standard input) within [`MAX_WHOLE`]
/// bytes, as `sitrep ingest` does: devices and sockets are refused, and a larger input
/// is an error, not a memory exhaustion.
pub fn read_whole(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    if path.as_os_str() == "-" {
        return read_capped(std::io::stdin().lock());
    }
    let m = std::fs::metadata(path)?;
    if let Some(kind) = special_file(&m) {
        return Err(Error::NotAFile(kind));
    }
    if m.is_dir() {
        return Err(Error::Other("a directory, not a file: skipped (`sitrep ingest` reads directories)".into()));
    }
    if m.is_file() && m.len() > MAX_WHOLE {
        return Err(Error::TooLarge { size: m.len(), limit: MAX_WHOLE });
    }
    read_capped(std::fs::File::open(path)?)
}

/// Reads to the end, at most [`MAX_WHOLE`] bytes (more is [`Error::TooLargeStream`]).
pub(crate) fn read_capped(r: impl std::io::Read) -> Result<Vec<u8>, Error> {
    use std::io::Read;
    let mut bytes = Vec::new();
    r.take(MAX_WHOLE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_WHOLE {
        return Err(Error::TooLargeStream { limit: MAX_WHOLE });
    }
    Ok(bytes)
}
