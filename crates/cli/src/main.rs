//! `sitrep`: the command-line interface.
//!
//! - `sitrep extract`: articles (plain text files, stdin, or JSON Lines) in, one result
//!   record per article out, as JSON Lines (`shared/spec/output.md`).
//! - `sitrep eval`: runs extraction over every dev set in `shared/eval/` and prints the
//!   scorer's tables.
//!
//! This crate does the I/O; analysis is `sitrep_extract::analyze`, a pure function.

mod decision_cmds;
mod eval;
mod export_cmd;
mod fusion_eval;
mod input;
mod store_cmds;
mod watch_cmd;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use sitrep_core::Document;

const EXIT_CODES: &str = "Exit codes:\n  0  every input was read and analysed\n  1  some input could not be read or parsed, or was not valid UTF-8 (read as Latin-1 or with U+FFFD, and analysed): each problem is reported on stderr with its file and line; the other records are still written\n  2  usage error";

#[derive(Parser)]
#[command(name = "sitrep", version, about = "Source-attributed conflict events from news articles, offline.", after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract events, casualties, places and dates from articles.
    #[command(
        after_help = "Examples:\n  sitrep extract examples/fr/armenia-azerbaijan-2022-09-13.txt --published 2022-09-13 --pretty\n  sitrep extract --input articles.jsonl > results.jsonl\n  cat article.txt | sitrep extract - --lang en\n\nJSON Lines input: one object per line with \"text\" (required), \"id\", \"lang\", \"published\" (YYYY-MM-DD), \"title\", \"url\". The same \"id\" comes out; a line without one gets FILE:LINE.\n\nExit codes:\n  0  every input was read and analysed\n  1  some input could not be read or parsed, or was not valid UTF-8 (read as Latin-1 or with U+FFFD, and analysed): reported on stderr with file and line; the other records are still written\n  2  usage error"
    )]
    Extract(ExtractArgs),
    /// Read articles (text, JSON Lines, HTML, RSS/Atom, WARC; files or directories), extract,
    /// and store them with their fused events. Re-ingesting adds nothing; an interrupted
    /// ingest resumes where it stopped.
    #[command(
        after_help = "Examples:\n  sitrep ingest examples/ --db sitrep.db\n  sitrep ingest feeds/*.xml crawl.warc.gz articles.jsonl\n\nExit codes:\n  0  every input was read and stored\n  1  some input could not be read or parsed, or was not valid UTF-8 (read as Latin-1 or with U+FFFD, and stored): reported on stderr with file and line; everything else is stored\n  2  usage error"
    )]
    Ingest(store_cmds::IngestArgs),
    /// Export fused events from the database (JSON Lines, ACLED-style CSV, PLOVER, GeoJSON).
    #[command(
        after_help = "Examples:\n  sitrep query --db sitrep.db --country ARM --from 2022-09-01 --format csv\n  sitrep query --db sitrep.db --near 40.2,45.5,100 --min-fatalities 10 --format geojson\n  sitrep query --db sitrep.db --event EXXXX   (one event in full)\n\nExit codes:\n  0  done\n  1  the database could not be read, or a bad filter\n  2  usage error"
    )]
    Query(store_cmds::QueryArgs),
    /// Write the dataset (events, mentions with claims and evidence, documents) as Parquet
    /// files partitioned by month, for DuckDB, pandas and Spark.
    #[command(after_help = export_cmd::EXPORT_HELP)]
    Export(export_cmd::ExportArgs),
    /// Serve the HTTP API (/api/) and the dashboard (/) over a database.
    #[command(
        after_help = "Examples:\n  sitrep serve --db sitrep.db --addr 127.0.0.1:8080\n  SITREP_TOKEN=secret sitrep serve   (enables POST /api/documents, split and merge)\n  sitrep serve --addr 0.0.0.0:8080 --allowed-host sitrep.example.org   (serve that Host name too)\n\nLimits (flags above): idle connections close after 20 s, stalled writes after 20 s,\nat most 64 connections per client IP and 4096 in all, a 64 MiB response cache;\nrequests whose Host is not localhost, a loopback or bound IP, or an --allowed-host get 421.\n\nExit codes:\n  0  stopped with Ctrl-C\n  1  could not open the database or the address\n  2  usage error"
    )]
    Serve(store_cmds::ServeArgs),
    /// Follow news feeds, sitemaps and pages: store what is new, keep the events fused,
    /// fire alert rules (webhook, command, stdout).
    #[command(after_help = watch_cmd::WATCH_HELP)]
    Watch(watch_cmd::WatchArgs),
    /// Re-analyse every stored article with this version of sitrep, keeping the analysts'
    /// decisions and the analysis it replaces; prints what changed.
    #[command(after_help = decision_cmds::REANALYZE_HELP)]
    Reanalyze(decision_cmds::ReanalyzeArgs),
    /// Split mentions off a fused event into an event of their own (an analyst decision).
    #[command(
        after_help = "Example:\n  sitrep split --db sitrep.db E3f2a...-c000120 3f2a...-c000451 --by alice\n\nThe decision is kept across re-ingest, re-fusion and re-analysis (`sitrep decisions`)."
    )]
    Split(decision_cmds::SplitArgs),
    /// Merge fused events into one (an analyst decision).
    #[command(
        after_help = "Example:\n  sitrep merge --db sitrep.db E3f2a...-c000120 E9b1c...-c000033 --by alice\n\nThe decision is kept across re-ingest, re-fusion and re-analysis (`sitrep decisions`)."
    )]
    Merge(decision_cmds::MergeArgs),
    /// List the analysts' decisions: who made them, when, and whether each still applies.
    #[command(
        after_help = "Examples:\n  sitrep decisions --db sitrep.db\n  sitrep decisions --db sitrep.db --stale --json   (those that no longer apply, with the reason)"
    )]
    Decisions(decision_cmds::DecisionsArgs),
    /// Run extraction over every dev set in ../shared/eval and print the scores.
    #[command(after_help = "Example:\n  sitrep eval --shared ../shared --out target/eval")]
    Eval(eval::EvalArgs),
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// Plain-text article files; `-` reads one article from standard input.
    files: Vec<PathBuf>,
    /// JSON Lines file(s) of articles (repeatable).
    #[arg(long = "input", short = 'i', value_name = "FILE.jsonl")]
    inputs: Vec<PathBuf>,
    /// Force the language (ISO 639-1 code of a data pack) instead of detecting it.
    #[arg(long, ignore_case = true, value_parser = store_cmds::lang_parser())]
    lang: Option<String>,
    /// Publication date (YYYY-MM-DD) for plain-text inputs; resolves "mardi", "yesterday".
    /// Without it relative dates stay unresolved.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = store_cmds::parse_day)]
    published: Option<String>,
    /// Indented JSON (one record per block) for reading.
    #[arg(long)]
    pretty: bool,
    /// Print throughput (documents/s, MB/s) to stderr at the end.
    #[arg(long)]
    stats: bool,
    /// Write results to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Keep only events of at least this confidence (0 to 1; default 0 keeps all).
    #[arg(long, value_name = "X", default_value_t = 0.0, value_parser = store_cmds::parse_confidence)]
    min_confidence: f32,
    /// Rules only: skip the learned event-or-not and typing decision.
    #[arg(long)]
    no_gate: bool,
    /// Drop the event nouns the learned gate reads as repeats of an earlier event ("the
    /// fighting" told again) when they carry no toll of their own.
    #[arg(long, conflicts_with = "no_gate")]
    drop_repeats: bool,
}

