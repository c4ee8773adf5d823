//! Fuzz targets for sitrep that assert invariants, not just the absence of panics.
//!
//! Each target is a function of arbitrary bytes that panics (an `assert!`) when an
//! invariant breaks; libFuzzer (`fuzz/`, see `fuzz/README.md`) and the deterministic smoke
//! run (`tests/smoke.rs`) drive the same functions:
//!
//! | target | drives | invariants |
//! |---|---|---|
//! | [`extract`] | `sitrep_extract::analyze` + `sitrep_output` | byte spans in bounds and on char boundaries; JSON spans in code points with matching `text`; required keys; statuses, qualifiers, kinds, `low <= high`; date value grammar; identical bytes on a second run |
//! | [`jsonl`], [`html`], [`feed`], [`warc`] | `sitrep_ingest::read_bytes` | origins name the input and the record; texts not blank; `published` a real `YYYY-MM-DD`; HTML-derived text whitespace-normalised and free of `<script>` contents; same items on a second run |
//! | [`decode`] | `sitrep_ingest::decode` and the plain-text reader | valid UTF-8 comes back unchanged; the text reader returns exactly the decoded text; `content_hash` ignores whitespace; deterministic |
//! | [`numbers_dates`] | `sitrep_text::prepare`, `LangPack::index`, `find_numbers`, `find_dates` | alignment map, tokens and sentences consistent; mention spans equal their tokens' spans; number bounds agree with the qualifier; date values of the TimeML grammar agree with kind and precision; no relative value without a publication date |
//! | [`api_params`] | `sitrep_server::params` | no panic; accepted queries within their documented bounds; accepted documents with a real `YYYY-MM-DD` publication date |
//!
//! Input layout of [`extract`] and [`numbers_dates`] ([`Input`]): the first byte picks the
//! language (`None`, `fr`, `en`, `es`), the bytes up to the first `\n` are a publication
//! date candidate (any bytes), the rest is the article (lossy UTF-8).
//!
//! Bugs that are known and reported but not fixed yet are listed in [`KNOWN`]: a target
//! steps around them (so fuzzing goes on finding new ones) unless `SITREP_FUZZ_STRICT=1`.
//! [`seeds`] gives each target's seed corpus.

pub mod check;
mod seeds;

use std::cell::Cell;
use std::sync::OnceLock;

use serde_json::Value;
use sitrep_core::Document;
use sitrep_ingest::{Article, Format, Item};

use check::{Spans, is_ymd, list, str_of};
pub use seeds::{encode_input, seeds};

/// Every target, by the name its `fuzz/fuzz_targets/<name>.rs` has.
pub const TARGETS: &[&str] = &["extract", "jsonl", "html", "feed", "warc", "decode", "numbers_dates", "api_params"];

/// Runs one target by name (panics on an unknown name).
pub fn run(target: &str, data: &[u8]) {
    match target {
        "extract" => extract(data),
        "jsonl" => jsonl(data),
        "html" => html(data),
        "feed" => feed(data),
        "warc" => warc(data),
        "decode" => decode(data),
        "numbers_dates" => numbers_dates(data),
        "api_params" => api_params(data),
        _ => panic!("unknown fuzz target {target:?}; targets: {}", TARGETS.join(", ")),
    }
}

/// The entry point of the libFuzzer targets (`fuzz/fuzz_targets/*.rs`): runs `target` and
/// aborts (which libFuzzer reports as a crash) when a panic escapes it.
///
/// libfuzzer-sys installs a panic hook that aborts on *every* panic, caught or not; but
/// `sitrep_ingest` deliberately catches panics inside third-party parsers (feed-rs,
/// quick-xml, dom_smoothie, warc) and reports them as problems. So on its first call this
/// replaces that hook with one that only remembers the message and backtrace, and prints
/// them when the panic reaches this function.
pub fn libfuzzer(target: fn(&[u8]), data: &[u8]) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            // Symbolised only if printed (caught panics can be frequent).
            LAST_PANIC.set(Some((info.to_string(), std::backtrace::Backtrace::force_capture())));
        }))
    });
    if std::panic::catch_unwind(|| target(data)).is_err() {
        if let Some((message, trace)) = LAST_PANIC.take() {
            eprintln!("panic escaped the fuzz target: {message}\nstack backtrace:\n{trace}");
        }
        std::process::abort();
    }
}

