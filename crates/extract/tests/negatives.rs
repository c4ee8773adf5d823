//! Negative and status cases per language, as data (`tests/cases/<lang>.tsv`): sports
//! "attacks", metaphors, anniversaries, court reports on old events, denials, hypotheses.
//! Each row is a text and one expectation:
//! - `no_current:TYPE` — no current event of that type;
//! - `no_casualty` — no casualty with a count (a count of 0 is not a toll);
//! - `status:S` — every event and casualty of the text has status S (`status:S:TYPE`:
//!   every event of that type, and its casualties);
//! - `casualty:KIND:COUNT:QUALIFIER` — a current casualty with those values.

use sitrep_core::{Document, Status};

fn check(lang: &str, text: &str, expect: &str) -> Result<(), String> {
    let doc = Document {
        id: "case".into(),
        text: text.into(),
        lang: Some(lang.into()),
        published: Some("2022-09-13".into()),
        ..Document::default()
    };
    let a = sitrep_extract::analyze(&doc, &sitrep_extract::Config::default());
    let casualties: Vec<_> = a.events.iter().flat_map(|e| &e.casualties).collect();
    let describe = || {
        a.events
            .iter()
            .map(|e| {
                format!(
                    "{} {:?} {:?}",
                    e.event_type,
                    e.status,
                    e.casualties.iter().map(|c| (c.count, c.status)).collect::<Vec<_>>()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let parts: Vec<&str> = expect.split(':').collect();
    let ok = match parts.as_slice() {
        ["no_current", ty] => !a.events.iter().any(|e| e.event_type.as_str() == *ty && e.status == Status::Current),
        ["no_casualty"] => !casualties.iter().any(|c| c.count.is_some_and(|n| n > 0) && c.status == Status::Current),
        ["status", s] => {
            let any = !a.events.is_empty();
            any && a.events.iter().all(|e| e.status.as_str() == *s)
                && casualties.iter().all(|c| c.status.as_str() == *s)
        }
        ["status", s, ty] => {
            let of_type: Vec<_> = a.events.iter().filter(|e| e.event_type.as_str() == *ty).collect();
            !of_type.is_empty()
                && of_type
                    .iter()
                    .all(|e| e.status.as_str() == *s && e.casualties.iter().all(|c| c.status.as_str() == *s))
        }
        ["casualty", kind, count, q] => casualties.iter().any(|c| {
            c.kind.as_str() == *kind
                && c.count.map(|n| n.to_string()).as_deref() == Some(*count)
                && c.qualifier.map(|x| x.as_str()) == Some(*q)
                && c.status == Status::Current
        }),
        // Exactly `n` events (secondary clauses folded into the main one).
        ["events", n] => a.events.len().to_string() == *n,
        // A current event of this type whose actors and recipients include these
        // countries ("-": any).
        ["event", ty, actor, recipient] => a.events.iter().any(|e| {
            let has = |xs: &[sitrep_core::Actor], c: &str| c == "-" || xs.iter().any(|x| x.country == Some(c));
            e.event_type.as_str() == *ty
                && e.status == Status::Current
                && has(&e.actors, actor)
                && has(&e.recipients, recipient)
        }),
        // No event has an actor of this country (victims are not perpetrators).
        ["no_actor", c] => !a.events.iter().any(|e| e.actors.iter().any(|x| x.country == Some(*c))),
        _ => return Err(format!("unknown expectation {expect:?}")),
    };
    if ok { Ok(()) } else { Err(format!("[{lang}] {expect} failed on {text:?}: {}", describe())) }
}

/// The case files of a language: `tests/cases/<lang>.tsv` (negatives and status
/// cases) and `tests/cases/<lang>/<name>.tsv` (one per trigger pass or stage).
fn case_files(lang: &str) -> Vec<std::path::PathBuf> {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files = vec![dir.join(format!("{lang}.tsv"))];
    if let Ok(rd) = std::fs::read_dir(dir.join(lang)) {
        let mut more: Vec<_> =
            rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "tsv")).collect();
        more.sort();
        files.extend(more);
    }
    files
}

/// Case rows of one file (header and `#` comments skipped).
fn rows(path: &std::path::Path) -> Vec<(String, String)> {
    let content = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    content
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (text, expect) = l.split_once('\t').expect("text<TAB>expect");
            (text.to_string(), expect.trim().to_string())
        })
        .collect()
}

/// The failures of one language's cases.
fn run(lang: &str) -> Vec<String> {
    let mut failures = Vec::new();
    for path in case_files(lang) {
        for (text, expect) in rows(&path) {
            if let Err(e) = check(lang, &text, &expect) {
                failures.push(format!("{}: {e}", path.file_name().unwrap().to_string_lossy()));
            }
        }
    }
    failures
}

/// Every trigger pass has its own cases in every language, and every language has at
/// least as many cases as French (the engine issue's parity rule).
#[test]
fn every_pass_has_cases_in_every_language() {
    let langs = sitrep_lexicon::LANGS;
    let count = |lang: &str| case_files(lang).iter().map(|p| rows(p).len()).sum::<usize>();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut missing = Vec::new();
    for lang in langs {
        for pass in sitrep_extract::pass_names() {
            let f = dir.join(lang).join(format!("{pass}.tsv"));
            if !f.exists() || rows(&f).is_empty() {
                missing.push(format!("{lang}/{pass}.tsv"));
            }
        }
        assert!(count(lang) >= count("fr"), "{lang} has {} cases, French {}", count(lang), count("fr"));
    }
    assert!(missing.is_empty(), "passes without cases: {}", missing.join(", "));
}

/// Every language's cases pass (one test over every pack, so that a new pack needs no
/// Rust edit; each failure names its language and file).
#[test]
fn every_language_passes_its_cases() {
    let failures: Vec<String> = sitrep_lexicon::LANGS.iter().flat_map(|lang| run(lang)).collect();
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}
