//! Which data-pack files exist (shared with the build script).

/// Languages with a data pack under `data/lang/`.
pub const LANGS: &[&str] = &["en", "fr"];

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
