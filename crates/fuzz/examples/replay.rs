//! Runs one target on files (crash artifacts, reproducers) or, without files, on its seed
//! corpus, and says which inputs break an invariant and how:
//!
//! ```text
//! cargo run -p sitrep-fuzz --example replay -- extract fuzz/artifacts/extract/crash-*
//! SITREP_FUZZ_STRICT=1 cargo run -p sitrep-fuzz --example replay -- api_params
//! ```

use std::panic;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((target, files)) = args.split_first() else {
        eprintln!("usage: replay TARGET [FILE...]; targets: {}", sitrep_fuzz::TARGETS.join(", "));
        std::process::exit(2);
    };
    let inputs: Vec<(String, Vec<u8>)> = if files.is_empty() {
        sitrep_fuzz::seeds(target).into_iter().enumerate().map(|(i, s)| (format!("seed {i}"), s)).collect()
    } else {
        files.iter().map(|f| (f.clone(), std::fs::read(f).unwrap_or_else(|e| panic!("{f}: {e}")))).collect()
    };
    panic::set_hook(Box::new(|_| {}));
    let mut failed = 0;
    for (name, data) in &inputs {
        let t = std::time::Instant::now();
        let outcome = panic::catch_unwind(|| sitrep_fuzz::run(target, data));
        let ms = t.elapsed().as_millis();
        match outcome {
            Ok(()) => println!("ok    {name} ({} bytes, {ms} ms)", data.len()),
            Err(e) => {
                failed += 1;
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                println!("FAIL  {name} ({} bytes, {ms} ms): {msg}", data.len());
            }
        }
    }
    println!("{failed} of {} inputs failed", inputs.len());
    std::process::exit(i32::from(failed > 0));
}
