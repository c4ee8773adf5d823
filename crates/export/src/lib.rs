//! Columnar export of the event store: the dataset as Parquet files that DuckDB,
//! pandas/pyarrow and Spark read as they are.
//!
//! [`write_parquet`] writes three tables under the output folder, each partitioned
//! Hive-style by month (`events/month=2022-09/part-0.parquet`; rows without a month in
//! `month=unknown`, see `sitrep_store::NO_MONTH`):
//!
//! - `events`: one row per fused event (type, ACLED type, status, date and its first and
//!   last day, place, fatalities and injured low/best/high, actors and recipients as lists
//!   of structs, tolls and contradictions as JSON text);
//! - `mentions`: one row per event mention, with its event id, trigger and evidence
//!   (text and code-point offsets), confidence, fusion reasons, and its casualty claims
//!   as a list of structs (figure, qualifier, victims, claimant, status, span);
//! - `documents`: one row per article (id, hash, URL, source, title, publication date,
//!   language, text), by publication month.
//!
//! Schemas are fixed (the same columns and types in every file, whatever the data), so
//! a reader can take the folder as one dataset. The folder is written beside the old
//! export and swapped in at the end: a failed export leaves the previous one whole. The
//! store is read month by month, so memory holds one month of rows.

use std::path::Path;
use std::sync::Arc;

use arrow_array::builder::{Int64Builder, ListBuilder, StringBuilder, StructBuilder};
use arrow_array::{ArrayRef, BooleanArray, Date32Array, Float64Array, Int64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Fields};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;
use sitrep_store::{AtRow, ClaimRow, DocumentRow, EventRow, MentionRow, PartyRow, Store};

/// What can go wrong while exporting.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] sitrep_store::Error),
    #[error("cannot write Parquet: {0}")]
    Parquet(#[from] parquet::errors::ParquetError),
    #[error("cannot build the columns: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, Error>;

/// What an export wrote.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub events: u64,
    pub mentions: u64,
    pub documents: u64,
    /// Parquet files written.
    pub files: u64,
}

/// The tables, as folders under the export.
pub const TABLES: [&str; 3] = ["events", "mentions", "documents"];

/// The file that marks a folder as a sitrep export (so that a later export may replace it).
const MARKER: &str = "_sitrep_export.json";

/// Rows per record batch (and Parquet row group at most).
const BATCH: usize = 8192;

/// Writes the store's dataset as Parquet under `dir` (created when missing). `dir` must
/// be empty or hold an earlier sitrep export, which is replaced.
pub fn write_parquet(store: &Store, dir: &Path) -> Result<Summary> {
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)?.flatten().map(|e| e.file_name()).collect::<Vec<_>>();
        entries.sort();
        let ours = entries.iter().any(|e| e == MARKER);
        if !entries.is_empty() && !ours {
            return Err(Error::Invalid(format!(
                "{} is not empty and holds no sitrep export; nothing was written: give an empty or new folder",
                dir.display()
            )));
        }
    }
    std::fs::create_dir_all(dir)?;
    let partial = dir.join(format!(".partial-{}", std::process::id()));
    if partial.exists() {
        std::fs::remove_dir_all(&partial)?;
    }
    std::fs::create_dir_all(&partial)?;
    let mut summary = Summary::default();
    let result = write_all(store, &partial, &mut summary);
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(e);
    }
    for t in TABLES {
        let old = dir.join(t);
        if old.exists() {
            std::fs::remove_dir_all(&old)?;
        }
        let new = partial.join(t);
        if new.exists() {
            std::fs::rename(&new, &old)?;
        } else {
            std::fs::create_dir_all(&old)?;
        }
    }
    std::fs::remove_dir_all(&partial)?;
    let marker = serde_json::json!({
        "format": "parquet", "partitioning": "hive: month=YYYY-MM (unknown: no month)",
        "events": summary.events, "mentions": summary.mentions, "documents": summary.documents,
    });
    std::fs::write(dir.join(MARKER), format!("{marker}\n"))?;
    Ok(summary)
}

