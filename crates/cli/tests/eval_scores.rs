//! Quality as regression tests: extraction runs over every dev set in `../shared/eval`
//! (read at test time, never copied into the repo) and the scorer's figures must stay at
//! or above these floors. Floors are the minimums where sitrep meets them, and
//! just under the measured figure elsewhere (so a drop fails; raise them as quality
//! improves).

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;

fn shared() -> PathBuf {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    assert!(p.join("eval").is_dir(), "../shared/eval is missing next to the repository: {}", p.display());
    p
}

/// Runs `sitrep eval` once for all tests and returns the output folder.
fn scores_dir() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("eval");
        let status = Command::new(env!("CARGO_BIN_EXE_sitrep"))
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .arg("eval")
            .arg("--shared")
            .arg(shared())
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run sitrep eval");
        assert!(status.success(), "sitrep eval failed");
        out
    })
}

fn facet(set: &str, facet: &str) -> Value {
    let path = scores_dir().join(format!("{set}.score.json"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("score file")).unwrap();
    v["facets"][facet].clone()
}

/// `check("set", "facet", "key.path", floor)`: the figure must be at least `floor`.
fn check(set: &str, facet_name: &str, path: &str, floor: f64) {
    let mut v = facet(set, facet_name);
    for k in path.split('.') {
        v = v[k].clone();
    }
    let got = v.as_f64().unwrap_or_else(|| panic!("{set}/{facet_name}/{path} missing"));
    assert!(got >= floor, "{set} {facet_name} {path} = {got:.3}, below the floor {floor}");
}

/// Clustering quality of event fusion (`sitrep eval`'s fusion table).
fn fusion(set: &str, metric: &str, key: &str, floor: f64) {
    let v: Value =
        serde_json::from_str(&std::fs::read_to_string(scores_dir().join("fusion.score.json")).unwrap()).unwrap();
    let got = v[set][metric][key].as_f64().unwrap_or_else(|| panic!("fusion {set} {metric} {key} missing"));
    assert!(got >= floor, "fusion {set} {metric} {key} = {got:.3}, below the floor {floor}");
}

#[test]
fn event_fusion() {
    // Own articles: one clash reported in French, English and Spanish.
    fusion("examples", "pairwise", "f1", 1.0);
    // GVDB: hand-labelled same-incident groups (data/eval/fusion/gvdb_incidents.tsv).
    fusion("gvdb_dev", "pairwise", "precision", 0.75);
    fusion("gvdb_dev", "pairwise", "f1", 0.72);
    fusion("gvdb_dev", "b3", "f1", 0.97);
    // UCDP: every headline a different event, so merges are errors.
    fusion("ucdp_car_fr_dev", "b3", "precision", 0.98);
}

/// Real web reports of a dozen incidents in several languages, with distractors
/// (`../shared/fusion/fusion_dev`, its own scorer): no wrong merge, and recall that
/// only grows.
#[test]
fn fusion_across_languages_on_real_reports() {
    let script = shared().join("fusion/fusion_dev/score_fusion.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_sitrep"))
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .expect("run score_fusion.py");
    let log = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{log}");
    let figure = |key: &str| -> f64 {
        let line = log.lines().find(|l| l.trim_start().starts_with("pairwise")).unwrap_or_else(|| panic!("{log}"));
        let at = line.find(&format!("{key}=")).unwrap_or_else(|| panic!("{line}")) + key.len() + 1;
        line[at..].split_whitespace().next().and_then(|x| x.parse().ok()).unwrap_or_else(|| panic!("{line}"))
    };
    assert!(figure("P") >= 1.0, "a wrong merge:\n{log}");
    assert!(figure("F1") >= 0.22, "pairwise F1 {} below 0.22:\n{log}", figure("F1"));
    assert!(log.contains("wrongly merged with another group: 0"), "a distractor merged:\n{log}");
}

