//! Clustering quality of event fusion: documents grouped by the real-world event they
//! report, compared with hand-built gold groups (`data/eval/fusion/`).
//!
//! Each document is represented by its main event: the fused event holding its current
//! ASSAULT mention with the largest killed figure (documents with none stand alone).
//! Two documents are "predicted together" when their main events are the same fused
//! event. Scores: pairwise precision/recall/F1 over document pairs and B³.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::{Value, json};
use sitrep_core::Document;
use sitrep_store::{FuseParams, NewDocument, Store};

/// Fuses the documents in a fresh in-memory store; returns each document's main event.
pub fn predicted(docs: &mut [Document], config: &sitrep_extract::Config) -> Result<BTreeMap<String, String>> {
    let mut store = Store::in_memory()?;
    let prepared: Vec<(String, String)> = docs.iter_mut().map(|d| crate::store_cmds::analyse(d, config)).collect();
    let new: Vec<NewDocument<'_>> = docs
        .iter()
        .zip(&prepared)
        .map(|(d, (h, r))| NewDocument { doc: d, origin: "eval", content_hash: h, record: r, analysed_by: "eval" })
        .collect();
    store.put(&new)?;
    store.fuse(&FuseParams::default())?;
    let mut best: BTreeMap<String, (u64, String)> = BTreeMap::new();
    for (doc, event, ty, status, killed) in store.mention_events()? {
        if ty != "ASSAULT" || status != "current" {
            continue;
        }
        let k = killed.unwrap_or(0);
        match best.get(&doc) {
            Some((b, _)) if *b >= k => {}
            _ => {
                best.insert(doc, (k, event));
            }
        }
    }
    Ok(docs
        .iter()
        .map(|d| {
            let e = best.get(&d.id).map(|x| x.1.clone()).unwrap_or_else(|| format!("alone:{}", d.id));
            (d.id.clone(), e)
        })
        .collect())
}

/// Gold groups from a `group<TAB>doc_id<TAB>note` file; unlisted documents stand alone.
pub fn gold_groups(path: &Path) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 2 {
            out.insert(f[1].to_string(), f[0].to_string());
        }
    }
    Ok(out)
}

/// Pairwise and B³ precision/recall/F1 of `pred` against `gold` (both: doc → cluster).
pub fn scores(docs: &[String], gold: &BTreeMap<String, String>, pred: &BTreeMap<String, String>) -> Value {
    let g = |d: &String| gold.get(d).cloned().unwrap_or_else(|| format!("alone:{d}"));
    let p = |d: &String| pred.get(d).cloned().unwrap_or_else(|| format!("alone:{d}"));
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for (i, a) in docs.iter().enumerate() {
        for b in &docs[i + 1..] {
            match (g(a) == g(b), p(a) == p(b)) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fn_ += 1,
                _ => {}
            }
        }
    }
    let f1 = |p: f64, r: f64| if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
    let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
    let (pp, pr) = (ratio(tp, tp + fp), ratio(tp, tp + fn_));
    // B³: per document, overlap of its predicted and gold clusters.
    let mut gc: BTreeMap<String, BTreeSet<&String>> = BTreeMap::new();
    let mut pc: BTreeMap<String, BTreeSet<&String>> = BTreeMap::new();
    for d in docs {
        gc.entry(g(d)).or_default().insert(d);
        pc.entry(p(d)).or_default().insert(d);
    }
    let (mut bp, mut br) = (0.0, 0.0);
    for d in docs {
        let (gs, ps) = (&gc[&g(d)], &pc[&p(d)]);
        let common = gs.intersection(ps).count() as f64;
        bp += common / ps.len() as f64;
        br += common / gs.len() as f64;
    }
    let n = docs.len().max(1) as f64;
    let (bp, br) = (bp / n, br / n);
    let gold_pairs = tp + fn_;
    json!({
        "documents": docs.len(), "gold_groups": gc.values().filter(|s| s.len() > 1).count(),
        "gold_pairs": gold_pairs, "predicted_pairs": tp + fp,
        "pairwise": {"precision": pp, "recall": pr, "f1": f1(pp, pr)},
        "b3": {"precision": bp, "recall": br, "f1": f1(bp, br)},
    })
}
