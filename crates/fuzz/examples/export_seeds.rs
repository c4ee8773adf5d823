//! Writes every target's seed corpus to `DIR/<target>/seed-NNN` (default `fuzz/corpus`),
//! for `cargo fuzz run`. Inputs over 64 KiB are left out: libFuzzer would take its
//! maximum input length from them and slow down.
//!
//! ```text
//! cargo run -p sitrep-fuzz --example export_seeds -- fuzz/corpus
//! ```

fn main() {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "fuzz/corpus".into()));
    for target in sitrep_fuzz::TARGETS {
        let out = dir.join(target);
        std::fs::create_dir_all(&out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
        let seeds: Vec<Vec<u8>> = sitrep_fuzz::seeds(target).into_iter().filter(|s| s.len() <= 64 << 10).collect();
        for (i, s) in seeds.iter().enumerate() {
            let path = out.join(format!("seed-{i:03}"));
            std::fs::write(&path, s).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        println!("{target}: {} seeds in {}", seeds.len(), out.display());
    }
}
