//! "No language in the code": the analysis crates hold at most the justified string
//! literals that are forms of some pack (ARCHITECTURE.md, "Words left in the analysis
//! code") and no branch on a language code. Counted by `tools/lint/word_literals.py`.

#[test]
fn analysis_code_has_no_language_words() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = std::process::Command::new("python3")
        .current_dir(root)
        .args(["tools/lint/word_literals.py", "--list", "--max", "14", "--max-branches", "0"])
        .output()
        .expect("python3 runs the lint");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "word literals or language branches in analysis code:\n{text}");
    assert!(text.contains("word literals:"), "lint printed nothing: {text}");
}

/// The French and Spanish trigger packs carry the synthetic-future forms of their regular
/// verbs (`tools/data/future_forms.py`; it adds what is missing after a pack changes).
#[test]
fn trigger_packs_have_future_forms() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let out = std::process::Command::new("python3")
        .current_dir(root)
        .args(["tools/data/future_forms.py", "--check"])
        .output()
        .expect("python3 runs the check");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
