//! Bad input never panics, never silently drops a record: problems are reported with
//! file and line, good records are still written, and the exit code says so.

use std::io::Write;
use std::process::{Command, Output};

fn sitrep(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sitrep"));
    cmd.args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        // The program may exit before reading (usage errors): a closed pipe is fine.
        let _ = child.stdin.take().unwrap().write_all(input);
    } else {
        drop(child.stdin.take());
    }
    child.wait_with_output().unwrap()
}

fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sitrep-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn broken_jsonl_lines_are_reported_and_skipped() {
    let p = temp(
        "mixed.jsonl",
        b"{\"id\": \"a\", \"text\": \"Two soldiers were killed in Mali on Monday.\"}\n{not json\n{\"id\": \"c\"}\n\n{\"id\": \"d\", \"text\": \"\"}\n[1, 2]\n{\"id\": \"f\", \"text\": \"Ceasefire talks resumed.\"}\n",
    );
    let out = sitrep(&["extract", "--input", p.to_str().unwrap()], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {err}");
    assert!(err.contains("mixed.jsonl:2: not valid JSON"), "{err}");
    assert!(err.contains("mixed.jsonl:3: no \"text\" field"), "{err}");
    assert!(err.contains("mixed.jsonl:6: not a JSON object"), "{err}");
    let ids: Vec<String> = lines(&out).iter().map(|v| v["doc"]["id"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["a", "d", "f"]);
    let empty = &lines(&out)[1];
    assert!(empty["diagnostics"][0]["message"].as_str().unwrap().contains("empty"));
}

#[test]
fn invalid_utf8_and_binary_junk_are_analysed_with_a_warning() {
    let p = temp("latin1.txt", b"Trois soldats ont \xe9t\xe9 tu\xe9s mardi.\n");
    let out = sitrep(&["extract", p.to_str().unwrap(), "--lang", "fr"], None);
    assert_eq!(out.status.code(), Some(1));
    // Latin-1 saved as if it were UTF-8 is recognised, decoded, and reported.
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("latin1.txt: not valid UTF-8: read as Windows-1252"), "{err}");
    assert_eq!(lines(&out).len(), 1);
    assert_eq!(lines(&out)[0]["events"][0]["casualties"][0]["count"], 3);
    // Bytes that are no encoding at all: U+FFFD, reported with the line.
    let p = temp("broken.txt", b"Two soldiers were killed.\nThen \x81\x8d\x90 junk.\n");
    let out = sitrep(&["extract", p.to_str().unwrap(), "--lang", "en"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.txt:2: invalid UTF-8"), "{err}");
    assert_eq!(lines(&out).len(), 1);

    let junk: Vec<u8> = (0..20_000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let p = temp("junk.bin", &junk);
    let out = sitrep(&["extract", p.to_str().unwrap()], None);
    assert_eq!(lines(&out).len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn stdin_and_missing_files() {
    let out = sitrep(
        &["extract", "-", "--lang", "en", "--published", "2022-09-13"],
        Some("Five people were killed on Tuesday.".as_bytes()),
    );
    assert!(out.status.success());
    let v = &lines(&out)[0];
    assert_eq!(v["events"][0]["casualties"][0]["count"], 5);
    assert_eq!(v["events"][0]["casualties"][0]["date"]["value"], "2022-09-13");

    let out = sitrep(&["extract", "/nonexistent/file.txt", "-"], Some(b"Rien."));
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.txt: cannot read"));
    assert_eq!(lines(&out).len(), 1);
}

#[test]
fn usage_errors() {
    let out = sitrep(&["extract"], None);
    assert_ne!(out.status.code(), Some(0));
    let out = sitrep(&["extract", "-", "--published", "13/09/2022"], Some(b"x"));
    assert_ne!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
}

#[test]
fn a_very_large_document_is_analysed_in_pieces() {
    let mut text = String::new();
    let mut i = 0;
    while text.len() < (1 << 20) * 9 / 4 {
        i += 1;
        text.push_str(&format!(
            "Les combats ont repris mardi près de Bakhmout. Au moins {i} soldats ont été tués.\n\n"
        ));
    }
    let p = temp("large.txt", text.as_bytes());
    let out = sitrep(&["extract", p.to_str().unwrap(), "--lang", "fr", "--published", "2023-01-10"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v = &lines(&out)[0];
    let n = v["events"].as_array().unwrap().len();
    assert!(n > 1000, "events: {n}");
    // Spans point into the original text, as code points.
    let chars: Vec<char> = text.chars().collect();
    for e in v["events"].as_array().unwrap().iter().step_by(97) {
        let (s, t) = (e["trigger"]["start"].as_u64().unwrap() as usize, e["trigger"]["end"].as_u64().unwrap() as usize);
        assert_eq!(chars[s..t].iter().collect::<String>(), e["trigger"]["text"].as_str().unwrap());
    }
}