/// mimalloc instead of the system allocator: analysis allocates many small vectors and
/// strings per document, and glibc's malloc and free were about 12 % of `extract`'s
/// time (#16).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract(args),
        Command::Eval(args) => eval::run(args),
        Command::Ingest(args) => store_cmds::ingest(args),
        Command::Query(args) => store_cmds::query(args),
        Command::Serve(args) => store_cmds::serve(args),
        Command::Watch(args) => watch_cmd::watch(args),
        Command::Reanalyze(args) => decision_cmds::reanalyze(args),
        Command::Split(args) => decision_cmds::split(args),
        Command::Merge(args) => decision_cmds::merge(args),
        Command::Decisions(args) => decision_cmds::decisions(args),
        Command::Export(args) => export_cmd::export(args),
    };
    match result {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::from(1),
        // The reader went away (`sitrep extract ... | head`): not an error.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            std::process::ExitCode::SUCCESS
        }
        Err(e) if e.downcast_ref::<Usage>().is_some() => {
            eprintln!("sitrep: error: {e:#}");
            std::process::ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("sitrep: error: {e:#}");
            std::process::ExitCode::from(1)
        }
    }
}

/// A usage error found after parsing (exit code 2, as for the parser's own).
#[derive(Debug)]
pub struct Usage(pub String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

/// Runs `sitrep extract`. Returns `Ok(false)` when some input had problems.
fn extract(args: ExtractArgs) -> Result<bool> {
    if args.files.is_empty() && args.inputs.is_empty() {
        return Err(Usage(
            "nothing to read: give article files, `-` for standard input, or --input FILE.jsonl (see --help)".into(),
        )
        .into());
    }
    let config = sitrep_extract::Config {
        lang: args.lang.clone(),
        min_confidence: args.min_confidence,
        no_gate: args.no_gate,
        drop_repeats: args.drop_repeats,
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let jobs = args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get())).max(1);
    let mut sink = Sink {
        out: &mut out,
        pretty: args.pretty,
        docs: 0,
        bytes: 0,
        started: Instant::now(),
        last_progress: Instant::now(),
        progress: std::io::stderr().is_terminal(),
    };
    let mut ok = true;
    let mut batch: Vec<Document> = Vec::new();
    for path in &args.files {
        match input::read_text_file(path) {
            Ok((text, problem)) => {
                if let Some(p) = problem {
                    eprintln!("sitrep: {p}");
                    ok = false;
                }
                let id = if path.as_os_str() == "-" { "stdin".to_string() } else { path.display().to_string() };
                let title = None;
                batch.push(Document {
                    id,
                    text,
                    lang: args.lang.clone(),
                    published: args.published.clone(),
                    title,
                    url: None,
                    source: None,
                });
            }
            Err(e) => {
                eprintln!("sitrep: {e:#}");
                ok = false;
            }
        }
        if batch.len() >= 256 {
            sink.write_batch(std::mem::take(&mut batch), &config, jobs)?;
        }
    }
    for path in &args.inputs {
        let reader = match input::jsonl(path) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("sitrep: {e:#}");
                ok = false;
                continue;
            }
        };
        for item in reader {
            match item {
                Ok(mut doc) => {
                    if doc.published.is_none() {
                        doc.published = args.published.clone();
                    }
                    batch.push(doc);
                }
                Err(problem) => {
                    eprintln!("sitrep: {problem}");
                    ok = false;
                }
            }
            if batch.len() >= 256 {
                sink.write_batch(std::mem::take(&mut batch), &config, jobs)?;
            }
        }
    }
    sink.write_batch(batch, &config, jobs)?;
    sink.out.flush().context("cannot write results")?;
    if args.stats {
        let secs = sink.started.elapsed().as_secs_f64().max(1e-9);
        eprintln!(
            "sitrep: {} documents, {:.2} MB in {:.3} s: {:.0} docs/s, {:.2} MB/s ({} threads)",
            sink.docs,
            sink.bytes as f64 / 1e6,
            secs,
            sink.docs as f64 / secs,
            sink.bytes as f64 / 1e6 / secs,
            jobs
        );
    }
    Ok(ok)
}

