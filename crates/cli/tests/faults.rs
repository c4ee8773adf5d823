//! Store faults: the disk fills up, another process holds the database locked. Afterwards
//! the store opens, passes its integrity check, and a rerun holds every article exactly
//! once. (Kills at random moments: `ingest_store.rs`.)

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// One fault test at a time: the lock-wait checks measure time, and the disk-full loop
/// running beside them on a 2-core machine can starve them past the 5 s busy timeout.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn corpus(path: &Path, n: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for i in 0..n {
        let text = format!(
            "Clash in district {i}\n\nAt least {} people were killed and {} injured on Tuesday in fighting near Goma, a local official said in report {i}. {}",
            1 + i % 9,
            2 + i % 4,
            "Residents fled the area as the army sent reinforcements. ".repeat(1 + i % 5)
        );
        let rec = serde_json::json!({"id": format!("f{i}"), "text": text, "published": "2024-02-06"});
        writeln!(f, "{rec}").unwrap();
    }
}

fn ingest(db: &Path, input: &Path, prefix: &str) -> Output {
    // `prefix` runs before exec in a shell: resource limits for fault injection.
    Command::new("bash")
        .arg("-c")
        .arg(format!("{prefix} exec \"$0\" ingest -q --batch 50 --db \"$1\" \"$2\""))
        .arg(env!("CARGO_BIN_EXE_sitrep"))
        .arg(db)
        .arg(input)
        .stdout(Stdio::null())
        .output()
        .unwrap()
}

fn check_store(db: &Path) -> u64 {
    let store = sitrep_store::Store::open(db).unwrap();
    let problems = store.integrity_check().unwrap();
    assert!(problems.iter().all(|p| p.contains("in no event")), "{problems:?}");
    store.counts().unwrap().documents
}

#[test]
fn disk_full_then_resume() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    let n = 1500;
    corpus(&input, n);
    let db = dir.path().join("full.db");
    // Files may not grow past 1 MiB (SIGXFSZ ignored, so writes fail with EFBIG, as on a
    // full disk).
    let o = ingest(&db, &input, "trap '' XFSZ; ulimit -f 1024;");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("cannot write to the database") || err.contains("disk") || err.contains("full"), "{err}");
    let partial = check_store(&db);
    assert!(partial < n as u64, "the limit did not bite ({partial} stored)");
    // Space again: the rerun completes, each article once.
    let o = ingest(&db, &input, "");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(check_store(&db), n as u64);
}

#[test]
fn locked_database_waits_then_fails_clearly() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    corpus(&input, 40);
    let db = dir.path().join("locked.db");
    drop(sitrep_store::Store::open(&db).unwrap());
    // Another process (here: this one) holds the write lock for longer than the 5 s busy
    // timeout: ingest gives up with a clear message and changes nothing.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let o = ingest(&db, &input, "");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("locked") || err.contains("busy"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // The message says how long it really waited (the 5 s busy timeout).
    let waited: f64 = err
        .split("gave up after waiting ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no waiting time in {err}"));
    assert!((4.5..30.0).contains(&waited), "{err}");
    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(check_store(&db), 0);
    // A lock released within the timeout is waited for.
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1500));
        holder.execute_batch("ROLLBACK").unwrap();
    });
    let o = ingest(&db, &input, "");
    release.join().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(check_store(&db), 40);
}

/// Ingests running at the same time into one new database wait for each other instead of
/// failing at once ("waited 5 s" after 0.00 s): every article stored once.
#[test]
fn concurrent_ingests_wait_for_each_other() {
    let _serial = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let inputs: Vec<_> = (0..4)
        .map(|k| {
            let p = dir.path().join(format!("in{k}.jsonl"));
            corpus(&p, 120);
            // Distinct texts per input.
            let text = std::fs::read_to_string(&p).unwrap().replace("report ", &format!("report {k}-"));
            let text = text.replace("\"id\":\"f", &format!("\"id\":\"f{k}-"));
            std::fs::write(&p, text).unwrap();
            p
        })
        .collect();
    let children: Vec<_> = inputs
        .iter()
        .map(|p| {
            Command::new(env!("CARGO_BIN_EXE_sitrep"))
                .args(["ingest", "-q", "--batch", "10", "--db"])
                .arg(&db)
                .arg(p)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    assert_eq!(check_store(&db), 480);
}