thread_local! {
    static LAST_PANIC: Cell<Option<(String, std::backtrace::Backtrace)>> = const { Cell::new(None) };
}

/// A known bug outside this crate, reported and not fixed yet: the targets skip the inputs
/// that reach it unless `SITREP_FUZZ_STRICT=1`.
pub struct Known {
    pub id: &'static str,
    /// Where the bug is and what goes wrong.
    pub what: &'static str,
}

/// The known open bugs (reproducers in `tests/regressions/open/`). Empty: the five bugs
/// the seed corpus found (see `tests/regressions/README.md`) are fixed.
pub const KNOWN: &[Known] = &[];

/// Whether an input reaches the known bug `id` (given `reached`) and should be stepped
/// around: true unless [`strict`].
/// Use: `if !known("some-id", cond) { assert!(...) }`, with `some-id` listed in [`KNOWN`].
pub fn known(id: &str, reached: bool) -> bool {
    debug_assert!(KNOWN.iter().any(|k| k.id == id), "unknown bug id {id}");
    reached && !strict()
}

thread_local! {
    static FORCE_STRICT: Cell<bool> = const { Cell::new(false) };
}

/// Whether known bugs are asserted too: `SITREP_FUZZ_STRICT=1`, or inside [`run_strict`].
pub fn strict() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    FORCE_STRICT.get() || *STRICT.get_or_init(|| std::env::var("SITREP_FUZZ_STRICT").is_ok_and(|v| v == "1"))
}

/// [`run`] with the known bugs asserted too (to see whether one is still there).
pub fn run_strict(target: &str, data: &[u8]) {
    struct Reset(bool);
    impl Drop for Reset {
        fn drop(&mut self) {
            FORCE_STRICT.set(self.0);
        }
    }
    let _reset = Reset(FORCE_STRICT.replace(true));
    run(target, data);
}

/// The languages the first byte of an [`Input`] picks from.
pub const LANGS: [Option<&str>; 4] = [None, Some("fr"), Some("en"), Some("es")];

/// The input of [`extract`] and [`numbers_dates`], split from raw bytes.
#[derive(Clone, Debug, PartialEq)]
pub struct Input {
    pub lang: Option<&'static str>,
    /// The publication date candidate (`None` when its line is empty or absent).
    pub published: Option<String>,
    pub text: String,
}

impl Input {
    /// `[lang byte][published bytes]\n[text]`; without a `\n` everything after the first
    /// byte is text.
    pub fn split(data: &[u8]) -> Input {
        let Some((&first, rest)) = data.split_first() else {
            return Input { lang: None, published: None, text: String::new() };
        };
        let lang = LANGS[usize::from(first) % LANGS.len()];
        let (published, text) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (Some(&rest[..i]).filter(|p| !p.is_empty()), &rest[i + 1..]),
            None => (None, rest),
        };
        Input {
            lang,
            published: published.map(|p| String::from_utf8_lossy(p).into_owned()),
            text: String::from_utf8_lossy(text).into_owned(),
        }
    }
}

const STATUSES: &[&str] = &["current", "historical", "future", "hypothetical", "negated"];
const QUALIFIERS: &[&str] = &["exact", "at_least", "more_than", "at_most", "approx", "range"];
const CASUALTY_KINDS: &[&str] = &["killed", "injured", "missing", "captured", "displaced", "arrested"];
const PRECISIONS: &[&str] = &["day", "week", "month", "year"];

/// Extraction and output: see the crate documentation.
pub fn extract(data: &[u8]) {
    let input = Input::split(data);
    let doc = Document { id: "fuzz".into(), text: input.text, published: input.published, ..Document::default() };
    let config = sitrep_extract::Config { lang: input.lang.map(str::to_string), ..Default::default() };
    let a = sitrep_extract::analyze(&doc, &config);
    let spans = Spans::new(&doc.text);
    spans.analysis(&a);
    if let (Some(want), Some(got)) = (input.lang, a.lang) {
        assert_eq!(want, got, "forced language {want} but analysed as {got}");
    }
    // The JSON record: spans in code points, required keys, closed vocabularies.
    let json = sitrep_output::to_json(&doc, &a);
    let chars: Vec<char> = doc.text.chars().collect();
    json_spans_and_keys(&json, &chars);
    // Determinism and the serialised form.
    let once = sitrep_output::to_string(&doc, &a);
    let again = sitrep_extract::analyze(&doc, &config);
    assert!(a == again, "a second analysis of the same document differs");
    assert_eq!(once, sitrep_output::to_string(&doc, &again), "a second run gives different bytes");
    let parsed: Value = serde_json::from_str(&once).unwrap_or_else(|e| panic!("output is not JSON ({e})"));
    assert!(parsed.is_object(), "output is not a JSON object");
    for k in REQUIRED {
        assert!(parsed.get(k).is_some(), "serialised output lacks {k:?}");
    }
}

