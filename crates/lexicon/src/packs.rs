//! Which data-pack files exist (shared with the build script).

/// Languages with a data pack under `data/lang/`.
pub const LANGS: &[&str] = &["en", "es", "fr"];

/// The files every language pack has.
pub const LANG_FILES: &[&str] = &[
    "abbreviations",
    "actors",
    "casualty",
    "cues",
    "dates",
    "demonyms",
    "nouns",
    "numbers",
    "qualifiers",
    "speech",
    "triggers",
];

/// Language-independent packs: `(directory, file)`.
pub const GLOBAL_FILES: &[(&str, &str)] =
    &[("actors", "organizations"), ("actors", "people"), ("gazetteer", "names"), ("gazetteer", "places")];

/// Global tables also indexed in each language's combined automaton, after the
/// language's own files (their ids follow `LANG_FILES`).
pub const INDEXED_GLOBAL: &[(&str, &str)] =
    &[("actors", "organizations"), ("actors", "people"), ("gazetteer", "names")];
