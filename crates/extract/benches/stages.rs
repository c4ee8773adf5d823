//! Throughput of each stage of the analysis, on the repository's own example articles
//! in every language (`examples/<lang>/`), so that a gain or a loss in one stage shows
//! by itself: folding, tokenizing and sentences (`prepare`), the one-walk lexicon index,
//! numbers, dates, places, actors, the whole analysis, and the JSON record. Each stage
//! runs on the previous stages' output, prepared outside the measurement.
//! Run: `cargo bench -p sitrep-extract --bench stages`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sitrep_core::{Document, Text};
use sitrep_lexicon::LangPack;

/// The example articles, with their language's pack.
fn corpus() -> Vec<(Document, &'static LangPack)> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut docs = Vec::new();
    let mut langs: Vec<_> = std::fs::read_dir(root).expect("examples/").flatten().map(|e| e.path()).collect();
    langs.sort();
    for dir in langs {
        let lang = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let Some(pack) = sitrep_lexicon::lang_pack(&lang) else { continue };
        let mut files: Vec<_> =
            std::fs::read_dir(&dir).expect("a language folder").flatten().map(|e| e.path()).collect();
        files.sort();
        for f in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "txt")) {
            let text = std::fs::read_to_string(&f).expect("an example article");
            let id = f.display().to_string();
            let doc = Document { id, text, lang: Some(lang.clone()), published: None, ..Document::default() };
            docs.push((doc, pack));
        }
    }
    assert!(docs.len() >= 10, "examples in every language");
    docs
}

fn prepared<'a>(docs: &'a [(Document, &'static LangPack)]) -> Vec<(Text<'a>, &'static LangPack)> {
    docs.iter().map(|(d, p)| (sitrep_text::prepare(&d.text, &|s| p.is_abbreviation(s)), *p)).collect()
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let config = sitrep_extract::Config::default();
    let bytes: usize = docs.iter().map(|(d, _)| d.text.len()).sum();
    // Warm the lazily parsed data packs outside the measurement.
    for (d, _) in &docs {
        sitrep_extract::analyze(d, &config);
    }
    let texts = prepared(&docs);
    let mut g = c.benchmark_group("stages");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("prepare (fold, tokens, sentences)", |b| b.iter(|| std::hint::black_box(prepared(&docs))));
    g.bench_function("index (one automaton walk per token)", |b| {
        b.iter(|| {
            for (t, p) in &texts {
                std::hint::black_box(p.index(t));
            }
        })
    });
    let indexes: Vec<_> = texts.iter().map(|(t, p)| (p.index(t), *p)).collect();
    g.bench_function("numbers", |b| {
        b.iter(|| {
            for (ix, p) in &indexes {
                std::hint::black_box(sitrep_numbers::find_numbers(ix, p));
            }
        })
    });
    let numbers: Vec<_> = indexes.iter().map(|(ix, p)| sitrep_numbers::find_numbers(ix, p)).collect();
    g.bench_function("dates", |b| {
        b.iter(|| {
            for ((ix, p), n) in indexes.iter().zip(&numbers) {
                std::hint::black_box(sitrep_dates::find_dates(ix, p, n, None));
            }
        })
    });
    g.bench_function("places", |b| {
        b.iter(|| {
            for (ix, p) in &indexes {
                std::hint::black_box(sitrep_geo::find_places(ix, p));
            }
        })
    });
    let places: Vec<_> = indexes.iter().map(|(ix, p)| sitrep_geo::find_places(ix, p)).collect();
    g.bench_function("actors", |b| {
        b.iter(|| {
            for ((ix, p), pl) in indexes.iter().zip(&places) {
                std::hint::black_box(sitrep_extract::actors::find_actors(ix, p, pl));
            }
        })
    });
    g.bench_function("whole analysis (all stages, roles, rules)", |b| {
        b.iter(|| {
            for (d, _) in &docs {
                std::hint::black_box(sitrep_extract::analyze(d, &config));
            }
        })
    });
    let analyses: Vec<_> = docs.iter().map(|(d, _)| sitrep_extract::analyze(d, &config)).collect();
    g.bench_function("output (JSON record)", |b| {
        b.iter(|| {
            for ((d, _), a) in docs.iter().zip(&analyses) {
                std::hint::black_box(sitrep_output::to_string(d, a));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
