//! The event gate's committed model is what its training script gives today: runs
//! `tools/train/events.py --check` (the rules' features from this build's
//! `gate_features` example, the same corpora, seed and folds), which fails when the
//! rules' features, the corpus or the script changed and the model was not retrained.
//! Also: the gate, repeats dropped, only removes events, never a toll, and never retypes.

use std::path::PathBuf;
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn shared() -> PathBuf {
    let p = repo().join("../shared");
    assert!(p.join("eval").is_dir(), "../shared/eval is missing next to the repository: {}", p.display());
    p
}

/// The `gate_features` example of this build (`cargo test` builds examples beside the
/// test binaries: `target/<profile>/examples/`).
fn example() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile = exe.parent().and_then(|d| d.parent()).expect("target/<profile>");
    let p = profile.join("examples").join(format!("gate_features{}", std::env::consts::EXE_SUFFIX));
    assert!(p.is_file(), "{} is missing (cargo test builds it)", p.display());
    p
}

#[test]
fn committed_model_is_what_training_gives() {
    let out = Command::new("python3")
        .current_dir(repo())
        .args(["tools/train/events.py", "--no-build", "--check", "--shared"])
        .arg(shared())
        .arg("--binary")
        .arg(example())
        .output()
        .expect("run python3 tools/train/events.py");
    assert!(
        out.status.success(),
        "the committed model differs from what training gives:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn gate_keeps_every_toll_and_only_removes_events() {
    let gated = sitrep_extract::Config { drop_repeats: true, ..Default::default() };
    let rules = sitrep_extract::Config { no_gate: true, ..Default::default() };
    let input = std::fs::read_to_string(shared().join("eval/pages_dev/input.jsonl")).unwrap();
    let mut dropped = 0;
    for line in input.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let doc = sitrep_core::Document {
            id: v["id"].as_str().unwrap().to_string(),
            text: v["text"].as_str().unwrap().to_string(),
            lang: v["lang"].as_str().map(str::to_string),
            published: v["published"].as_str().map(str::to_string),
            ..Default::default()
        };
        let a = sitrep_extract::analyze(&doc, &gated);
        let b = sitrep_extract::analyze(&doc, &rules);
        let tolls = |x: &sitrep_core::Analysis| {
            let mut t: Vec<_> =
                x.events.iter().flat_map(|e| e.casualties.iter().map(|c| (c.kind, c.count, c.span))).collect();
            t.sort();
            t
        };
        assert_eq!(tolls(&a), tolls(&b), "{}: the gate changed the tolls", doc.id);
        for e in &a.events {
            assert!(
                b.events.iter().any(|r| r.trigger == e.trigger && r.event_type == e.event_type),
                "{}: the gate made an event the rules did not ({:?})",
                doc.id,
                e.trigger
            );
            assert!((0.0..=1.0).contains(&e.confidence));
        }
        dropped += b.events.len() - a.events.len();
    }
    assert!(dropped > 0, "the gate dropped nothing on pages_dev");
}