#[test]
fn seed_article() {
    check("seed", "casualties", "recall", 1.0);
    for attr in ["qualifier", "victims_country", "victims_sector", "claimant", "status"] {
        check("seed", "casualties", &format!("attributes.{attr}.accuracy"), 1.0);
    }
    check("seed", "contradictions", "recall", 1.0);
    check("seed", "events", "recall", 0.8);
    check("seed", "events", "precision", 0.7);
    check("seed", "quantities", "recall", 1.0);
    check("seed", "places", "recall", 1.0);
}

#[test]
fn geoparsing() {
    check("geoparsing_gwn", "places", "attributes.country.accuracy", 0.9);
    check("geoparsing_gwn", "places", "f1", 0.75);
}

#[test]
fn french_conflict_headlines() {
    check("ucdp_car_fr_dev", "events", "f1", 0.92);
    check("ucdp_car_fr_dev", "casualties", "f1", 0.92);
}

#[test]
fn french_dates() {
    check("fr_timebank_dev", "dates", "f1", 0.84);
    check("fr_timebank_dev", "dates", "attributes.value.accuracy", 0.8);
}

#[test]
fn english_casualties() {
    check("gvdb_dev", "casualties", "f1", 0.7);
    check("plover_gsr", "casualties", "f1", 0.85);
}

#[test]
fn spanish_events() {
    // The Spanish pack is data only (no Spanish-specific code). Its gold codes several
    // events per sentence, nouns included, so folding secondary clauses costs it a little.
    // (0.406 before the seven new languages, 0.404 since: the gazetteer's new common-word
    // flags and country names moved a few actors; see the issue notes.)
    check("universalpetrarch_es", "events", "f1", 0.40);
}

#[test]
fn english_events() {
    // Above the issue minimum (PLOVER GSR event F1 ≥ 0.6).
    check("plover_gsr", "events", "f1", 0.63);
    check("wikievents_dev", "events", "f1", 0.72);
}

/// The spans of every role of one output record (events' actors, recipients and
/// claimants; casualties' perpetrators and claimants), with what they are.
fn role_spans(record: &Value) -> Vec<(String, i64, i64, String)> {
    let mut out = Vec::new();
    let mut push = |what: &str, a: &Value| {
        if let (Some(s), Some(e)) = (a["span"]["start"].as_i64(), a["span"]["end"].as_i64()) {
            out.push((what.to_string(), s, e, a["span"]["text"].as_str().unwrap_or("").to_string()));
        }
    };
    for e in record["events"].as_array().into_iter().flatten() {
        for role in ["actors", "recipients"] {
            for a in e[role].as_array().into_iter().flatten() {
                push(role, a);
            }
        }
        push("claimant", &e["claimant"]);
        for c in e["casualties"].as_array().into_iter().flatten() {
            push("perpetrator", &c["perpetrator"]);
            push("casualty claimant", &c["claimant"]);
        }
    }
    out
}

/// Roles that overlap a trigger of the same record, described.
fn overlaps(record: &Value) -> Vec<String> {
    let triggers: Vec<(i64, i64, String)> = record["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let t = &e["trigger"];
            Some((t["start"].as_i64()?, t["end"].as_i64()?, t["text"].as_str().unwrap_or("").to_string()))
        })
        .collect();
    let id = record["doc"]["id"].as_str().unwrap_or("?");
    role_spans(record)
        .into_iter()
        .filter_map(|(what, s, e, text)| {
            let t = triggers.iter().find(|t| s < t.1 && t.0 < e)?;
            Some(format!("{id}: {what} {text:?} overlaps trigger {:?}", t.2))
        })
        .collect()
}

/// Roles are participants: on every dev set, no actor, recipient or claimant span
/// overlaps an event trigger (ARCHITECTURE.md, invariants).
#[test]
fn no_role_overlaps_a_trigger_on_the_dev_sets() {
    let mut bad = Vec::new();
    let mut records = 0;
    for entry in std::fs::read_dir(scores_dir()).unwrap() {
        let path = entry.unwrap().path();
        if !path.to_string_lossy().ends_with(".pred.jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap();
            records += 1;
            bad.extend(overlaps(&v));
        }
    }
    assert!(records > 3000, "only {records} predicted records read");
    assert!(bad.is_empty(), "{} role span(s) overlap a trigger:\n{}", bad.len(), bad.join("\n"));
}

