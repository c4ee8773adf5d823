//! Hardening, round two, end to end through the binary: usage errors, devices as input,
//! read-only and foreign databases, reruns over large directories, absurd tolls and
//! impossible dates. Each test failed before its fix.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn sitrep() -> Command {
    Command::new(env!("CARGO_BIN_EXE_sitrep"))
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn bad_days_and_missing_input_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(dir.path(), "a.txt", "Two soldiers were killed in Gao on Monday.");
    let db = dir.path().join("s.db");
    for day in ["2022-13-45", "2022-02-30", "13/09/2022", "2022-9-1"] {
        let o = run(sitrep().args(["extract", "--published", day]).arg(&t));
        assert_eq!(o.status.code(), Some(2), "extract --published {day}: {}", err(&o));
        let o = run(sitrep().args(["ingest", "--published", day, "--db"]).arg(&db).arg(&t));
        assert_eq!(o.status.code(), Some(2), "ingest --published {day}: {}", err(&o));
        let o = run(sitrep().args(["query", "--from", day, "--db"]).arg(&db));
        assert_eq!(o.status.code(), Some(2), "query --from {day}: {}", err(&o));
    }
    assert!(!db.exists(), "a usage error created the database");
    let o = run(sitrep().args(["extract", "--published", "2024-02-29"]).arg(&t));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let o = run(sitrep().arg("extract"));
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("nothing to read"), "{}", err(&o));
}

#[test]
fn devices_are_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let start = std::time::Instant::now();
    for args in [vec!["extract", "/dev/zero"], vec!["extract", "--input", "/dev/zero"]] {
        let o = run(sitrep().args(&args));
        assert_eq!(o.status.code(), Some(1), "{args:?}: {}", err(&o));
        assert!(err(&o).contains("a character device"), "{args:?}: {}", err(&o));
    }
    let o = run(sitrep().arg("ingest").arg("--db").arg(&db).arg("/dev/zero"));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("/dev/zero: a character device, not a file"), "{}", err(&o));
    assert!(start.elapsed().as_secs() < 20, "reading devices took {:?}", start.elapsed());
}

/// Runs a command as an unprivileged user when this process is root (for whom file
/// permissions do not apply), so that "cannot write" is real.
fn unprivileged(cmd: &mut Command) -> Command {
    let root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0\n")).unwrap_or(false);
    if !root {
        return std::mem::replace(cmd, Command::new("true"));
    }
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(cmd.get_program()).args(cmd.get_args());
    c
}

#[test]
fn read_only_databases_can_be_queried_and_served() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("ro");
    std::fs::create_dir(&base).unwrap();
    let db = base.join("s.db");
    let t = write(dir.path(), "a.txt", "At least 12 people were killed in an attack in Gao on Monday, the army said.");
    let o = run(sitrep().args(["ingest", "--published", "2022-09-13", "--db"]).arg(&db).arg(&t));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    for p in [dir.path(), &base] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    let o = run(&mut unprivileged(sitrep().args(["query", "--db"]).arg(&db)));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let events: Vec<Value> =
        String::from_utf8_lossy(&o.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!events.is_empty(), "{}", err(&o));
    // The server starts on it, answers reads and refuses writes.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child =
        unprivileged(sitrep().args(["serve", "--token", "t", "--addr", &format!("127.0.0.1:{port}"), "--db"]).arg(&db))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
    let get = |req: &str| -> Option<String> {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.write_all(req.as_bytes()).ok()?;
        let mut out = String::new();
        s.read_to_string(&mut out).ok()?;
        Some(out)
    };
    let mut answer = None;
    for _ in 0..100 {
        answer = get("GET /api/events HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        if answer.is_some() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let post = get(
        "POST /api/documents HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"text\":\"x\"}",
    );
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let answer = answer.unwrap_or_default();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}\n{}", err(&out));
    assert!(answer.contains("\"items\":[{"), "{answer}");
    let post = post.unwrap_or_default();
    assert!(post.starts_with("HTTP/1.1 403") && post.contains("read-only"), "{post}");
    for p in [dir.path(), &base] {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn foreign_and_newer_databases_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(dir.path(), "a.txt", "Two soldiers were killed in Gao on Monday.");
    let foreign = dir.path().join("app.db");
    let c = rusqlite::Connection::open(&foreign).unwrap();
    c.execute_batch("CREATE TABLE users (id INTEGER, name TEXT); INSERT INTO users VALUES (1, 'a');").unwrap();
    drop(c);
    // ingest and query give the same message, exit 1.
    let refused = |db: &Path, needle: &str| {
        for args in [vec!["ingest"], vec!["query"]] {
            let mut cmd = sitrep();
            cmd.args(&args).arg("--db").arg(db);
            if args == ["ingest"] {
                cmd.arg(&t);
            }
            let o = run(&mut cmd);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {}", err(&o));
            assert!(err(&o).contains(needle), "{args:?}: {}", err(&o));
            assert!(!err(&o).contains("run `sitrep ingest`"), "{args:?}: {}", err(&o));
        }
    };
    let before = std::fs::read(&foreign).unwrap();
    refused(&foreign, "is not a sitrep database (it holds other tables: users)");
    assert_eq!(std::fs::read(&foreign).unwrap(), before, "the foreign database was changed");
    let c = rusqlite::Connection::open(&foreign).unwrap();
    let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
    assert_eq!(tables, 1);
    // A newer schema: query and ingest say the same thing, and it is right.
    let newer = dir.path().join("newer.db");
    let o = run(sitrep().arg("ingest").arg("--db").arg(&newer).arg(&t));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    rusqlite::Connection::open(&newer).unwrap().pragma_update(None, "user_version", 99).unwrap();
    refused(&newer, "schema version 99, newer than this sitrep knows");
}

