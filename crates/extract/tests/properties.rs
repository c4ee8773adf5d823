//! Properties of `analyze` on arbitrary text: no panic, every span inside the text and on
//! character boundaries, every span's text is what the span points at, deterministic.

use proptest::prelude::*;
use sitrep_core::{Analysis, Document, Span};

fn spans(a: &Analysis) -> Vec<Span> {
    let mut out = Vec::new();
    for e in &a.events {
        out.push(e.trigger);
        out.push(e.evidence);
        out.extend(e.actors.iter().chain(&e.recipients).chain(e.claimant.iter()).map(|x| x.span));
        out.extend(e.location.iter().map(|p| p.span));
        out.extend(e.date.span);
        for c in &e.casualties {
            out.extend([c.span, c.evidence, c.victims.span]);
            out.extend(c.date.span);
        }
    }
    out.extend(a.places.iter().map(|p| p.span));
    out.extend(a.dates.iter().map(|d| d.span));
    out.extend(a.actors.iter().map(|x| x.span));
    out.extend(a.quotes.iter().flat_map(|q| std::iter::once(q.span).chain(q.speaker.iter().map(|s| s.span))));
    out.extend(a.quantities.iter().flat_map(|q| [q.span, q.evidence]));
    out
}

fn check(text: &str, lang: Option<&str>) {
    let doc = Document {
        id: "p".into(),
        text: text.into(),
        lang: lang.map(str::to_string),
        published: Some("2022-09-13".into()),
        ..Document::default()
    };
    let config = sitrep_extract::Config::default();
    let a = sitrep_extract::analyze(&doc, &config);
    for s in spans(&a) {
        assert!(s.start <= s.end && s.end <= text.len(), "span {s:?} outside a text of {} bytes", text.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end), "span {s:?} not on char boundaries");
    }
    let out = sitrep_output::to_string(&doc, &a);
    assert_eq!(out, sitrep_output::to_string_serde(&doc, &a), "the direct JSON writer differs from serde_json");
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    // Code-point offsets point at the reported text.
    let chars: Vec<char> = text.chars().collect();
    for p in v["places"].as_array().unwrap().iter().chain(v["dates"].as_array().unwrap()) {
        let (s, e) = (p["span"]["start"].as_u64().unwrap() as usize, p["span"]["end"].as_u64().unwrap() as usize);
        assert_eq!(chars[s..e].iter().collect::<String>(), p["span"]["text"].as_str().unwrap());
    }
    assert_eq!(out, sitrep_output::to_string(&doc, &sitrep_extract::analyze(&doc, &config)), "not deterministic");
}

/// The direct JSON writer gives serde_json's bytes on every example article (events,
/// casualties, places with coordinates, quotes, contradictions) and on one with control
/// characters, quotes and backslashes in its evidence.
#[test]
fn direct_json_is_serde_json_on_the_examples() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut n = 0;
    for dir in std::fs::read_dir(root).unwrap().flatten() {
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let text = std::fs::read_to_string(f.path()).unwrap();
            check(&text, None);
            n += 1;
        }
    }
    assert!(n >= 10);
    check("Le 13 septembre, \"49 soldats\" ont été tués\u{1}\t\\ à Erevan.\u{7f}\u{1f}", Some("fr"));
}

/// Words that exercise the lexicons, mixed with arbitrary characters.
fn newsy() -> impl Strategy<Value = String> {
    let words = prop::sample::select(vec![
        "Les",
        "forces",
        "azerbaïdjanaises",
        "ont",
        "tué",
        "au moins",
        "49",
        "soldats",
        "mardi",
        "hier soir",
        "6 600",
        "quarante-neuf",
        "selon",
        "a déclaré que",
        "Haut-Karabakh",
        "Erevan",
        "killed",
        "at least",
        "2,000",
        "troops",
        "said",
        "Tuesday",
        "yesterday",
        "in 2020",
        "Gaza",
        "shelling",
        "ceasefire",
        "no one",
        "was",
        "were",
        "by",
        "Armenian",
        "the",
        "a man",
        ".",
        ",",
        "\n\n",
        "“",
        "”",
        "’",
        "\u{202F}",
        "\u{200B}",
        "é",
        "Ω",
        "🙂",
        "1e9999",
        "31 février",
        "M.",
        "U.S.",
        "—",
    ]);
    prop::collection::vec(prop_oneof![4 => words.prop_map(str::to_string), 1 => any::<String>()], 0..60)
        .prop_map(|v| v.join(" "))
}

proptest! {
    // 256 cases per property in CI; PROPTEST_CASES=N for a longer local run.
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
    ))]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        check(&text, None);
    }

    #[test]
    fn news_like_french(text in newsy()) {
        check(&text, Some("fr"));
    }

    #[test]
    fn news_like_english(text in newsy()) {
        check(&text, Some("en"));
    }
}
