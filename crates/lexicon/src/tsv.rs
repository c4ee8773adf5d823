//! The one TSV reader, shared by the build script and the runtime so that row numbers
//! agree between the compiled fst and the parsed rows.

/// Splits a data-pack file into its header and its data rows (comments and blank lines
/// skipped). Row `i` of the result is row `i` everywhere.
#[allow(dead_code)] // the build and the tests; the runtime splits rows one by one (`line_at`)
pub fn parse(content: &str) -> (Vec<&str>, Vec<Vec<&str>>) {
    let header = header(content);
    let rows = data_lines(content).map(|(_, l)| l.split('\t').collect()).collect();
    (header, rows)
}

/// The column names (the first line).
pub fn header(content: &str) -> Vec<&str> {
    content.lines().next().map(|h| h.split('\t').collect()).unwrap_or_default()
}

/// The data rows with the byte offset where each starts: every line after the header
/// that is neither blank nor a comment.
pub fn data_lines(content: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut at = 0;
    content
        .split_inclusive('\n')
        .map(move |raw| {
            let start = at;
            at += raw.len();
            (start, without_eol(raw))
        })
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
}

/// The start offsets of the data rows, as little-endian u32 (what the build writes for
/// the runtime, so that no table is scanned at start-up).
#[allow(dead_code)] // used by the build script
pub fn row_starts(content: &str) -> Vec<u8> {
    data_lines(content).flat_map(|(start, _)| (start as u32).to_le_bytes()).collect()
}

/// The fields of the line starting at `start`.
#[allow(dead_code)] // used by the runtime
pub fn line_at(content: &str, start: usize) -> Vec<&str> {
    let rest = &content[start..];
    let line = rest.split_inclusive('\n').next().unwrap_or(rest);
    without_eol(line).split('\t').collect()
}

/// A line without its `\n` or `\r\n` (as `str::lines` reads it).
fn without_eol(line: &str) -> &str {
    match line.strip_suffix('\n') {
        Some(l) => l.strip_suffix('\r').unwrap_or(l),
        None => line,
    }
}
