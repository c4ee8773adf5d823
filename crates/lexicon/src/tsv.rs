//! The one TSV reader, shared by the build script and the runtime so that row numbers
//! agree between the compiled fst and the parsed rows.

/// Splits a data-pack file into its header and its data rows (comments and blank lines
/// skipped). Row `i` of the result is row `i` everywhere.
pub fn parse(content: &str) -> (Vec<&str>, Vec<Vec<&str>>) {
    let mut lines = content.lines();
    let header: Vec<&str> = lines.next().map(|h| h.split('\t').collect()).unwrap_or_default();
    let rows = lines.filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(|l| l.split('\t').collect()).collect();
    (header, rows)
}
