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

fn run(lang: &str) {
    let path = format!("{}/tests/cases/{lang}.tsv", env!("CARGO_MANIFEST_DIR"));
    let content = std::fs::read_to_string(&path).unwrap();
    let failures: Vec<String> = content
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let (text, expect) = l.split_once('\t').expect("text<TAB>expect");
            check(lang, text, expect.trim()).err()
        })
        .collect();
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn english_cases() {
    run("en");
}

#[test]
fn french_cases() {
    run("fr");
}

#[test]
fn spanish_cases() {
    run("es");
}
