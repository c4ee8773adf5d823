//! `sitrep export`: the dataset as Parquet for the data-science stack.

use std::path::PathBuf;

use anyhow::{Context, Result};
use sitrep_store::Store;

pub const EXPORT_HELP: &str = "Examples:\n  sitrep export --db sitrep.db --format parquet --out dataset/\n  duckdb -c \"SELECT month, count(*), sum(fatalities_best) FROM read_parquet('dataset/events/*/*.parquet', hive_partitioning = true) GROUP BY month ORDER BY month\"\n\nWrites events/, mentions/ (with claims and evidence) and documents/ under --out, each partitioned by month (month=YYYY-MM, month=unknown for rows without one). --out must be empty, new, or an earlier export (replaced whole at the end).\n\nExit codes:\n  0  written\n  1  the database could not be read or the folder written\n  2  usage error";

#[derive(clap::Args)]
pub struct ExportArgs {
    /// The database.
    #[arg(long, default_value = "sitrep.db")]
    db: PathBuf,
    /// parquet (the only columnar format; `sitrep query --format` writes the others).
    #[arg(long, default_value = "parquet")]
    format: String,
    /// The folder to write.
    #[arg(long, short = 'o')]
    out: PathBuf,
}

/// Runs `sitrep export`.
pub fn export(args: ExportArgs) -> Result<bool> {
    if args.format != "parquet" {
        return Err(crate::Usage(format!(
            "--format {:?}: expected parquet (`sitrep query --format` writes jsonl, csv, plover and geojson)",
            args.format
        ))
        .into());
    }
    if !args.db.exists() {
        anyhow::bail!("{}: no such database (create it with `sitrep ingest`)", args.db.display());
    }
    let store = Store::open_read_only(&args.db).with_context(|| format!("cannot open {}", args.db.display()))?;
    if store.fusion_due()? {
        eprintln!(
            "sitrep: note: fusion is due in {} (an ingest was interrupted): mentions not yet fused are exported without an event; `sitrep ingest` finishes it",
            args.db.display()
        );
    }
    let started = std::time::Instant::now();
    let s = sitrep_export::write_parquet(&store, &args.out)
        .with_context(|| format!("cannot export to {}", args.out.display()))?;
    eprintln!(
        "sitrep: {} events, {} mentions, {} documents in {} Parquet files under {} ({:.2} s)",
        s.events,
        s.mentions,
        s.documents,
        s.files,
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(true)
}
