//! `sitrep reanalyze`, `sitrep split`, `sitrep merge`, `sitrep decisions`: bringing a
//! store up to the current extractor, and the analysts' decisions that must survive it.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde_json::Value;
use sitrep_core::Document;
use sitrep_store::{FuseParams, Reanalysed, Store};

pub const REANALYZE_HELP: &str = "Examples:\n  sitrep reanalyze --db sitrep.db --dry-run   (what would change; nothing is written)\n  sitrep reanalyze --db sitrep.db --report changes.json\n  sitrep reanalyze --db sitrep.db --list      (archived analyses)\n  sitrep reanalyze --db sitrep.db --forget 1  (delete archived analysis 1)\n  sitrep query --db sitrep.db --analysis 1    (the events as analysis 1 had them)\n\nRun it after installing a new version of sitrep (`sitrep ingest` says when stored\narticles were analysed by another version). Articles are re-analysed in batches, each\none transaction: an interrupted run (Ctrl-C, kill -9, power loss) is resumed by running\nthe same command again, with the same result as a run never interrupted. Every analyst\ndecision is re-attached to the mentions that now report the same things, or listed with\nthe reason it no longer applies (`sitrep decisions --stale`); none is dropped.\n\nExit codes:\n  0  done (or nothing to do)\n  1  the database could not be read or written\n  2  usage error";

#[derive(clap::Args)]
pub struct ReanalyzeArgs {
    /// The database.
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// Print what would change without writing anything (works on a temporary copy).
    #[arg(long)]
    dry_run: bool,
    /// Write the full change report (every event added, removed or changed) as JSON here.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// List the archived analyses and what each re-analysis changed, then stop.
    #[arg(long)]
    list: bool,
    /// Delete archived analysis N (its events, members and mentions; the change report
    /// stays listed), then stop.
    #[arg(long, value_name = "N")]
    forget: Option<i64>,
    /// Keep only events of at least this confidence (0 to 1; default 0 keeps all).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = crate::store_cmds::parse_confidence)]
    min_confidence: f32,
    /// Articles per transaction.
    #[arg(long, default_value_t = 256)]
    batch: usize,
    /// Worker threads for extraction (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// No progress bar.
    #[arg(long, short = 'q')]
    quiet: bool,
}

fn existing(db: &Path) -> Result<()> {
    if !db.exists() {
        anyhow::bail!("{}: no such database (create it with `sitrep ingest`)", db.display());
    }
    Ok(())
}