fn write_all(store: &Store, root: &Path, summary: &mut Summary) -> Result<()> {
    let mut files = 0u64;
    let (mut events, mut mentions, mut documents) = (0u64, 0u64, 0u64);
    for month in store.event_months()? {
        let rows = store.events_of_month(&month)?;
        events += write_part(root, "events", &month, &rows, event_batch, &mut files)?;
        let rows = store.mentions_of_month(&month)?;
        mentions += write_part(root, "mentions", &month, &rows, mention_batch, &mut files)?;
    }
    for month in store.document_months()? {
        let rows = store.documents_of_month(&month)?;
        documents += write_part(root, "documents", &month, &rows, document_batch, &mut files)?;
    }
    *summary = Summary { events, mentions, documents, files };
    Ok(())
}

/// Writes one table's month as `TABLE/month=MONTH/part-0.parquet` (nothing when it has
/// no rows); returns how many rows.
fn write_part<T>(
    root: &Path,
    table: &str,
    month: &str,
    rows: &[T],
    batch: fn(&[T]) -> Result<RecordBatch>,
    files: &mut u64,
) -> Result<u64> {
    if rows.is_empty() {
        return Ok(0);
    }
    let dir = root.join(table).join(format!("month={month}"));
    std::fs::create_dir_all(&dir)?;
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let mut writer: Option<ArrowWriter<std::fs::File>> = None;
    for chunk in rows.chunks(BATCH) {
        let b = batch(chunk)?;
        let w = match &mut writer {
            Some(w) => w,
            None => writer.insert(ArrowWriter::try_new(
                std::fs::File::create(dir.join("part-0.parquet"))?,
                b.schema(),
                Some(props.clone()),
            )?),
        };
        w.write(&b)?;
    }
    if let Some(w) = writer {
        w.close()?;
    }
    *files += 1;
    Ok(rows.len() as u64)
}

fn strs<T>(rows: &[T], f: impl Fn(&T) -> Option<&str>) -> ArrayRef {
    Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
}

fn ints<T>(rows: &[T], f: impl Fn(&T) -> Option<i64>) -> ArrayRef {
    Arc::new(Int64Array::from(rows.iter().map(f).collect::<Vec<_>>()))
}

fn floats<T>(rows: &[T], f: impl Fn(&T) -> Option<f64>) -> ArrayRef {
    Arc::new(Float64Array::from(rows.iter().map(f).collect::<Vec<_>>()))
}

/// First and last day of an ISO date value, as Arrow dates (days since 1970-01-01).
fn days<T>(rows: &[T], f: impl Fn(&T) -> Option<&str>) -> [ArrayRef; 2] {
    let spans: Vec<Option<(i64, i64)>> = rows.iter().map(|r| f(r).and_then(sitrep_fuse::interval)).collect();
    let day = |x: i64| i32::try_from(x).ok();
    [
        Arc::new(Date32Array::from(spans.iter().map(|s| s.and_then(|s| day(s.0))).collect::<Vec<_>>())),
        Arc::new(Date32Array::from(spans.iter().map(|s| s.and_then(|s| day(s.1))).collect::<Vec<_>>())),
    ]
}

fn string_list<T>(rows: &[T], f: impl Fn(&T) -> &[String]) -> ArrayRef {
    let mut b = ListBuilder::new(StringBuilder::new());
    for r in rows {
        for s in f(r) {
            b.values().append_value(s);
        }
        b.append(true);
    }
    Arc::new(b.finish())
}

fn party_fields() -> Fields {
    ["name", "text", "country", "sector"].iter().map(|n| Field::new(*n, DataType::Utf8, true)).collect()
}

