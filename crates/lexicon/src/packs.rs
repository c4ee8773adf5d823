//! Which data-pack files exist (shared with the build script). The languages are not
//! listed here: `build.rs` discovers every folder under `data/lang/` and generates the
//! list (`LANGS`) and the packs' statics.

/// The files every language pack has, indexed together in the language's combined
/// automaton (their order is their table id).
pub const LANG_FILES: &[&str] = &[
    "abbreviations",
    "actors",
    "casualty",
    "cues",
    "dates",
    "demonyms",
    "grammar",
    "nouns",
    "numbers",
    "qualifiers",
    "speech",
    "triggers",
];

/// Pack files that are read, not matched in text: `settings` (`key value`) and
/// `suffixes` (`suffix class`).
pub const PLAIN_FILES: &[&str] = &["settings", "suffixes"];

/// Language-independent packs: `(directory, file)`.
pub const GLOBAL_FILES: &[(&str, &str)] =
    &[("actors", "organizations"), ("actors", "people"), ("gazetteer", "names"), ("gazetteer", "places")];

/// Global tables also indexed in each language's combined automaton, after the
/// language's own files (their ids follow `LANG_FILES`).
pub const INDEXED_GLOBAL: &[(&str, &str)] =
    &[("actors", "organizations"), ("actors", "people"), ("gazetteer", "names")];
