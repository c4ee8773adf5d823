//! `sitrep query --as-of`: the exports and one event as they stood after each ingest,
//! replayed against what `sitrep query` printed at the time.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn now() -> String {
    let micros = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_micros();
    sitrep_store::format_micros(micros as i64)
}

fn ingest(db: &Path, files: &[&str]) -> String {
    let out = bin().args(["ingest", "-q", "--db"]).arg(db).args(files).current_dir(repo()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::thread::sleep(std::time::Duration::from_millis(2));
    let t = now();
    std::thread::sleep(std::time::Duration::from_millis(2));
    t
}

fn query(db: &Path, args: &[&str]) -> String {
    let out = bin().args(["query", "--db"]).arg(db).args(["--status", "any"]).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn query_as_of_replays_each_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let t1 = ingest(&db, &["examples/de/kramatorsk-2022-04-08.txt"]);
    let (jsonl1, csv1) = (query(&db, &[]), query(&db, &["--format", "csv"]));
    let t2 = ingest(&db, &["examples/pt/kramatorsk-2022-04-08.txt", "examples/tr/kramatorsk-2022-04-08.txt"]);
    let (jsonl2, csv2) = (query(&db, &[]), query(&db, &["--format", "csv"]));
    assert_ne!(jsonl1, jsonl2);
    for (t, jsonl, csv) in [(&t1, &jsonl1, &csv1), (&t2, &jsonl2, &csv2)] {
        assert_eq!(&query(&db, &["--as-of", t]), jsonl, "as of {t}");
        assert_eq!(&query(&db, &["--as-of", t, "--format", "csv"]), csv, "csv as of {t}");
    }
    // The strike on the station, fused across the three reports now, had one then.
    let events: Vec<serde_json::Value> = jsonl2.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let fused =
        events.iter().max_by_key(|e| (e["n_documents"].as_i64(), e["id"].as_str().map(str::to_string))).unwrap();
    assert!(fused["n_documents"].as_i64().unwrap() >= 2, "{fused}");
    let id = fused["id"].as_str().unwrap();
    let then: serde_json::Value = serde_json::from_str(&query(&db, &["--event", id, "--as-of", &t1])).unwrap();
    assert_eq!(then["n_documents"], 1, "{then}");
    assert_eq!(then["mentions"].as_array().unwrap().iter().filter(|m| m["document"]["lang"] != "de").count(), 0);
    // Before anything was stored: nothing; a time that is not one: a usage error.
    assert_eq!(query(&db, &["--as-of", "2000-01-01"]), "");
    let bad = bin().args(["query", "--db"]).arg(&db).args(["--as-of", "last tuesday"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--as-of"));
}
