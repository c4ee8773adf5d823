//! Reading articles for `sitrep extract` and `sitrep eval`: plain-text files and JSON Lines,
//! through `sitrep-ingest`'s decoder and JSON Lines reader.

use std::io::Read;
use std::path::Path;

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
