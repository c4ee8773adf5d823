//! Ingest throughput with extraction included: analyse + store + fuse, one core.
//!
//! `cargo bench -p sitrep-store`. The corpus is the repository's example articles,
//! repeated with a distinguishing line so that each copy is a new document.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sitrep_core::Document;
use sitrep_store::{FuseParams, NewDocument, Store};

fn corpus(copies: usize) -> Vec<Document> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut texts = Vec::new();
    for lang in ["fr", "en", "es"] {
        let mut entries: Vec<_> = std::fs::read_dir(format!("{root}/{lang}")).unwrap().flatten().collect();
        entries.sort_by_key(|e| e.path());
        for e in entries {
            texts.push(std::fs::read_to_string(e.path()).unwrap());
        }
    }
    (0..copies)
        .flat_map(|i| {
            texts.iter().enumerate().map(move |(j, t)| Document {
                id: format!("d{i}-{j}"),
                text: format!("{t}\n\nDispatch {i}."),
                published: Some(format!("2022-09-{:02}", 1 + i % 28)),
                ..Document::default()
            })
        })
        .collect()
}

fn ingest(c: &mut Criterion) {
    let docs = corpus(50);
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let config = sitrep_extract::Config::default();
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10);
    g.throughput(Throughput::Elements(docs.len() as u64));
    g.bench_function(format!("{} articles, {} KiB: analyse, store, fuse", docs.len(), bytes / 1024), |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            let mut store = Store::open(&dir.path().join("b.db")).unwrap();
            let prepared: Vec<_> = docs
                .iter()
                .map(|d| {
                    let a = sitrep_extract::analyze(d, &config);
                    (sitrep_ingest::content_hash(&d.text), sitrep_output::to_string(d, &a))
                })
                .collect();
            for chunk in docs.iter().zip(&prepared).collect::<Vec<_>>().chunks(256) {
                let new: Vec<NewDocument<'_>> = chunk
                    .iter()
                    .map(|(d, (h, r))| NewDocument {
                        doc: d,
                        origin: "bench",
                        content_hash: h,
                        record: r,
                        analysed_by: "bench",
                    })
                    .collect();
                store.put(&new).unwrap();
            }
            store.fuse(&FuseParams::default()).unwrap();
        })
    });
    g.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