#[test]
fn unchanged_files_are_not_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for i in 0..300 {
        write(
            &input,
            &format!("a{i:03}.txt"),
            &format!("{} people were killed in a clash in Gao, report {i}.", i % 9 + 2),
        );
    }
    let db = dir.path().join("s.db");
    let ingest = || run(sitrep().args(["ingest", "--db"]).arg(&db).arg(&input));
    let o = ingest();
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(err(&o).contains("300 articles read") && err(&o).contains("300 added"), "{}", err(&o));
    let o = ingest();
    assert!(err(&o).contains("0 articles read") && err(&o).contains("300 files unchanged since stored"), "{}", err(&o));
    // A changed file is read again; a new one is read.
    write(&input, "a007.txt", "Five people were killed in a clash in Kidal, report seven, revised.");
    write(&input, "new.txt", "Three people were killed in a clash in Menaka.");
    let o = ingest();
    assert!(err(&o).contains("2 articles read") && err(&o).contains("2 added"), "{}", err(&o));
    assert!(err(&o).contains("299 files unchanged"), "{}", err(&o));
}

#[test]
fn absurd_tolls_and_impossible_dates_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(
        dir.path(),
        "a.txt",
        "9223372036854775808 people were killed in Gao on 2022-02-30. 10^400 soldiers were killed in Kidal on 32/13/2022.",
    );
    let o = run(sitrep().args(["extract", "--lang", "en"]).arg(&t));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let r: Value = serde_json::from_slice(&o.stdout).unwrap();
    let counts: Vec<&Value> =
        r["events"].as_array().unwrap().iter().flat_map(|e| e["casualties"].as_array().unwrap()).collect();
    assert!(counts.is_empty(), "absurd figures read as tolls: {counts:?}");
    let diags = r["diagnostics"].to_string();
    for needle in ["\\\"9223372036854775808\\\"", "\\\"10^400\\\"", "\\\"2022-02-30\\\"", "\\\"32/13/2022\\\""] {
        assert!(diags.contains(needle), "no diagnostic for {needle}: {diags}");
    }
    let years: Vec<&Value> = r["events"].as_array().unwrap().iter().map(|e| &e["date"]["value"]).collect();
    assert!(years.iter().all(|y| y.as_str().is_none_or(|y| !y.starts_with("2022"))), "{years:?}");
}

#[test]
fn closed_sets_are_validated_and_nothing_is_created_for_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let t = write(dir.path(), "a.txt", "Two soldiers were killed in Gao on Monday.");
    let db = dir.path().join("s.db");
    // Unsupported languages are usage errors naming the supported ones (from the packs).
    for cmd in ["extract", "ingest"] {
        let mut c = sitrep();
        c.args([cmd, "--lang", "xx"]);
        if cmd == "ingest" {
            c.arg("--db").arg(&db);
        }
        let o = run(c.arg(&t));
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", err(&o));
        assert!(err(&o).contains("ar, de, en, es, fr, it, pt, ru, tr, uk"), "{cmd}: {}", err(&o));
    }
    let o = run(sitrep().args(["extract", "--lang", "EN"]).arg(&t));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let help = String::from_utf8_lossy(&run(sitrep().args(["extract", "--help"])).stdout).into_owned();
    assert!(help.contains("ar, de, en, es, fr, it, pt, ru, tr, uk"), "{help}");
    // Nothing to read: no database appears.
    let o = run(sitrep().args(["ingest", "--db"]).arg(&db).arg(dir.path().join("nonexistent")));
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    assert!(err(&o).contains("not found"), "{}", err(&o));
    assert!(!db.exists(), "ingest of nothing created {}", db.display());
    let o = run(sitrep().args(["ingest", "--db"]).arg(&db).arg(&t));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    // Event types are checked like statuses.
    let o = run(sitrep().args(["query", "--type", "FOO", "--db"]).arg(&db));
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("not a PLOVER event type") && err(&o).contains("ASSAULT"), "{}", err(&o));
    let o = run(sitrep().args(["query", "--type", "assault", "--db"]).arg(&db));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(!o.stdout.is_empty(), "{}", err(&o));
}
