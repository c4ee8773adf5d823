//! One rule across commands: what counts as a problem (exit 1), and one default status
//! (current) for `query`, as for the API, the dashboard and Python.

use std::process::Command;

fn sitrep(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sitrep")).args(args).output().unwrap()
}

#[test]
fn a_latin1_file_is_the_same_problem_for_extract_and_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("latin1.txt");
    std::fs::write(&file, b"Caf\xe9 de la gare : deux soldats ont \xe9t\xe9 tu\xe9s lundi \xe0 Gao.\n").unwrap();
    let f = file.to_str().unwrap();
    let db = dir.path().join("s.db");
    let extract = sitrep(&["extract", f]);
    let ingest = sitrep(&["ingest", "-q", "--db", db.to_str().unwrap(), f]);
    for (what, out) in [("extract", &extract), ("ingest", &ingest)] {
        assert_eq!(out.status.code(), Some(1), "{what}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("Latin-1"), "{what}");
    }
    // Still analysed and stored.
    assert!(String::from_utf8_lossy(&extract.stdout).contains("\"events\""));
    for cmd in ["extract", "ingest"] {
        let help = String::from_utf8(sitrep(&[cmd, "--help"]).stdout).unwrap();
        assert!(help.contains("not valid UTF-8 (read as Latin-1"), "{cmd} --help");
    }
}

#[test]
fn query_defaults_to_current_events() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let seed = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/fr/armenia-azerbaijan-2022-09-13.txt");
    assert!(
        sitrep(&["ingest", "-q", "--db", db.to_str().unwrap(), "--published", "2022-09-13", seed]).status.success()
    );
    let statuses = |extra: &[&str]| -> Vec<String> {
        let mut args = vec!["query", "--db", db.to_str().unwrap()];
        args.extend(extra);
        let out = sitrep(&args);
        assert!(out.status.success());
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["status"].as_str().unwrap().to_string())
            .collect()
    };
    let default = statuses(&[]);
    assert!(!default.is_empty() && default.iter().all(|s| s == "current"), "{default:?}");
    let all = statuses(&["--status", "any"]);
    assert!(all.iter().any(|s| s == "historical"), "the 2020 war is there when asked: {all:?}");
    assert_eq!(statuses(&["--status", "current"]), default);
    let help = String::from_utf8(sitrep(&["query", "--help"]).stdout).unwrap();
    assert!(help.contains("default: current"));
}