/// Top-level keys `shared/spec/output.md` requires.
const REQUIRED: [&str; 7] = ["doc", "events", "quantities", "places", "dates", "contradictions", "diagnostics"];

fn json_spans_and_keys(json: &Value, chars: &[char]) {
    check::json_spans(json, chars, &mut String::new());
    for k in REQUIRED {
        let v = json.get(k).unwrap_or_else(|| panic!("record lacks {k:?}"));
        assert!(if k == "doc" { v.is_object() } else { v.is_array() }, "record.{k} has the wrong type");
    }
    let doc = &json["doc"];
    for k in ["id", "lang", "published", "title", "url"] {
        assert!(doc.get(k).is_some(), "record.doc lacks {k:?}");
    }
    let one_of = |v: Option<&str>, set: &[&str], what: &str| {
        assert!(v.is_some_and(|v| set.contains(&v)), "{what}: {v:?} is not one of {set:?}");
    };
    let date = |d: &Value, what: &str| {
        if let Some(p) = d.get("precision").filter(|p| !p.is_null()) {
            one_of(p.as_str(), PRECISIONS, what);
        }
    };
    let n_events = list(json, "events").len();
    for (i, e) in list(json, "events").iter().enumerate() {
        let w = format!("events[{i}]");
        assert_eq!(str_of(e, "id"), Some(format!("fuzz#e{}", i + 1).as_str()), "{w}.id");
        one_of(str_of(e, "status"), STATUSES, &format!("{w}.status"));
        let c = e.get("confidence").and_then(Value::as_f64);
        assert!(c.is_some_and(|c| (0.0..=1.0).contains(&c)), "{w}.confidence {c:?} not in [0, 1]");
        date(&e["date"], &format!("{w}.date"));
        for (k, c) in list(e, "casualties").iter().enumerate() {
            let w = format!("{w}.casualties[{k}]");
            one_of(str_of(c, "status"), STATUSES, &format!("{w}.status"));
            one_of(str_of(c, "kind"), CASUALTY_KINDS, &format!("{w}.kind"));
            if !c["qualifier"].is_null() {
                one_of(str_of(c, "qualifier"), QUALIFIERS, &format!("{w}.qualifier"));
            }
            if let (Some(lo), Some(hi)) = (c["low"].as_u64(), c["high"].as_u64()) {
                assert!(lo <= hi, "{w}: low {lo} > high {hi}");
            }
            date(&c["date"], &format!("{w}.date"));
        }
    }
    for (i, q) in list(json, "quantities").iter().enumerate() {
        one_of(str_of(q, "status"), STATUSES, &format!("quantities[{i}].status"));
        one_of(str_of(q, "qualifier"), QUALIFIERS, &format!("quantities[{i}].qualifier"));
        date(&q["date"], &format!("quantities[{i}].date"));
    }
    for (i, d) in list(json, "dates").iter().enumerate() {
        one_of(str_of(d, "type"), &["DATE", "TIME", "DURATION", "SET"], &format!("dates[{i}].type"));
        date(d, &format!("dates[{i}]"));
    }
    for (i, c) in list(json, "contradictions").iter().enumerate() {
        for k in ["a", "b"] {
            let r = str_of(c, k).and_then(|r| r.strip_prefix("fuzz#e")).and_then(|r| r.split_once("/c"));
            let ok = r.and_then(|(e, _)| e.parse::<usize>().ok()).is_some_and(|e| (1..=n_events).contains(&e));
            assert!(ok, "contradictions[{i}].{k} = {:?} names no event", c.get(k));
        }
    }
}

// ---------------------------------------------------------------------------------------
// Ingest

/// What the reader of one format guarantees about its articles.
struct Rules {
    format: Format,
    /// The text is never blank (JSON Lines takes `"text"` as given).
    non_blank: bool,
    /// The text went through the HTML-to-text conversion (or the feed's plain-text one):
    /// whitespace is normalised, titles trimmed, languages two lower-case letters.
    normalised: bool,
    /// Soft hyphens are dropped (HTML only: plain-text feed entries keep theirs).
    no_soft_hyphen: bool,
    /// Whether an origin is well-formed (`fuzz`, `fuzz:LINE`, `fuzz#ITEM`, `fuzz@OFFSET`).
    origin: fn(&str) -> bool,
}

