//! Short texts without a language (a headline, a feed summary, one sentence) are read in
//! their language, and their events found (`tests/cases/short_texts.tsv`).

#[test]
fn short_texts_are_read_in_their_language() {
    let cases = include_str!("cases/short_texts.tsv");
    let mut failures = Vec::new();
    let mut n = 0;
    for line in cases.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let Some((lang, text)) = line.split_once('\t') else { continue };
        n += 1;
        let doc = sitrep_core::Document {
            id: "t".into(),
            text: text.into(),
            published: Some("2023-03-02".into()),
            ..Default::default()
        };
        let a = sitrep_extract::analyze(&doc, &sitrep_extract::Config::default());
        if a.lang != Some(lang) || a.events.is_empty() {
            failures.push(format!("{text}: read as {:?}, {} events", a.lang, a.events.len()));
        }
    }
    assert!(n >= 13, "too few cases: {n}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
