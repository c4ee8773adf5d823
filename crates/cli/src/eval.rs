//! `sitrep eval`: extraction over every dev set in `shared/eval/`, scored by
//! `shared/tools/score.py`.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// The shared folder (with eval/ and tools/score.py).
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// Where predictions and score files go.
    #[arg(long, default_value = "target/eval")]
    out: PathBuf,
    /// Only these sets (repeatable; default: all).
    #[arg(long = "set")]
    sets: Vec<String>,
    /// Hand-built same-event groups for the fusion evaluation.
    #[arg(long, default_value = "data/eval/fusion")]
    fusion_gold: PathBuf,
    /// Python interpreter for the scorer.
    #[arg(long, default_value = "python3")]
    python: String,
}

pub fn run(args: EvalArgs) -> Result<bool> {
    let eval_dir = args.shared.join("eval");
    let scorer = args.shared.join("tools/score.py");
    let mut sets: Vec<String> = std::fs::read_dir(&eval_dir)
        .with_context(|| format!("cannot list {}", eval_dir.display()))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("input.jsonl").exists())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    sets.sort();
    if !args.sets.is_empty() {
        sets.retain(|s| args.sets.contains(s));
    }
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let config = sitrep_extract::Config::default();
    let jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    for set in &sets {
        let dir = eval_dir.join(set);
        let mut docs = Vec::new();
        for item in crate::input::jsonl(&dir.join("input.jsonl"))? {
            match item {
                Ok(d) => docs.push(d),
                Err(p) => eprintln!("sitrep: {p}"),
            }
        }
        let started = std::time::Instant::now();
        let lines = crate::analyze_all(&docs, &config, jobs, false);
        let secs = started.elapsed().as_secs_f64();
        let pred = args.out.join(format!("{set}.pred.jsonl"));
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(&pred).with_context(|| format!("cannot create {}", pred.display()))?,
        );
        for l in &lines {
            writeln!(f, "{l}")?;
        }
        f.flush()?;
        let json = args.out.join(format!("{set}.score.json"));
        let output = Command::new(&args.python)
            .arg(&scorer)
            .arg(dir.join("gold.jsonl"))
            .arg(&pred)
            .arg("--json")
            .arg(&json)
            .output()
            .with_context(|| format!("cannot run {} {}", args.python, scorer.display()))?;
        println!("== {set} ({} docs, {:.2} s)", docs.len(), secs);
        std::io::stdout().write_all(&output.stdout)?;
        if !output.status.success() {
            eprintln!("sitrep: scorer failed on {set}: {}", String::from_utf8_lossy(&output.stderr));
            return Ok(false);
        }
    }
    if args.sets.is_empty() || args.sets.iter().any(|s| s == "fusion") {
        fusion(&args, &eval_dir, &config)?;
    }
    Ok(true)
}

/// Clustering quality of event fusion on the sets with hand-built groups.
fn fusion(args: &EvalArgs, eval_dir: &std::path::Path, config: &sitrep_extract::Config) -> Result<()> {
    use crate::fusion_eval::{gold_groups, predicted, scores};
    let read = |set: &str| -> Result<Vec<sitrep_core::Document>> {
        let mut docs = Vec::new();
        for d in crate::input::jsonl(&eval_dir.join(set).join("input.jsonl"))?.flatten() {
            docs.push(d);
        }
        Ok(docs)
    };
    // GVDB articles carry no publication date: the incident date stands in for it (see the
    // README of data/eval/fusion).
    let mut gvdb = read("gvdb_dev")?;
    let dates: std::collections::BTreeMap<String, String> =
        std::fs::read_to_string(eval_dir.join("gvdb_dev/gold.jsonl"))?
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| Some((v["id"].as_str()?.to_string(), v["incident_date"].as_str()?.to_string())))
            .collect();
    for d in &mut gvdb {
        if d.published.is_none() {
            d.published = dates.get(&d.id).cloned();
        }
    }
    let mut examples: Vec<sitrep_core::Document> = sitrep_ingest::Walker::new(&[PathBuf::from("examples")])
        .filter_map(|i| match i {
            sitrep_ingest::Item::Article(a) => Some(a.doc),
            sitrep_ingest::Item::Problem(_) => None,
        })
        .collect();
    let sets: Vec<(&str, Vec<sitrep_core::Document>, Option<PathBuf>)> = vec![
        ("gvdb_dev", gvdb, Some(args.fusion_gold.join("gvdb_incidents.tsv"))),
        ("ucdp_car_fr_dev", read("ucdp_car_fr_dev")?, None),
        ("examples", std::mem::take(&mut examples), Some(args.fusion_gold.join("examples.tsv"))),
    ];
    let mut all_docs = Vec::new();
    let mut all_gold = std::collections::BTreeMap::new();
    let mut report = serde_json::Map::new();
    println!("== fusion (documents clustered by the event they report; pairwise and B³)");
    println!(
        "{:<18} {:>5} {:>6} {:>6}  {:>6} {:>6} {:>6}  {:>6} {:>6} {:>6}",
        "set", "docs", "gold", "pred", "pw P", "pw R", "pw F1", "B3 P", "B3 R", "B3 F1"
    );
    let mut line = |name: &str,
                    docs: &mut [sitrep_core::Document],
                    gold: &std::collections::BTreeMap<String, String>|
     -> Result<()> {
        let pred = predicted(docs, config)?;
        let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        let s = scores(&ids, gold, &pred);
        let f = |a: &str, b: &str| s[a][b].as_f64().unwrap_or(0.0);
        println!(
            "{:<18} {:>5} {:>6} {:>6}  {:>6.3} {:>6.3} {:>6.3}  {:>6.3} {:>6.3} {:>6.3}",
            name,
            s["documents"],
            s["gold_pairs"],
            s["predicted_pairs"],
            f("pairwise", "precision"),
            f("pairwise", "recall"),
            f("pairwise", "f1"),
            f("b3", "precision"),
            f("b3", "recall"),
            f("b3", "f1")
        );
        report.insert(name.to_string(), s);
        Ok(())
    };
    for (name, mut docs, gold_file) in sets {
        let gold = match gold_file {
            Some(p) => gold_groups(&p)?,
            None => Default::default(),
        };
        line(name, &mut docs, &gold)?;
        all_gold.extend(gold);
        all_docs.extend(docs);
    }
    line("all together", &mut all_docs, &all_gold)?;
    let out = args.out.join("fusion.score.json");
    std::fs::write(&out, serde_json::to_string_pretty(&serde_json::Value::Object(report))?)
        .with_context(|| format!("cannot write {}", out.display()))?;
    Ok(())
}