fn number_after(origin: &str, sep: char) -> Option<u64> {
    origin.strip_prefix("fuzz")?.strip_prefix(sep)?.parse().ok()
}

/// Reads `data` twice in `rules.format`, checks every item, returns the items.
fn ingest(data: &[u8], rules: &Rules) -> Vec<Item> {
    let items = sitrep_ingest::read_bytes(data, "fuzz", rules.format);
    assert!(items == sitrep_ingest::read_bytes(data, "fuzz", rules.format), "a second read gives other items");
    for item in &items {
        let o = item.origin();
        assert!((rules.origin)(o) || (item.problem().is_some() && o == "fuzz"), "malformed origin {o:?}");
        if let Some(a) = item.article() {
            article(a, rules);
        }
    }
    items
}

fn article(a: &Article, rules: &Rules) {
    let d = &a.doc;
    let o = &a.origin;
    if rules.non_blank {
        assert!(!d.text.trim().is_empty(), "{o}: blank article text");
    }
    if let Some(p) = &d.published {
        assert!(is_ymd(p) && p.as_str() >= "1000", "{o}: published {p:?} is not a real YYYY-MM-DD");
    }
    if rules.normalised {
        let t = &d.text;
        assert_eq!(t.trim(), t, "{o}: text not trimmed");
        assert!(t.chars().all(|c| !c.is_whitespace() || c == ' ' || c == '\n'), "{o}: raw whitespace in text");
        for bad in ["  ", " \n", "\n ", "\n\n\n"] {
            assert!(!t.contains(bad), "{o}: text contains {bad:?}");
        }
        if let Some(title) = &d.title {
            assert!(!title.is_empty() && title.trim() == title, "{o}: title {title:?} blank or not trimmed");
        }
        if let Some(l) = &d.lang {
            assert!(l.len() == 2 && l.bytes().all(|b| b.is_ascii_lowercase()), "{o}: language {l:?}");
        }
        assert!(d.url.as_ref().is_none_or(|u| !u.is_empty()), "{o}: empty URL");
        assert!(!d.id.is_empty(), "{o}: empty id");
    }
    if rules.no_soft_hyphen {
        assert!(!d.text.contains('\u{AD}'), "{o}: soft hyphen left in HTML text");
    }
}

/// JSON Lines reader: see the crate documentation.
pub fn jsonl(data: &[u8]) {
    let rules = Rules {
        format: Format::Jsonl,
        non_blank: false,
        normalised: false,
        no_soft_hyphen: false,
        origin: |o| number_after(o, ':').is_some_and(|n| n >= 1),
    };
    let items = ingest(data, &rules);
    // Records come in line order.
    let lines: Vec<u64> = items.iter().filter_map(|i| number_after(i.origin(), ':')).collect();
    assert!(lines.windows(2).all(|w| w[0] <= w[1]), "records out of line order: {lines:?}");
}

const MARKER: &str = "SITREP_FUZZ_MARKER";

/// HTML reader: see the crate documentation. Besides the page itself, reads it again
/// behind a leading `<script>` holding a marker, which no article text may contain.
pub fn html(data: &[u8]) {
    let rules = Rules {
        format: Format::Html,
        non_blank: true,
        normalised: true,
        no_soft_hyphen: true,
        origin: |o| o == "fuzz",
    };
    let items = ingest(data, &rules);
    assert!(items.iter().filter(|i| i.article().is_some()).count() <= 1, "more than one article from one page");
    // A `<script>` at the very start is a script element for any parser, whatever follows.
    // Skipped when the page could spell the marker itself (numeric references, any
    // encoding).
    let spelled = |h: &[u8]| h.windows(11).any(|w| w == b"SITREP_FUZZ") || h.windows(2).any(|w| w == b"&#");
    if spelled(data) || sitrep_ingest::decode(data, "").0.contains("SITREP_FUZZ") {
        return;
    }
    let mut probe = format!("<script>var x = '{MARKER}';</script>").into_bytes();
    probe.extend_from_slice(data);
    for item in ingest(&probe, &rules) {
        if let Some(a) = item.article() {
            assert!(!a.doc.text.contains(MARKER), "script content in the article text: {:?}", a.doc.text);
        }
    }
}

