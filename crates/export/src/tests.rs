use super::*;

use arrow_array::cast::AsArray;
use arrow_array::types::Int64Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use sitrep_core::Document;
use sitrep_store::NewDocument;

/// The repository's example articles, analysed and stored, then fused.
fn store_with_examples() -> Store {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut docs = Vec::new();
    for lang in ["fr", "en", "es", "de"] {
        let mut entries: Vec<_> = std::fs::read_dir(format!("{root}/{lang}")).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let stem = e.path().file_stem().unwrap().to_string_lossy().to_string();
            // The file name ends in the publication date, where it has one.
            let published = stem.get(stem.len().saturating_sub(10)..).filter(|d| sitrep_fuse::interval(d).is_some());
            docs.push(Document {
                id: format!("{lang}/{stem}"),
                text,
                published: published.map(str::to_string),
                ..Document::default()
            });
        }
    }
    let config = sitrep_extract::Config::default();
    let mut store = Store::in_memory().unwrap();
    // One article a transaction, as a feed brings them.
    for d in &docs {
        let (hash, record) =
            (sitrep_ingest::content_hash(&d.text), sitrep_output::to_string(d, &sitrep_extract::analyze(d, &config)));
        let one = NewDocument { doc: d, origin: "test", content_hash: &hash, record: &record, analysed_by: "test" };
        store.put(&[one]).unwrap();
    }
    store.fuse(&sitrep_store::FuseParams::default()).unwrap();
    store
}

/// Every batch of every file of a table, read back with the parquet crate's reader.
fn read_table(dir: &Path, table: &str) -> Vec<(String, RecordBatch)> {
    let mut out = Vec::new();
    let mut parts: Vec<_> = std::fs::read_dir(dir.join(table)).unwrap().flatten().map(|e| e.path()).collect();
    parts.sort();
    for part in parts {
        let month = part.file_name().unwrap().to_string_lossy().trim_start_matches("month=").to_string();
        let file = std::fs::File::open(part.join("part-0.parquet")).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
        for b in reader {
            out.push((month.clone(), b.unwrap()));
        }
    }
    out
}

#[test]
fn parquet_reads_back_with_every_row_and_type() {
    let store = store_with_examples();
    let counts = store.counts().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("export");
    let s = write_parquet(&store, &out).unwrap();
    assert_eq!((s.events, s.mentions, s.documents), (counts.events, counts.mentions, counts.documents));

    let events = read_table(&out, "events");
    assert_eq!(events.iter().map(|b| b.1.num_rows() as u64).sum::<u64>(), counts.events);
    let schema = events[0].1.schema();
    assert_eq!(schema.field_with_name("fatalities_best").unwrap().data_type(), &DataType::Int64);
    assert_eq!(schema.field_with_name("date_first").unwrap().data_type(), &DataType::Date32);
    assert_eq!(schema.field_with_name("lat").unwrap().data_type(), &DataType::Float64);
    assert!(matches!(schema.field_with_name("actors").unwrap().data_type(), DataType::List(f)
        if matches!(f.data_type(), DataType::Struct(fs) if fs.len() == 4)));
    // The seed's border fighting is in September 2022, and its month folder holds it.
    let months: Vec<&str> = events.iter().map(|b| b.0.as_str()).collect();
    assert!(months.contains(&"2022-09"), "{months:?}");
    for (month, b) in &events {
        let dates = b.column_by_name("date").unwrap().as_string::<i32>();
        for d in dates.iter().flatten() {
            if month != sitrep_store::NO_MONTH {
                assert!(d.starts_with(month.as_str()), "{d} in month={month}");
            }
        }
    }
    // The best killed figures survive the trip.
    let best: i64 = events
        .iter()
        .map(|b| {
            b.1.column_by_name("fatalities_best").unwrap().as_primitive::<Int64Type>().iter().flatten().sum::<i64>()
        })
        .sum();
    let stored: i64 = store
        .event_months()
        .unwrap()
        .iter()
        .flat_map(|m| store.events_of_month(m).unwrap())
        .filter_map(|r| r.fatalities[1])
        .sum();
    assert_eq!(best, stored);
    assert!(best > 0);

    let mentions = read_table(&out, "mentions");
    assert_eq!(mentions.iter().map(|b| b.1.num_rows() as u64).sum::<u64>(), counts.mentions);
    let claims: usize = mentions
        .iter()
        .map(|b| {
            let l = b.1.column_by_name("claims").unwrap().as_list::<i32>();
            l.values().len()
        })
        .sum();
    assert_eq!(claims as u64, counts.claims);
    // Every mention names its event, and the events it names are exported.
    let ids: std::collections::BTreeSet<String> = events
        .iter()
        .flat_map(|b| {
            b.1.column_by_name("id")
                .unwrap()
                .as_string::<i32>()
                .iter()
                .flatten()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    for (_, b) in &mentions {
        for e in b.column_by_name("event_id").unwrap().as_string::<i32>().iter() {
            assert!(ids.contains(e.expect("a mention without event")));
        }
    }
    let docs = read_table(&out, "documents");
    assert_eq!(docs.iter().map(|b| b.1.num_rows() as u64).sum::<u64>(), counts.documents);

    // Exporting again replaces the export; a folder of other files is refused.
    write_parquet(&store, &out).unwrap();
    assert_eq!(read_table(&out, "events").iter().map(|b| b.1.num_rows() as u64).sum::<u64>(), counts.events);
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    assert!(matches!(write_parquet(&store, &other), Err(Error::Invalid(_))));
    assert!(other.join("notes.txt").exists());
}