/// The same on the examples (the seed article in three languages, and a sample).
#[test]
fn no_role_overlaps_a_trigger_on_the_examples() {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples"));
    let mut files = Vec::new();
    for lang in std::fs::read_dir(&root).unwrap() {
        for f in std::fs::read_dir(lang.unwrap().path()).unwrap() {
            files.push(f.unwrap().path());
        }
    }
    files.sort();
    assert!(files.len() >= 4);
    let mut bad = Vec::new();
    for f in &files {
        let out = Command::new(env!("CARGO_BIN_EXE_sitrep"))
            .arg("extract")
            .arg(f)
            .arg("--published")
            .arg("2022-09-13")
            .output()
            .expect("run sitrep extract");
        assert!(out.status.success(), "extract failed on {}", f.display());
        for line in String::from_utf8_lossy(&out.stdout).lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).unwrap();
            assert!(!v["events"].as_array().unwrap().is_empty(), "no events in {}", f.display());
            bad.extend(overlaps(&v));
        }
    }
    assert!(bad.is_empty(), "{} role span(s) overlap a trigger:\n{}", bad.len(), bad.join("\n"));
}

/// The F1 of one facet for one language of a multilingual set (`tools/eval/per_lang.py`).
fn per_lang_f1(set: &str, lang: &str, facet_name: &str) -> f64 {
    let root = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let pred = scores_dir().join(format!("{set}.pred.jsonl"));
    let out = Command::new("python3")
        .current_dir(&root)
        .arg("tools/eval/per_lang.py")
        .arg(set)
        .arg("--pred")
        .arg(&pred)
        .arg("--shared")
        .arg(shared())
        .arg("--facets")
        .arg(facet_name)
        .output()
        .expect("python3 runs per_lang.py");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut in_lang = false;
    for line in text.lines() {
        if line.starts_with("== ") {
            in_lang = line.contains(&format!("[{lang}]"));
        } else if in_lang && line.starts_with(facet_name) {
            let cols: Vec<&str> = line.split_whitespace().collect();
            return cols.get(8).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no F1 in {line:?}"));
        }
    }
    panic!("no {facet_name} table for [{lang}] in per_lang.py output:\n{text}");
}

#[test]
fn spanish_real_news_casualties() {
    // The engine issue's minimum for Spanish real news (pages_dev, lang es).
    let f1 = per_lang_f1("pages_dev", "es", "casualties");
    assert!(f1 >= 0.85, "pages_dev [es] casualties F1 = {f1:.3}, below 0.85");
    let en = per_lang_f1("pages_dev", "en", "casualties");
    assert!(en >= 0.83, "pages_dev [en] casualties F1 = {en:.3}, below 0.83");
}

/// The seven-languages issue's minimums where they are met today (real news, pages_dev):
/// casualties F1 ≥ 0.70 in every new language, places F1 ≥ 0.60 where reached, Arabic
/// events; and arabic_event_gsr events F1 ≥ 0.50. Floors sit a little under today's
/// figures so that a regression, not noise, fails.
#[test]
fn new_languages_real_news() {
    for (lang, cas, places) in [
        ("ar", 0.85, 0.60),
        ("de", 0.88, 0.63),
        ("it", 0.90, 0.63),
        ("pt", 0.75, 0.70),
        ("ru", 0.85, 0.85),
        ("tr", 0.85, 0.70),
        ("uk", 0.90, 0.40),
    ] {
        let f1 = per_lang_f1("pages_dev", lang, "casualties");
        assert!(f1 >= cas, "pages_dev [{lang}] casualties F1 = {f1:.3}, below {cas}");
        let f1 = per_lang_f1("pages_dev", lang, "places");
        assert!(f1 >= places, "pages_dev [{lang}] places F1 = {f1:.3}, below {places}");
    }
    let ar = per_lang_f1("pages_dev", "ar", "events");
    assert!(ar >= 0.50, "pages_dev [ar] events F1 = {ar:.3}, below 0.50");
    check("arabic_event_gsr", "events", "f1", 0.60);
}
