//! Every command over a corpus of hostile inputs generated at test time
//! (`tools/hostile/make_corpus.py`: broken encodings, a 50 MB one-line document, 100,000
//! tiny articles, deep and scripted HTML, a JSONL file broken in the middle, a lone
//! surrogate escape, truncated feeds and WARC, gzip decompression bombs, empty and binary
//! files, symlink loops, unreadable files). Checks: no
//! panic, problems named with file (and line or record), every good article processed,
//! documented exit codes, a store that passes its integrity check.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use serde_json::Value;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The corpus (made once) and what it must yield per file.
fn corpus() -> &'static (PathBuf, Value) {
    static C: OnceLock<(PathBuf, Value)> = OnceLock::new();
    C.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile");
        let _ = std::fs::remove_dir_all(&dir);
        let status = Command::new("python3")
            .arg(repo().join("tools/hostile/make_corpus.py"))
            .arg(&dir)
            .status()
            .expect("python3 runs the corpus generator");
        assert!(status.success());
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
        (dir.join("corpus"), expected)
    })
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// No panic, and exit code 0 (all read) or 1 (problems reported).
fn sane(o: &Output, what: &str) {
    let e = stderr(o);
    assert!(!e.contains("panicked") && !e.contains("RUST_BACKTRACE"), "{what} panicked:\n{e}");
    assert!(matches!(o.status.code(), Some(0) | Some(1)), "{what}: exit {:?}\n{e}", o.status.code());
}

#[test]
fn ingest_everything() {
    let (dir, expected) = corpus();
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("h.db");
    let o = bin().args(["ingest", "--db"]).arg(&db).arg(dir).output().unwrap();
    sane(&o, "ingest");
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "problems must make the exit code 1:\n{e}");
    // Problems name the file, and the line or record.
    for needle in [
        "jsonl/broken-middle.jsonl:6: not valid JSON",
        "jsonl/wrong-types.jsonl:1:",
        "enc/empty.txt: empty file",
        "enc/binary.bin: binary data",
        "enc/invalid-utf8.txt:1: invalid UTF-8",
        "traps/sub/loop: directory already visited",
        "traps/dangling.txt: cannot read",
        "feeds/truncated.rss: not a valid feed",
        "warc/cut-in-half.warc@",
        "warc/bomb.warc.gz@2: cannot read: more than",
        "decompression bomb",
        "warc/claims-8gib.warc.gz@2: truncated WARC record",
        "jsonl/lone-surrogate.jsonl:1: 1 lone UTF-16 surrogate",
    ] {
        assert!(e.contains(needle), "no problem mentioning {needle:?}:\n{e}");
    }
    let odd: Vec<&str> = e.lines().filter(|l| !l.starts_with("sitrep: ") || l.starts_with("sitrep: error:")).collect();
    assert!(odd.is_empty(), "unexpected stderr lines: {odd:#?}");
    // Every good article was read (the unreadable file may be readable by root).
    let summary = e.lines().last().unwrap();
    let read: u64 = summary.split(" articles read").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
    let sure: i64 = expected.as_object().unwrap().values().map(|v| v.as_i64().unwrap().max(0)).sum();
    let maybe = expected.as_object().unwrap().values().filter(|v| v.as_i64() == Some(-1)).count() as i64;
    assert!(
        (sure..=sure + maybe).contains(&(read as i64)),
        "{read} articles read, expected {sure} (+{maybe}):\n{summary}"
    );
    let store = sitrep_store::Store::open(&db).unwrap();
    assert_eq!(store.integrity_check().unwrap(), Vec::<String>::new());
    let dups: u64 = summary.split(" already stored").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
    let added: u64 = summary.split(" added").next().unwrap().rsplit(' ').next().unwrap().parse().unwrap();
    assert_eq!(added + dups, read);
    assert_eq!(store.counts().unwrap().documents, added);
    // The big ones are there, whole.
    let big = store.document(&dir.join("big/single-line-50mb.txt").display().to_string()).unwrap();
    assert!(big["text"].as_str().unwrap().len() >= 50 << 20);
    let sur = store.document("sur").unwrap();
    assert!(sur["text"].as_str().unwrap().contains("Gao \u{FFFD} on"), "{sur}");
    let long = store.document("long").unwrap();
    assert!(long["text"].as_str().unwrap().len() >= 1 << 20);
    // Script in HTML never becomes article text.
    let html = store.document(&dir.join("html/scripts.html").display().to_string()).unwrap();
    let text = html["text"].as_str().unwrap();
    assert!(!text.contains("alert('x')") && !text.contains("injected") && !text.contains("Home | World"), "{text}");
    assert!(text.contains("At least 7 civilians"), "{text}");
    // Query every format over what was stored.
    for f in ["jsonl", "csv", "plover", "geojson"] {
        let o = bin().args(["query", "--format", f, "--db"]).arg(&db).output().unwrap();
        sane(&o, f);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    }
}

#[test]
fn extract_everything() {
    let (dir, expected) = corpus();
    for (name, n) in expected.as_object().unwrap() {
        let n = n.as_i64().unwrap();
        let path = dir.join(name);
        let jsonl = name.ends_with(".jsonl");
        if !jsonl && !name.ends_with(".txt") {
            continue;
        }
        let mut cmd = bin();
        cmd.arg("extract");
        if jsonl {
            cmd.arg("--input");
        }
        let o = cmd.arg(&path).output().unwrap();
        sane(&o, name);
        let records = String::from_utf8_lossy(&o.stdout).lines().count() as i64;
        if n >= 0 && !name.contains("empty") {
            assert_eq!(records, n, "{name}: {}", stderr(&o));
        }
        for line in String::from_utf8_lossy(&o.stdout).lines().take(5) {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(v["events"].is_array() && v["doc"]["id"].is_string(), "{name}");
        }
    }
}

#[test]
fn exit_codes_are_documented() {
    for args in [
        vec!["--help"],
        vec!["extract", "--help"],
        vec!["ingest", "--help"],
        vec!["query", "--help"],
        vec!["serve", "--help"],
    ] {
        let o = bin().args(&args).output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("Exit codes"), "{args:?}:\n{out}");
    }
    // Usage errors are 2.
    assert_eq!(bin().args(["ingest"]).output().unwrap().status.code(), Some(2));
    assert_eq!(bin().args(["query", "--limit-nothing"]).output().unwrap().status.code(), Some(2));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::{BufRead, BufReader};
    let (dir, _) = corpus();
    let mut child = bin()
        .args(["extract", "--input"])
        .arg(dir.join("jsonl-tiny.jsonl"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    // The reader is dropped here, like `| head -1`.
    let out = child.wait_with_output().unwrap();
    assert!(first.starts_with("{\"doc\""));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}