fn party_list<T>(rows: &[T], f: impl Fn(&T) -> &[PartyRow]) -> Result<ArrayRef> {
    let mut b = ListBuilder::new(StructBuilder::from_fields(party_fields(), 0));
    for r in rows {
        for p in f(r) {
            let s = b.values();
            for (i, v) in [&p.name, &p.text, &p.country, &p.sector].into_iter().enumerate() {
                string_at(s, i)?.append_option(v.as_deref());
            }
            s.append(true);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}

fn string_at(s: &mut StructBuilder, i: usize) -> Result<&mut StringBuilder> {
    s.field_builder::<StringBuilder>(i).ok_or_else(|| Error::Invalid(format!("struct field {i} is not text")))
}

fn int_at(s: &mut StructBuilder, i: usize) -> Result<&mut Int64Builder> {
    s.field_builder::<Int64Builder>(i).ok_or_else(|| Error::Invalid(format!("struct field {i} is not an integer")))
}

/// The claim struct's fields: `(name, integer?)`, in order.
const CLAIM_FIELDS: [(&str, bool); 14] = [
    ("kind", false),
    ("count", true),
    ("qualifier", false),
    ("low", true),
    ("high", true),
    ("victims_text", false),
    ("victims_country", false),
    ("victims_sector", false),
    ("claimant", false),
    ("claimant_country", false),
    ("claimant_sector", false),
    ("status", false),
    ("span_start", true),
    ("span_end", true),
];

fn claim_list(rows: &[MentionRow]) -> Result<ArrayRef> {
    let fields: Fields = CLAIM_FIELDS
        .iter()
        .map(|(n, int)| Field::new(*n, if *int { DataType::Int64 } else { DataType::Utf8 }, true))
        .collect();
    let mut b = ListBuilder::new(StructBuilder::from_fields(fields, 0));
    for r in rows {
        for c in &r.claims {
            let s = b.values();
            claim_into(s, c)?;
            s.append(true);
        }
        b.append(true);
    }
    Ok(Arc::new(b.finish()))
}

fn claim_into(s: &mut StructBuilder, c: &ClaimRow) -> Result<()> {
    let texts: [(usize, Option<&str>); 9] = [
        (0, Some(&c.kind)),
        (2, c.qualifier.as_deref()),
        (5, c.victims_text.as_deref()),
        (6, c.victims_country.as_deref()),
        (7, c.victims_sector.as_deref()),
        (8, c.claimant.as_deref()),
        (9, c.claimant_country.as_deref()),
        (10, c.claimant_sector.as_deref()),
        (11, Some(&c.status)),
    ];
    for (i, v) in texts {
        string_at(s, i)?.append_option(v);
    }
    for (i, v) in [(1, c.count), (3, c.low), (4, c.high), (12, Some(c.span_start)), (13, Some(c.span_end))] {
        int_at(s, i)?.append_option(v);
    }
    Ok(())
}

/// The date and place columns that events and mentions share.
fn at_columns(rows: &[&AtRow]) -> Vec<(&'static str, ArrayRef)> {
    let [first, last] = days(rows, |r| r.date.as_deref());
    vec![
        ("date", strs(rows, |r| r.date.as_deref())),
        ("date_precision", strs(rows, |r| r.date_precision.as_deref())),
        ("date_first", first),
        ("date_last", last),
        ("country", strs(rows, |r| r.country.as_deref())),
        ("admin1", strs(rows, |r| r.admin1.as_deref())),
        ("place", strs(rows, |r| r.place.as_deref())),
        ("lat", floats(rows, |r| r.lat)),
        ("lon", floats(rows, |r| r.lon)),
        ("geo_precision", strs(rows, |r| r.geo_precision.as_deref())),
    ]
}

fn event_batch(rows: &[EventRow]) -> Result<RecordBatch> {
    let mut cols: Vec<(&str, ArrayRef)> = vec![
        ("id", strs(rows, |r| Some(&r.id))),
        ("event_type", strs(rows, |r| Some(&r.event_type))),
        ("mode", strs(rows, |r| r.mode.as_deref())),
        ("acled_event_type", strs(rows, |r| r.acled_type.as_deref())),
        ("acled_sub_event_type", strs(rows, |r| r.acled_sub_type.as_deref())),
        ("status", strs(rows, |r| Some(&r.status))),
    ];
    cols.extend(at_columns(&rows.iter().map(|r| &r.at).collect::<Vec<_>>()));
    cols.extend([
        ("fatalities_low", ints(rows, |r| r.fatalities[0])),
        ("fatalities_best", ints(rows, |r| r.fatalities[1])),
        ("fatalities_high", ints(rows, |r| r.fatalities[2])),
        ("injured_low", ints(rows, |r| r.injured[0])),
        ("injured_best", ints(rows, |r| r.injured[1])),
        ("injured_high", ints(rows, |r| r.injured[2])),
        ("n_mentions", ints(rows, |r| Some(r.n_mentions))),
        ("n_documents", ints(rows, |r| Some(r.n_documents))),
        ("langs", string_list(rows, |r| &r.langs)),
        ("actors", party_list(rows, |r| &r.actors)?),
        ("recipients", party_list(rows, |r| &r.recipients)?),
        ("headline", strs(rows, |r| Some(&r.headline))),
        (
            "has_contradictions",
            Arc::new(BooleanArray::from(rows.iter().map(|r| r.has_contradictions).collect::<Vec<_>>())),
        ),
        ("detail_json", strs(rows, |r| Some(&r.detail))),
    ]);
    Ok(RecordBatch::try_from_iter(cols)?)
}

fn mention_batch(rows: &[MentionRow]) -> Result<RecordBatch> {
    let mut cols: Vec<(&str, ArrayRef)> = vec![
        ("key", strs(rows, |r| Some(&r.key))),
        ("event_id", strs(rows, |r| r.event.as_deref())),
        ("document_id", strs(rows, |r| Some(&r.document))),
        ("content_hash", strs(rows, |r| Some(&r.content_hash))),
        ("event_type", strs(rows, |r| Some(&r.event_type))),
        ("status", strs(rows, |r| Some(&r.status))),
    ];
    cols.extend(at_columns(&rows.iter().map(|r| &r.at).collect::<Vec<_>>()));
    cols.extend([
        ("geonameid", ints(rows, |r| r.geonameid)),
        ("confidence", floats(rows, |r| r.confidence)),
        ("trigger", strs(rows, |r| r.trigger.as_deref())),
        ("trigger_start", ints(rows, |r| r.trigger_start)),
        ("trigger_end", ints(rows, |r| r.trigger_end)),
        ("evidence", strs(rows, |r| r.evidence.as_deref())),
        ("evidence_start", ints(rows, |r| r.evidence_start)),
        ("evidence_end", ints(rows, |r| r.evidence_end)),
        ("fusion_score", floats(rows, |r| r.fusion_score)),
        ("fusion_reasons_json", strs(rows, |r| r.fusion_reasons.as_deref())),
        ("claims", claim_list(rows)?),
    ]);
    Ok(RecordBatch::try_from_iter(cols)?)
}

fn document_batch(rows: &[DocumentRow]) -> Result<RecordBatch> {
    let cols: Vec<(&str, ArrayRef)> = vec![
        ("id", strs(rows, |r| Some(&r.id))),
        ("content_hash", strs(rows, |r| Some(&r.content_hash))),
        ("url", strs(rows, |r| r.url.as_deref())),
        ("source", strs(rows, |r| r.source.as_deref())),
        ("title", strs(rows, |r| r.title.as_deref())),
        ("published", strs(rows, |r| r.published.as_deref())),
        ("lang", strs(rows, |r| r.lang.as_deref())),
        ("origin", strs(rows, |r| Some(&r.origin))),
        ("analysed_by", strs(rows, |r| r.analysed_by.as_deref())),
        ("n_mentions", ints(rows, |r| Some(r.n_mentions))),
        ("text", strs(rows, |r| Some(&r.text))),
    ];
    Ok(RecordBatch::try_from_iter(cols)?)
}

#[cfg(test)]
mod tests;
