//! Reading articles for `sitrep extract` and `sitrep eval`: plain-text files and JSON Lines,
//! through `sitrep-ingest`'s decoder and JSON Lines reader.

use std::path::Path;

use anyhow::{Context, Result};
use sitrep_core::Document;

/// Reads a text file (`-` is standard input). Invalid UTF-8 is replaced (U+FFFD) and
/// reported as a problem; UTF-16 with a byte-order mark is decoded.
/// Devices are refused and inputs over `sitrep_ingest::MAX_WHOLE` skipped, as `ingest`
/// does.
pub fn read_text_file(path: &Path) -> Result<(String, Option<String>)> {
    let name = if path.as_os_str() == "-" { "standard input".to_string() } else { path.display().to_string() };
    let bytes = sitrep_ingest::read_whole(path).with_context(|| name.clone())?;
    Ok(decode(&bytes, &path.display().to_string()))
}

/// Decodes bytes to text (BOMs, UTF-16, Latin-1 mislabelled as UTF-8), saying what was
/// repaired: `sitrep_ingest::decode`.
pub fn decode(bytes: &[u8], name: &str) -> (String, Option<String>) {
    sitrep_ingest::decode(bytes, name)
}

/// The documents of a JSON Lines file, or problems naming the file and line.
pub fn jsonl(path: &Path) -> Result<impl Iterator<Item = std::result::Result<Document, String>>> {
    let items = sitrep_ingest::jsonl_file(path).with_context(|| format!("{}: cannot open", path.display()))?;
    Ok(items.map(|item| match item {
        sitrep_ingest::Item::Article(a) => Ok(a.doc),
        sitrep_ingest::Item::Problem(p) => Err(p.to_string()),
    }))
}
