//! `sitrep reanalyze` end to end: a store analysed with one extractor configuration, with
//! analysts' split and merge decisions, brought to another. Every decision is re-attached
//! or listed with its reason; a run killed (SIGKILL, in a loop) and rerun gives the same
//! store as an uninterrupted one; the change report's counts match the store; the old
//! analysis stays queryable; `--dry-run` writes nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

fn sitrep(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep")).args(args).env("USER", "tester").output().unwrap();
    assert!(out.status.success(), "sitrep {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn text(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn lines(out: &Output) -> Vec<Value> {
    text(out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `n` small articles of our own making (so that a run lasts long enough to be killed).
fn corpus(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let text = format!(
            "Clashes near Gao\n\nAt least {} soldiers died and {} were wounded on Monday when gunmen attacked an army post near Gao, the army said in statement {i}. Talks were announced.",
            2 + i % 13,
            1 + i % 4
        );
        let rec = serde_json::json!({"id": format!("g{i}"), "text": text, "published": "2023-03-06"});
        writeln!(f, "{rec}").unwrap();
    }
}

fn db(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The store as a user sees it: events, decisions, archived analyses (less their times).
fn view(p: &Path) -> (String, String, Vec<Value>) {
    let mut analyses = lines(&sitrep(&["reanalyze", "--db", db(p), "--list"]));
    for a in &mut analyses {
        a.as_object_mut().unwrap().retain(|k, _| k != "started" && k != "finished");
    }
    (
        text(&sitrep(&["query", "--status", "any", "--db", db(p)])),
        text(&sitrep(&["decisions", "--db", db(p), "--json"])),
        analyses,
    )
}

#[test]
fn reanalysis_keeps_decisions_survives_kills_and_reports_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("fixture.db");
    let extra = dir.path().join("gao.jsonl");
    corpus(&extra, 400);
    let examples = repo().join("examples");
    sitrep(&["ingest", "-q", "--db", db(&fixture), examples.to_str().unwrap(), extra.to_str().unwrap()]);

    // Analysts' decisions: split one article's reports off the largest event, merge two others.
    let events = lines(&sitrep(&["query", "--status", "any", "--db", db(&fixture)]));
    let big = events.iter().max_by_key(|e| e["n_mentions"].as_u64()).unwrap()["id"].as_str().unwrap().to_string();
    let full: Value =
        serde_json::from_str(&text(&sitrep(&["query", "--status", "any", "--db", db(&fixture), "--event", &big])))
            .unwrap();
    let mentions = full["mentions"].as_array().unwrap();
    let first_doc = &mentions[0]["document"]["id"];
    let split_off: Vec<&str> =
        mentions.iter().filter(|m| &m["document"]["id"] == first_doc).map(|m| m["id"].as_str().unwrap()).collect();
    assert!(split_off.len() < mentions.len());
    let mut args = vec!["split", "--db", db(&fixture), "--by", "alice", &big];
    args.extend(&split_off);
    sitrep(&args);
    let singles: Vec<String> = lines(&sitrep(&["query", "--status", "any", "--db", db(&fixture), "--country", "ARM"]))
        .iter()
        .filter(|e| e["n_mentions"] == 1)
        .take(2)
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(singles.len(), 2);
    sitrep(&["merge", "--db", db(&fixture), &singles[0], &singles[1]]);
    let decided = lines(&sitrep(&["decisions", "--db", db(&fixture), "--json"]));
    assert!(decided.iter().any(|d| d["made_by"] == "alice") && decided.iter().any(|d| d["made_by"] == "tester"));
    let old_events = text(&sitrep(&["query", "--status", "any", "--db", db(&fixture)]));

    // A dry run prints the report and changes nothing.
    let before = std::fs::read(&fixture).unwrap();
    let dry = text(&sitrep(&["reanalyze", "--db", db(&fixture), "--min-confidence", "0.6", "--dry-run"]));
    assert!(dry.contains("events: ") && dry.contains("dry run"), "{dry}");
    assert_eq!(std::fs::read(&fixture).unwrap(), before, "the dry run wrote to the database");

    // Uninterrupted.
    let a = dir.path().join("a.db");
    std::fs::copy(&fixture, &a).unwrap();
    let report_a = dir.path().join("a.json");
    let out = text(&sitrep(&[
        "reanalyze",
        "--db",
        db(&a),
        "--min-confidence",
        "0.6",
        "--report",
        report_a.to_str().unwrap(),
    ]));
    assert_eq!(dry.lines().next(), out.lines().next(), "the dry run reports what the run does");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report_a).unwrap()).unwrap();

    // Every decision re-attached or listed with a reason; none lost.
    let after = lines(&sitrep(&["decisions", "--db", db(&a), "--json"]));
    assert_eq!(after.len(), decided.len());
    let stale = lines(&sitrep(&["decisions", "--db", db(&a), "--stale", "--json"]));
    assert!(!stale.is_empty(), "raising the confidence floor drops reports that decisions name");
    for d in &after {
        assert!(d["state"] == "active" || d["reason"].as_str().is_some_and(|r| r.len() > 10), "{d}");
    }
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap();
    let d = &report["decisions"];
    assert_eq!(n(d, "unchanged") + n(d, "reattached") + n(d, "stale"), decided.len() as u64);
    assert_eq!(n(d, "stale"), stale.len() as u64);
    {
        let store = sitrep_store::Store::open(&a).unwrap();
        let problems = store.integrity_check().unwrap();
        assert!(problems.is_empty(), "{problems:?}");
    }

    // The report's counts match the store.
    let e = &report["events"];
    let now = lines(&sitrep(&["query", "--status", "any", "--db", db(&a)]));
    assert_eq!(n(e, "before"), old_events.lines().count() as u64);
    assert_eq!(n(e, "after"), now.len() as u64);
    assert_eq!(n(e, "before") - n(e, "removed"), n(e, "after") - n(e, "added"));
    assert!(n(e, "removed") > 0, "{e}");
    let mut by_country = std::collections::BTreeMap::<String, u64>::new();
    for c in report["changes"].as_array().unwrap().iter().filter(|c| c["change"] == "removed") {
        *by_country.entry(c["country"].as_str().unwrap_or("unknown").to_string()).or_default() += 1;
    }
    for (country, k) in &by_country {
        assert_eq!(n(&report["by_country"][country], "removed"), *k, "{country}");
    }
    let added_ids: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] != "removed")
        .map(|c| c["after"].as_str().unwrap())
        .collect();
    assert!(added_ids.iter().all(|id| now.iter().any(|e| e["id"] == *id)));
    // The old analysis, as it was.
    assert_eq!(text(&sitrep(&["query", "--status", "any", "--db", db(&a), "--analysis", "1"])), old_events);

    // Killed with SIGKILL at several moments, then rerun: the same store.
    let b = dir.path().join("b.db");
    std::fs::copy(&fixture, &b).unwrap();
    let report_b = dir.path().join("b.json");
    let done = |p: &Path| -> i64 {
        rusqlite::Connection::open(p)
            .and_then(|c| {
                c.busy_timeout(Duration::from_secs(5))?;
                c.query_row("SELECT count(*) FROM documents WHERE analysed_by LIKE '%min-confidence=0.6'", [], |r| {
                    r.get(0)
                })
            })
            .unwrap_or(0)
    };
    let mut kills = 0;
    loop {
        let seen = done(&b);
        let mut child = Command::new(env!("CARGO_BIN_EXE_sitrep"))
            .args(["reanalyze", "-q", "--db", db(&b), "--min-confidence", "0.6", "--batch", "3", "-j", "1"])
            .arg("--report")
            .arg(&report_b)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        // Kill once it has committed a few batches past where it started.
        while child.try_wait().unwrap().is_none() && done(&b) < seen + 30 && start.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_millis(2));
        }
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        let store = sitrep_store::Store::open(&b).unwrap();
        assert!(store.integrity_check().unwrap().iter().all(|p| p.contains("in no event")), "after kill {kills}");
    }
    assert!(kills >= 2, "the run finished before it could be killed: make the corpus larger");
    assert!(report_b.exists());
    assert_eq!(view(&b), view(&a), "killed {kills} times and rerun");
    assert_eq!(std::fs::read_to_string(&report_b).unwrap(), std::fs::read_to_string(&report_a).unwrap());
    eprintln!("{kills} kills");

    // Nothing left to do; back to the default floor, the dropped reports return and the
    // decisions that named them apply again.
    let again = text(&sitrep(&["reanalyze", "--db", db(&a), "--min-confidence", "0.6"]));
    assert!(again.contains("nothing to do"), "{again}");
    sitrep(&["reanalyze", "-q", "--db", db(&a)]);
    assert!(lines(&sitrep(&["decisions", "--db", db(&a), "--stale", "--json"])).is_empty());
    assert_eq!(text(&sitrep(&["query", "--status", "any", "--db", db(&a)])), old_events);
    assert_eq!(lines(&sitrep(&["reanalyze", "--db", db(&a), "--list"])).len(), 2);
    // Forgetting an archived analysis deletes it and keeps its report listed.
    sitrep(&["reanalyze", "--db", db(&a), "--forget", "1"]);
    let gone = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["query", "--status", "any", "--db", db(&a), "--analysis", "1"])
        .output();
    assert!(String::from_utf8_lossy(&gone.unwrap().stderr).contains("archived analyses: [2]"));
    let listed = lines(&sitrep(&["reanalyze", "--db", db(&a), "--list"]));
    assert_eq!((listed[0]["kept"].as_bool(), listed[1]["kept"].as_bool()), (Some(false), Some(true)));
    assert_eq!(listed[0]["changes"], report["events"]);

    // Ingest says when stored articles were analysed otherwise.
    let note = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .args(["ingest", "--db", db(&b), examples.join("fr").to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&note.stderr);
    assert!(err.contains("sitrep reanalyze --db"), "{err}");
}