struct Sink<'w> {
    out: &'w mut dyn Write,
    pretty: bool,
    docs: usize,
    bytes: usize,
    started: Instant,
    last_progress: Instant,
    progress: bool,
}

impl Sink<'_> {
    fn write_batch(&mut self, batch: Vec<Document>, config: &sitrep_extract::Config, jobs: usize) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let results = analyze_all(&batch, config, jobs, self.pretty);
        for (doc, line) in batch.iter().zip(results) {
            self.out.write_all(line.as_bytes()).context("cannot write results")?;
            self.out.write_all(b"\n").context("cannot write results")?;
            self.docs += 1;
            self.bytes += doc.text.len();
        }
        if self.progress && self.last_progress.elapsed().as_secs() >= 2 {
            let secs = self.started.elapsed().as_secs_f64();
            eprint!("\rsitrep: {} documents, {:.1} MB/s   ", self.docs, self.bytes as f64 / 1e6 / secs);
            self.last_progress = Instant::now();
        }
        Ok(())
    }
}

/// Analyses documents on `jobs` threads; results come back in input order. A document
/// whose analysis panics (a bug) still gets a record, with an `internal` diagnostic.
fn analyze_all(docs: &[Document], config: &sitrep_extract::Config, jobs: usize, pretty: bool) -> Vec<String> {
    let render = |d: &Document| -> String {
        let analysis = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| sitrep_extract::analyze(d, config)));
        let a = analysis.unwrap_or_else(|_| {
            eprintln!("sitrep: {}: internal error while analysing; the record is written with a diagnostic", d.id);
            let mut a = sitrep_core::Analysis::default();
            a.diagnostics.push(sitrep_core::Diagnostic::new(
                "internal",
                "analysis failed on this document (a bug: please report it)",
            ));
            a
        });
        if pretty { sitrep_output::to_string_pretty(d, &a) } else { sitrep_output::to_string(d, &a) }
    };
    if jobs <= 1 || docs.len() < 2 {
        return docs.iter().map(render).collect();
    }
    let chunk = docs.len().div_ceil(jobs);
    std::thread::scope(|s| {
        let handles: Vec<_> =
            docs.chunks(chunk).map(|c| s.spawn(move || c.iter().map(render).collect::<Vec<_>>())).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}