/// Feed reader: see the crate documentation.
pub fn feed(data: &[u8]) {
    let rules = Rules {
        format: Format::Feed,
        non_blank: true,
        normalised: true,
        no_soft_hyphen: false,
        origin: |o| number_after(o, '#').is_some_and(|n| n >= 1),
    };
    let items = ingest(data, &rules);
    let entries: Vec<u64> = items.iter().filter_map(|i| number_after(i.origin(), '#')).collect();
    let expected: Vec<u64> = (1..=entries.len() as u64).collect();
    assert_eq!(entries, expected, "feed entries not numbered 1, 2, ...");
}

/// WARC reader: see the crate documentation. In an uncompressed archive an article's
/// origin is the byte offset of its record, which starts with `WARC/`.
pub fn warc(data: &[u8]) {
    let gzip = data.starts_with(&[0x1F, 0x8B]);
    let rules = Rules {
        format: Format::Warc,
        non_blank: true,
        normalised: true,
        no_soft_hyphen: true,
        origin: |o| number_after(o, '@').is_some(),
    };
    for item in ingest(data, &rules) {
        if let (Some(a), false) = (item.article(), gzip) {
            let at = number_after(&a.origin, '@').and_then(|n| usize::try_from(n).ok()).unwrap_or(usize::MAX);
            assert!(data.get(at..).is_some_and(|r| r.starts_with(b"WARC/")), "{}: no record there", a.origin);
        }
    }
}

