//! A fast, deterministic smoke run of every fuzz target: the built-in seed corpus, then
//! `SITREP_FUZZ_ITERS` (default 200; 50 for `html` and `extract`) pseudo-random mutations
//! per seed (xorshift with a fixed seed: byte flips, insertions of interesting tokens,
//! deletions, truncations, splices with the target's other seeds), then every reproducer
//! in `tests/regressions/`. A failing mutant is saved to the temporary directory.
//!
//! Reproducers of fixed bugs (`tests/regressions/<target>-<n>.bin`) must pass; those of
//! known open bugs (`tests/regressions/open/<target>-<n>.bin`, listed in
//! `sitrep_fuzz::KNOWN`) must pass as the targets step around them, and are replayed once
//! more with the known bugs asserted, to report whether each one is still there.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A line on the real standard error (not captured by the test harness), so that CI logs
/// show the counts.
fn report(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Mutants per seed: `SITREP_FUZZ_ITERS` (default 200), a quarter of that for the targets
/// that parse HTML or analyse articles (a hundred times slower per input).
fn iters(target: &str) -> usize {
    let n: usize = std::env::var("SITREP_FUZZ_ITERS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    if matches!(target, "html" | "extract") { n.div_ceil(4) } else { n }
}

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-ish in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Byte strings that reach interesting code when inserted anywhere.
const TOKENS: &[&[u8]] = &[
    b"<script>",
    b"</script>",
    b"<p>",
    b"</div>",
    b"<!--",
    b"-->",
    b"&#",
    b"&lt;",
    b"&amp;",
    b"<![CDATA[",
    b"]]>",
    b"\r\n\r\n",
    b"\n",
    b"WARC/1.0\r\n",
    b"Content-Length: ",
    b"{\"text\": \"",
    b"\"",
    b"\\u",
    b"%",
    b"=",
    b"&",
    b",",
    b"1e9999",
    b"31 f\xc3\xa9vrier",
    b"29 February",
    b"entre 10 et ",
    b"at least ",
    b" killed",
    b" tu\xc3\xa9s",
    b"mardi prochain",
    b"hier soir",
    b"last week",
    b"2022-09-13",
    b"9999",
    b"\xe2\x80\x8b",
    b"\xe2\x80\xae",
    b"\xef\xbb\xbf",
    b"\xf0\x9f\x94\xa5",
    b"e\xcc\x81",
    b"\xc3",
    b"\x80",
    b"\xff\xfe",
    b"\x00",
];

/// One mutant of `seed` (up to four edits), possibly spliced with another seed.
fn mutate(rng: &mut Rng, seed: &[u8], others: &[Vec<u8>]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(8) {
            0 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = at.min(v.len() - 1);
                v[i] = rng.next() as u8;
            }
            2 | 3 => {
                let t = TOKENS[rng.below(TOKENS.len())];
                v.splice(at..at, t.iter().copied());
            }
            4 => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at.min(end)..end);
            }
            5 => v.truncate(at),
            6 if !v.is_empty() => {
                let a = rng.below(v.len());
                let b = (a + 1 + rng.below(64)).min(v.len());
                let copy = v[a..b].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, copy);
            }
            _ if !others.is_empty() => {
                let other = &others[rng.below(others.len())];
                let from = rng.below(other.len() + 1);
                v.truncate(at);
                v.extend_from_slice(&other[from..]);
            }
            _ => v.push(rng.next() as u8),
        }
    }
    v
}

/// Inputs larger than this are run as they are, not mutated (they are slow to analyse).
const MUTATE_MAX: usize = 4 << 10;

fn smoke(target: &str) {
    let started = Instant::now();
    let seeds = sitrep_fuzz::seeds(target);
    assert!(!seeds.is_empty(), "no seeds for {target}");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ target.len() as u64);
    let mut runs = 0usize;
    for s in &seeds {
        sitrep_fuzz::run(target, s);
        runs += 1;
    }
    let small: Vec<Vec<u8>> = seeds.into_iter().filter(|s| s.len() <= MUTATE_MAX).collect();
    for _ in 0..iters(target) {
        for s in &small {
            let m = mutate(&mut rng, s, &small);
            let outcome = std::panic::catch_unwind(|| sitrep_fuzz::run(target, &m));
            if let Err(e) = outcome {
                let path = std::env::temp_dir().join(format!("sitrep-fuzz-smoke-{target}.bin"));
                let _ = std::fs::write(&path, &m);
                report(&format!("{target}: mutant failed; input saved to {}", path.display()));
                std::panic::resume_unwind(e);
            }
            runs += 1;
        }
    }
    let replayed = replay(target);
    report(&format!(
        "sitrep-fuzz smoke: {target}: {runs} executions ({} seeds x {} iterations + seeds), {replayed} regression \
         files, {:.1} s",
        small.len(),
        iters(target),
        started.elapsed().as_secs_f64()
    ));
}

/// The reproducers of one target in a folder.
fn files(dir: &Path, target: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    out.retain(|p| {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        p.extension().is_some_and(|e| e == "bin") && name.rsplit_once('-').is_some_and(|(t, _)| t == target)
    });
    out.sort();
    out
}

fn replay(target: &str) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/regressions");
    let fixed = files(&dir, target);
    for p in &fixed {
        let data = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        sitrep_fuzz::run(target, &data);
    }
    let open = files(&dir.join("open"), target);
    for p in &open {
        let data = std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        sitrep_fuzz::run(target, &data);
        let still = std::panic::catch_unwind(|| sitrep_fuzz::run_strict(target, &data)).is_err();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        report(&format!(
            "sitrep-fuzz smoke: {target}: open bug {name}: {}",
            if still { "still reproduces" } else { "no longer reproduces: move it to tests/regressions/" }
        ));
    }
    fixed.len() + open.len()
}

#[test]
fn every_target_has_seeds_and_a_test() {
    for t in sitrep_fuzz::TARGETS {
        assert!(!sitrep_fuzz::seeds(t).is_empty(), "{t}");
    }
    assert_eq!(sitrep_fuzz::TARGETS.len(), 8, "add a #[test] below for the new target");
}

#[test]
fn extract() {
    smoke("extract");
}

#[test]
fn jsonl() {
    smoke("jsonl");
}

#[test]
fn html() {
    smoke("html");
}

#[test]
fn feed() {
    smoke("feed");
}

#[test]
fn warc() {
    smoke("warc");
}

#[test]
fn decode() {
    smoke("decode");
}

#[test]
fn numbers_dates() {
    smoke("numbers_dates");
}

#[test]
fn api_params() {
    smoke("api_params");
}
