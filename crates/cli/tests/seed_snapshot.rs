//! The seed article (ours, kept in `examples/`) as a golden snapshot of the whole
//! output record. Review changes with `cargo insta review`.

use std::process::Command;

fn extract(args: &[&str]) -> serde_json::Value {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep")).current_dir(root).arg("extract").args(args).output().unwrap();
    assert!(out.status.success(), "sitrep failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn seed_article() {
    let v = extract(&["examples/fr/armenia-azerbaijan-2022-09-13.txt", "--published", "2022-09-13", "--jobs", "1"]);
    insta::assert_json_snapshot!("seed_fr", v);
}

#[test]
fn english_sample() {
    let v = extract(&["examples/en/sample-clashes.txt", "--published", "2022-09-13", "--jobs", "1"]);
    insta::assert_json_snapshot!("sample_en", v);
}

#[test]
fn output_is_deterministic() {
    let a = extract(&["examples/fr/armenia-azerbaijan-2022-09-13.txt", "--published", "2022-09-13"]);
    let b = extract(&["examples/fr/armenia-azerbaijan-2022-09-13.txt", "--published", "2022-09-13"]);
    assert_eq!(a, b);
}
