//! `sitrep eval`: extraction over every dev set in `shared/eval/`, scored by
//! `shared/tools/score.py`.

use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result};

use crate::input::JsonlReader;

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
        for item in JsonlReader::open(&dir.join("input.jsonl"))? {
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
    Ok(true)
}