/// Runs `sitrep reanalyze`.
pub fn reanalyze(args: ReanalyzeArgs) -> Result<bool> {
    existing(&args.db)?;
    if args.list {
        let store = Store::open_read_only(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
        for a in store.analyses()?.as_array().into_iter().flatten() {
            println!("{a}");
        }
        return Ok(true);
    }
    if let Some(n) = args.forget {
        let mut store = Store::open(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
        let rows = store.forget_analysis(n)?;
        println!("forgot archived analysis {n} ({rows} rows)");
        return Ok(true);
    }
    if !args.dry_run {
        let report = run(&args, &args.db)?;
        return finish(&args, report);
    }
    // A dry run is a real run on a copy, so it reports exactly what a run would do.
    let dir = tempfile_dir(&args.db)?;
    let copy = dir.join("dry-run.db");
    let result = (|| {
        let store = Store::open_read_only(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
        store.copy_to(&copy).with_context(|| format!("cannot copy the database to {}", copy.display()))?;
        drop(store);
        run(&args, &copy)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    let report = result?;
    let done = report.is_some();
    finish(&args, report)?;
    if done && !args.quiet {
        println!("(dry run: {} was not changed)", args.db.display());
    }
    Ok(true)
}

/// A private temporary directory for the dry run's copy.
fn tempfile_dir(db: &Path) -> Result<PathBuf> {
    let base = std::env::temp_dir();
    for i in 0..1000u32 {
        let d = base.join(format!("sitrep-reanalyze-{}-{i}", std::process::id()));
        if std::fs::create_dir(&d).is_ok() {
            return Ok(d);
        }
    }
    anyhow::bail!("cannot make a temporary directory in {} to copy {} into", base.display(), db.display())
}

/// Re-analyses the database at `db`; `None` when there was nothing to do.
fn run(args: &ReanalyzeArgs, db: &Path) -> Result<Option<Value>> {
    let mut store = Store::open(db).with_context(|| format!("cannot open the database {}", db.display()))?;
    let config = sitrep_extract::Config { lang: None, min_confidence: args.min_confidence, ..Default::default() };
    let extractor = config.identity();
    let params = FuseParams::default();
    let Some(run) = store.begin_reanalysis(&extractor, &params).context("cannot start the re-analysis")? else {
        if !args.quiet {
            println!("every stored article is analysed by {extractor}: nothing to do");
        }
        return Ok(None);
    };
    if !args.quiet {
        if run.resumed {
            eprintln!(
                "sitrep: resuming the re-analysis: {} of {} articles left (the analysis it replaces is archived as analysis {})",
                run.pending, run.documents, run.analysis
            );
        } else {
            eprintln!(
                "sitrep: re-analysing {} of {} articles with {extractor} (the current analysis is archived as analysis {})",
                run.pending, run.documents, run.analysis
            );
        }
    }
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let bar = crate::store_cmds::progress_bar(
        !args.quiet && std::io::stderr().is_terminal(),
        run.pending,
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} articles ETA {eta}",
    );
    let mut after = 0;
    loop {
        let pending = store.pending(&extractor, after, args.batch.max(1))?;
        let Some(last) = pending.last() else { break };
        after = last.row;
        let mut batch: Vec<(Document, String)> = pending.iter().map(|p| (p.doc.clone(), String::new())).collect();
        let records = crate::store_cmds::analyse_all(&mut batch, &config, jobs);
        let new: Vec<Reanalysed<'_>> = pending
            .iter()
            .zip(&records)
            .map(|(p, (_, record))| Reanalysed { row: p.row, record, analysed_by: &extractor })
            .collect();
        store.replace_analyses(&new).context("cannot write to the database")?;
        bar.inc(new.len() as u64);
    }
    bar.finish_and_clear();
    Ok(Some(store.finish_reanalysis(&params).context("cannot finish the re-analysis")?))
}

/// Prints the report's summary and writes the full report where asked.
fn finish(args: &ReanalyzeArgs, report: Option<Value>) -> Result<bool> {
    let Some(report) = report else { return Ok(true) };
    if let Some(p) = &args.report {
        let mut f = std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?;
        writeln!(f, "{}", serde_json::to_string_pretty(&report)?)?;
    }
    if !args.quiet {
        print!("{}", summary(&report, &args.db));
    }
    Ok(true)
}

/// The change report in a few lines.
pub fn summary(r: &Value, db: &Path) -> String {
    let n = |v: &Value, k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
    let e = &r["events"];
    let tally = |v: &Value| {
        ["added", "removed", "retyped", "relocated", "toll_revised"]
            .iter()
            .filter(|k| n(v, k) > 0)
            .map(|k| format!("{} {}", n(v, k), k.replace('_', " ")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = format!(
        "re-analysed {} articles with {} (the analysis before is archived as analysis {})\n",
        n(r, "documents"),
        r["replaced_by"].as_str().unwrap_or("?"),
        n(r, "analysis")
    );
    out.push_str(&format!(
        "events: {} before, {} after; {} unchanged{}{}\n",
        n(e, "before"),
        n(e, "after"),
        n(e, "unchanged"),
        if tally(e).is_empty() { "" } else { "; " },
        tally(e)
    ));
    for (title, key) in [("by country", "by_country"), ("by type", "by_type")] {
        let rows: Vec<String> = r[key]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k, tally(v)))
            .filter(|(_, t)| !t.is_empty())
            .map(|(k, t)| format!("  {k}: {t}"))
            .collect();
        if !rows.is_empty() {
            out.push_str(&format!("{title}:\n{}\n", rows.join("\n")));
        }
    }
    let d = &r["decisions"];
    out.push_str(&format!(
        "decisions: {} unchanged, {} re-attached, {} no longer apply{}\n",
        n(d, "unchanged"),
        n(d, "reattached"),
        n(d, "stale"),
        if n(d, "stale") > 0 {
            format!(" (why: sitrep decisions --db {} --stale)", db.display())
        } else {
            String::new()
        }
    ));
    out
}

/// Who decides, by default: the login name.
fn default_analyst() -> String {
    std::env::var("USER").or_else(|_| std::env::var("USERNAME")).unwrap_or_else(|_| "cli".into())
}

#[derive(clap::Args)]
pub struct SplitArgs {
    /// The database.
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// Who decides (default: the login name).
    #[arg(long)]
    by: Option<String>,
    /// The event.
    event: String,
    /// The mentions to split off (keys, as `sitrep query --event` lists them).
    #[arg(required = true)]
    mentions: Vec<String>,
}

/// Runs `sitrep split`.
pub fn split(args: SplitArgs) -> Result<bool> {
    existing(&args.db)?;
    let mut store = Store::open(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
    let ids = store.split(&args.event, &args.mentions, &args.by.unwrap_or_else(default_analyst))?;
    println!("{}", ids.join("\n"));
    Ok(true)
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The database.
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// Who decides (default: the login name).
    #[arg(long)]
    by: Option<String>,
    /// The events to merge (two or more).
    #[arg(required = true, num_args = 2..)]
    events: Vec<String>,
}

/// Runs `sitrep merge`.
pub fn merge(args: MergeArgs) -> Result<bool> {
    existing(&args.db)?;
    let mut store = Store::open(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
    println!("{}", store.merge(&args.events, &args.by.unwrap_or_else(default_analyst))?);
    Ok(true)
}

#[derive(clap::Args)]
pub struct DecisionsArgs {
    /// The database.
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// Only the decisions that no longer apply, each with the reason.
    #[arg(long)]
    stale: bool,
    /// JSON Lines (every field) instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs `sitrep decisions`.
pub fn decisions(args: DecisionsArgs) -> Result<bool> {
    existing(&args.db)?;
    let store = Store::open_read_only(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for d in store.decision_list(args.stale)?.as_array().into_iter().flatten() {
        if args.json {
            writeln!(out, "{d}")?;
            continue;
        }
        let g = |k: &str| d[k].as_str().unwrap_or("-");
        writeln!(
            out,
            "#{} {} {} {} by {} at {}: {}",
            d["id"],
            g("kind"),
            g("a"),
            g("b"),
            g("made_by"),
            g("made_at"),
            g("state")
        )?;
        if let Some(r) = d["reason"].as_str() {
            writeln!(out, "    {r}")?;
        }
    }
    out.flush()?;
    Ok(true)
}