/// Decoding and the plain-text reader: see the crate documentation.
pub fn decode(data: &[u8]) {
    let (text, note) = sitrep_ingest::decode(data, "fuzz");
    assert!((text.clone(), note.clone()) == sitrep_ingest::decode(data, "fuzz"), "decode is not deterministic");
    if let Some(n) = &note {
        assert!(n.starts_with("fuzz"), "note {n:?} does not name the input");
    }
    // Valid UTF-8 without a byte-order mark or NUL bytes (which could make it UTF-16) is
    // returned as is; after a UTF-8 byte-order mark, valid UTF-8 is returned as is.
    if let Ok(s) = std::str::from_utf8(data)
        && !data.contains(&0)
        && !s.starts_with('\u{FEFF}')
    {
        assert_eq!((text.as_str(), note.as_deref()), (s, None), "valid UTF-8 changed by decoding");
    }
    if let Some(Ok(s)) = data.strip_prefix(b"\xEF\xBB\xBF").map(std::str::from_utf8) {
        assert_eq!((text.as_str(), note.as_deref()), (s, None), "UTF-8 after a byte-order mark changed");
    }
    // The plain-text reader returns exactly the decoded text, or a problem.
    let items = sitrep_ingest::read_bytes(data, "fuzz", Format::Text);
    let articles: Vec<&Article> = items.iter().filter_map(Item::article).collect();
    assert!(articles.len() <= 1, "more than one article from one text");
    if let Some(a) = articles.first() {
        assert_eq!(a.doc.text, text, "the text reader's text differs from decode's");
        assert!(!text.trim().is_empty(), "an article from a blank text");
        assert_eq!(a.doc.published, None, "a publication date from the name \"fuzz\"");
    }
    for i in &items {
        let o = i.origin();
        assert!(o == "fuzz" || number_after(o, ':').is_some(), "malformed origin {o:?}");
    }
    // The content hash ignores whitespace.
    let h = sitrep_ingest::content_hash(&text);
    assert!(h.len() == 32 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')), "content hash {h:?}");
    let respaced = format!("\n {} \t", text.split_whitespace().collect::<Vec<_>>().join(" \n "));
    assert_eq!(h, sitrep_ingest::content_hash(&respaced), "content hash depends on whitespace");
}

// ---------------------------------------------------------------------------------------
// Numbers and dates

/// Text preparation, numbers and dates: see the crate documentation.
pub fn numbers_dates(data: &[u8]) {
    let input = Input::split(data);
    let original = input.text.as_str();
    let code = input.lang.or_else(|| sitrep_text::detect_language(original, sitrep_lexicon::LANGS)).unwrap_or("en");
    let Some(pack) = sitrep_lexicon::lang_pack(code) else { panic!("no pack for {code}") };
    let text = sitrep_text::prepare(original, &|s| pack.is_abbreviation(s));
    let spans = Spans::new(original);
    spans.text(&text);
    let ix = pack.index(&text);
    let numbers = sitrep_numbers::find_numbers(&ix, pack);
    let n_toks = text.tokens.len();
    for (i, n) in numbers.iter().enumerate() {
        let w = format!("numbers[{i}] {:?}", text.slice(n.span));
        spans.number(n, &w);
        assert!(n.toks.end <= n_toks, "{w}: tokens {:?} of {n_toks}", n.toks);
        assert_eq!(n.span, text.span(n.toks.clone()), "{w}: span is not its tokens' span");
    }
    assert!(numbers.windows(2).all(|w| w[0].toks.start <= w[1].toks.start), "numbers not sorted by position");
    let published = input.published.as_deref().and_then(sitrep_dates::Ymd::parse);
    let dates = sitrep_dates::find_dates(&ix, pack, &numbers, published);
    for (i, d) in dates.iter().enumerate() {
        let w = format!("dates[{i}] {:?}", text.slice(d.span));
        spans.date_mention(d, &w);
        assert!(d.toks.end <= n_toks, "{w}: tokens {:?} of {n_toks}", d.toks);
        assert_eq!(d.span, text.span(d.toks.clone()), "{w}: span is not its tokens' span");
        if published.is_none()
            && let Some(v) = &d.value
        {
            // Weeks and parts of days are only ever relative: no value without publication.
            assert!(!check::needs_publication(v), "{w}: relative value {v:?} without a publication date");
        }
    }
}

// ---------------------------------------------------------------------------------------
// API parameters

/// Query-string and body parsing of the HTTP API: see the crate documentation.
pub fn api_params(data: &[u8]) {
    use sitrep_server::params;
    let s = String::from_utf8_lossy(data);
    let extra = ["limit", "offset"];
    let pairs = params::pairs(Some(&s), &extra);
    if let Ok(p) = &pairs {
        assert!(s.len() <= 4096, "query string of {} bytes accepted", s.len());
        let allowed = |k: &str| extra.contains(&k) || params::FILTERS.contains(&k);
        for (i, (k, _)) in p.iter().enumerate() {
            assert!(allowed(k), "unknown key {k:?} accepted");
            assert!(p[..i].iter().all(|(k2, _)| k2 != k), "repeated key {k:?} accepted");
        }
    }
    if let Ok(q) = params::event_query(Some(&s), &extra) {
        assert!(pairs.is_ok(), "a query accepted whose pairs are not");
        assert!((1..=1000).contains(&q.limit), "limit {}", q.limit);
        assert!(q.offset <= 1 << 40, "offset {}", q.offset);
        for d in [&q.from, &q.to].into_iter().flatten() {
            assert!(is_ymd(d), "from/to {d:?} is not a real YYYY-MM-DD");
        }
        if let (Some(a), Some(b)) = (&q.from, &q.to) {
            assert!(a <= b, "from {a} after to {b}");
        }
        check::country(q.country.as_deref(), "country");
        if let Some(t) = &q.event_type {
            assert!(t.len() <= 32 && t.bytes().all(|b| b.is_ascii_uppercase()), "type {t:?}");
        }
        if let Some(a) = &q.actor {
            assert!(!a.is_empty() && a.chars().count() <= 200 && a.trim() == a, "actor {a:?}");
        }
        if let Some(t) = &q.text {
            assert!(!t.is_empty() && t.chars().count() <= 500 && t.trim() == t, "q {t:?}");
        }
        if let Some((lat, lon, km)) = q.near {
            let ok = (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) && km > 0.0 && km <= 20_000.0;
            assert!(ok, "near {:?} out of bounds", q.near);
        }
    }
    let _ = params::take(Some(&s), "by");
    if params::check_id(&s).is_ok() {
        assert!(!s.is_empty() && s.len() <= 512 && !s.chars().any(char::is_control), "id {s:?} accepted");
    }
    if let Ok(v) = serde_json::from_str::<Value>(&s)
        && let Ok(d) = params::document(&v)
    {
        assert!(!d.text.trim().is_empty(), "blank text accepted");
        if let Some(p) = &d.published {
            assert!(is_ymd(p), "published {p:?} accepted, not a real YYYY-MM-DD");
        }
        assert!(d.id.is_empty() || params::check_id(&d.id).is_ok(), "malformed id {:?} accepted", d.id);
    }
}
