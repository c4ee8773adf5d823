//! Throughput of `analyze` on a mixed French/English set of article-sized texts (the
//! repository's own examples). Run: `cargo bench -p sitrep-extract`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sitrep_core::Document;

fn corpus() -> Vec<Document> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut docs = Vec::new();
    for (lang, file) in [("fr", "fr/armenia-azerbaijan-2022-09-13.txt"), ("en", "en/sample-clashes.txt")] {
        let text = std::fs::read_to_string(format!("{root}/{file}")).expect("example article");
        docs.push(Document {
            id: file.into(),
            text,
            lang: Some(lang.into()),
            published: Some("2022-09-13".into()),
            ..Document::default()
        });
    }
    docs
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let config = sitrep_extract::Config::default();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    // Warm the lazily parsed data packs outside the measurement.
    for d in &docs {
        sitrep_extract::analyze(d, &config);
    }
    let mut g = c.benchmark_group("extract");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("analyze fr+en articles", |b| {
        b.iter(|| {
            for d in &docs {
                std::hint::black_box(sitrep_extract::analyze(d, &config));
            }
        })
    });
    g.bench_function("analyze + JSON output", |b| {
        b.iter(|| {
            for d in &docs {
                let a = sitrep_extract::analyze(d, &config);
                std::hint::black_box(sitrep_output::to_string(d, &a));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
