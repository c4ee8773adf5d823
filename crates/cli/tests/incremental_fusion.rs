//! Incremental fusion against full fusion, on real reports: the dev sets' articles
//! ingested batch by batch in publication order (each batch fuses only its new mentions
//! and those they can meet) give the same events as one full fusion of the same store,
//! or very nearly (a re-fused neighbourhood can settle differently at its edge).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn shared() -> PathBuf {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    assert!(p.join("eval").is_dir(), "../shared/eval is missing next to the repository: {}", p.display());
    p
}

/// Pairs of mentions in one event.
fn together(db: &Path) -> BTreeSet<(String, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare("SELECT em.event, m.key FROM event_members em JOIN mentions m ON m.id = em.mention ORDER BY m.key")
        .unwrap();
    let rows: Vec<(String, String)> =
        st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().collect::<Result<_, _>>().unwrap();
    let mut by_event: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (e, k) in rows {
        by_event.entry(e).or_default().push(k);
    }
    let mut out = BTreeSet::new();
    for ks in by_event.values() {
        for (i, a) in ks.iter().enumerate() {
            for b in &ks[i + 1..] {
                out.insert((a.clone(), b.clone()));
            }
        }
    }
    out
}

fn ingest(db: &Path, file: &Path, extra: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_sitrep"))
        .arg("ingest")
        .arg(file)
        .arg("--db")
        .arg(db)
        .args(["-j", "1"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// Reports of our own making: 144 incidents at twelve places, one every other day at
/// each place over March, each told by three articles (the same day, the next day with
/// "yesterday", and a dated follow-up).
fn own_reports() -> Vec<serde_json::Value> {
    let places = [
        "Kidal",
        "Gao",
        "Mopti",
        "Tombouctou",
        "Bamako",
        "Ménaka",
        "Ségou",
        "Kayes",
        "Sikasso",
        "Koulikoro",
        "Djenné",
        "Bandiagara",
    ];
    let mut out = Vec::new();
    for j in 0..144usize {
        let place = places[j % places.len()];
        let d = 1 + 2 * (j / places.len());
        let killed = 2 + j % 17;
        let date = format!("2023-03-{d:02}");
        let next = format!("2023-03-{:02}", d + 1);
        let texts = [
            (
                date.clone(),
                format!("Gunmen attacked an army post near {place} today, killing {killed} soldiers, the army said."),
            ),
            (
                next.clone(),
                format!(
                    "At least {killed} soldiers were killed yesterday when gunmen attacked an army post near {place}, officials said."
                ),
            ),
            (
                next,
                format!(
                    "The attack on {d} March near {place} killed {killed} soldiers, a local official said on report {j}."
                ),
            ),
        ];
        for (k, (published, text)) in texts.into_iter().enumerate() {
            out.push(serde_json::json!({"id": format!("own-{j}-{k}"), "published": published, "text": text}));
        }
    }
    out
}

#[test]
fn batch_by_batch_fusion_matches_full_fusion() {
    let mut docs = own_reports();
    for set in ["fusion/fusion_dev/articles.jsonl", "eval/pages_dev/input.jsonl"] {
        let text = std::fs::read_to_string(shared().join(set)).unwrap();
        docs.extend(text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()));
    }
    let day = |d: &serde_json::Value| d.get("published").and_then(|p| p.as_str()).unwrap_or("").to_string();
    docs.sort_by_key(|d| (day(d), d.get("id").map(|x| x.to_string())));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("inc.db");
    let mut last = String::new();
    // Batches of 30 articles: most fuse through the anchored path (a few seeds per day).
    for (i, chunk) in docs.chunks(30).enumerate() {
        let file = dir.path().join(format!("b{i}.jsonl"));
        let mut f = std::fs::File::create(&file).unwrap();
        for d in chunk {
            writeln!(f, "{d}").unwrap();
        }
        last = ingest(&db, &file, &[]);
    }
    let incremental = together(&db);
    // Our own incidents: each one's three reports in one event, and few events holding
    // two incidents (only neighbouring towns on one day: Mopti, Djenné and Bandiagara lie
    // within 100 km of each other).
    let c = rusqlite::Connection::open(&db).unwrap();
    let mut st = c
        .prepare(
            "SELECT d.ext_id, em.event FROM mentions m JOIN documents d ON d.id = m.doc
             JOIN event_members em ON em.mention = m.id WHERE d.ext_id LIKE 'own-%' AND m.event_type = 'ASSAULT'",
        )
        .unwrap();
    let mut events_of: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for r in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).unwrap() {
        let (d, e) = r.unwrap();
        events_of.entry(d).or_default().insert(e);
    }
    let mut incidents_of: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut whole = 0;
    for j in 0..144 {
        let sets: Vec<BTreeSet<String>> =
            (0..3).map(|k| events_of.get(&format!("own-{j}-{k}")).cloned().unwrap_or_default()).collect();
        if sets[0].iter().any(|e| sets[1].contains(e) && sets[2].contains(e)) {
            whole += 1;
        }
        for e in sets.iter().flatten() {
            incidents_of.entry(e.clone()).or_default().insert(j);
        }
    }
    let mixed = incidents_of.values().filter(|v| v.len() > 1).count();
    eprintln!("own incidents: {whole} of 144 whole, {mixed} events holding two or more");
    assert!(whole >= 140, "only {whole} of 144 incidents in one event");
    assert!(mixed <= 24, "{mixed} events hold two incidents or more");
    drop(st);
    drop(c);
    // The last batch re-fused only part of the store.
    let refused = |msg: &str| -> usize {
        let at = msg.find(" mentions fused").expect(msg);
        msg[..at].rsplit('(').next().unwrap().trim().parse().unwrap()
    };
    let stored: usize = {
        let c = rusqlite::Connection::open(&db).unwrap();
        c.query_row("SELECT count(*) FROM mentions", [], |r| r.get::<_, i64>(0)).unwrap() as usize
    };
    assert!(refused(&last) * 3 < stored, "the last batch re-fused {} of {stored} mentions", refused(&last));
    let msg = ingest(&db, &dir.path().join("b0.jsonl"), &["--full-fusion"]);
    assert_eq!(refused(&msg), stored, "{msg}");
    let full = together(&db);
    let common = incremental.intersection(&full).count();
    let (p, r) = (common as f64 / incremental.len().max(1) as f64, common as f64 / full.len().max(1) as f64);
    eprintln!(
        "pairs together: incremental {}, full {}, common {common} (P {p:.3} R {r:.3}); last batch re-fused {} of {stored}",
        incremental.len(),
        full.len(),
        refused(&last)
    );
    assert!(full.len() > 200, "too few fused pairs to compare: {}", full.len());
    assert!(p >= 0.97 && r >= 0.97, "incremental fusion strays from full fusion: P {p:.3} R {r:.3}");
}
