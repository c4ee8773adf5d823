//! One batch of the ingest-growth benchmark (`tools/bench/store_growth.py` drives it):
//! puts `--size` synthetic result records into the store at `--db` and fuses, then
//! prints one JSON line with the batch's CPU seconds, wall seconds and peak memory (this
//! process's, from `/proc/self`), and how many mentions fusion took up again.
//!
//! The records are what extraction would have stored, made here so that the figures
//! measure the store alone: a feed of `--size` articles a day (batch `k` is day `k`),
//! about five articles per incident, incidents at 3,000 places in 40 countries, each
//! article with a proper name or two of its incident, its own killed figure, and a
//! background mention dated years before. Deterministic (batch number as the seed).
//!
//! `cargo run --release -p sitrep-store --example growth -- --db X.db --batch K --size N`

use serde_json::{Value, json};
use sitrep_core::Document;
use sitrep_store::{FuseParams, NewDocument, Store};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const TYPES: [&str; 6] = ["ASSAULT", "FIGHT", "PROTEST", "COERCE", "ACCUSE", "MOBILIZE"];
const SYLLABLES: [&str; 16] =
    ["ka", "lo", "mi", "ra", "to", "ven", "sa", "dor", "li", "na", "bel", "ur", "ze", "fa", "go", "ti"];

fn word(rng: &mut Rng, parts: u64) -> String {
    let mut w = String::new();
    for _ in 0..2 + rng.below(parts) {
        w.push_str(SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize]);
    }
    let mut cs = w.chars();
    cs.next().map(|c| c.to_uppercase().chain(cs).collect()).unwrap_or_default()
}

fn day_iso(day: i64) -> String {
    // Day 0 is 2024-01-01.
    let base = sitrep_dates::Ymd::new(2024, 1, 1).map_or(0, |d| d.days());
    sitrep_dates::Ymd::from_days(base + day).iso()
}

fn event(
    trigger: i64,
    ty: &str,
    status: &str,
    date: &str,
    place: u64,
    killed: Option<u64>,
    parties: &[String],
) -> Value {
    let country = format!("C{:02}", place % 40);
    let (lat, lon) = ((place % 120) as f64 - 60.0 + (place / 120) as f64 * 0.01, (place % 97) as f64 * 3.0 - 145.0);
    let party = |c: &String| json!({"text": c, "name": c, "country": c, "sector": "military"});
    json!({
        "id": format!("ev{trigger}"),
        "event_type": ty,
        "status": status,
        "mode": "physical",
        "trigger": {"text": "attack", "start": trigger, "end": trigger + 6},
        "evidence": {"text": "synthetic", "start": 0, "end": 9},
        "date": {"value": date, "precision": "day"},
        "location": {"name": format!("P{place}"), "text": format!("P{place}"), "country": country,
            "admin1": format!("{country}.{}", place % 7), "geonameid": 10_000_000 + place, "lat": lat, "lon": lon,
            "precision": "city"},
        "actors": parties.iter().take(1).map(party).collect::<Vec<_>>(),
        "recipients": parties.iter().skip(1).map(party).collect::<Vec<_>>(),
        "casualties": killed.map(|k| vec![json!({"kind": "killed", "count": k, "qualifier": "exact", "status": status,
            "claimant": {"text": "officials", "name": "officials"}, "span": {"start": 0, "end": 9}})]).unwrap_or_default(),
    })
}

fn main() {
    let mut db = None;
    let (mut batch, mut size) = (0u64, 10_000u64);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--db" => db = args.next(),
            "--batch" => batch = args.next().and_then(|x| x.parse().ok()).unwrap_or(0),
            "--size" => size = args.next().and_then(|x| x.parse().ok()).unwrap_or(10_000),
            _ => {
                eprintln!("usage: growth --db PATH --batch K --size N");
                std::process::exit(2);
            }
        }
    }
    let Some(db) = db else {
        eprintln!("usage: growth --db PATH --batch K --size N");
        std::process::exit(2);
    };
    let mut rng = Rng(batch.wrapping_mul(0x1234_5678_9ABC_DEF1) ^ 0xDEAD_BEEF);
    let day = batch as i64;
    let incidents = (size / 5).max(1);
    struct Incident {
        ty: &'static str,
        place: u64,
        day: i64,
        killed: u64,
        names: Vec<String>,
        parties: Vec<String>,
    }
    let list: Vec<Incident> = (0..incidents)
        .map(|_| {
            let place = rng.below(3000);
            Incident {
                ty: TYPES[rng.below(TYPES.len() as u64) as usize],
                place,
                // Today's or yesterday's.
                day: day - rng.below(2) as i64,
                killed: 1 + rng.below(40),
                names: (0..1 + rng.below(2)).map(|_| format!("{} {}", word(&mut rng, 2), word(&mut rng, 3))).collect(),
                parties: (0..rng.below(3)).map(|i| format!("C{:02}", (place + i * 7) % 40)).collect(),
            }
        })
        .collect();
    let mut docs = Vec::with_capacity(size as usize);
    let mut records = Vec::with_capacity(size as usize);
    for i in 0..size {
        let inc = &list[rng.below(incidents) as usize];
        let date = day_iso(inc.day);
        let published = day_iso(day);
        let killed = inc.killed + rng.below(3);
        let text = format!(
            "Report {batch}-{i} from P{}. Officials said {} were killed. Witnesses named {} among them. Years ago, \
             fighting there killed many.",
            inc.place,
            killed,
            inc.names.join(" and ")
        );
        let evs = vec![
            event(14, inc.ty, "current", &date, inc.place, Some(killed), &inc.parties),
            event(90, "ASSAULT", "historical", &day_iso(day - 3000), inc.place, None, &[]),
        ];
        let doc = Document {
            id: format!("g{batch}-{i}"),
            text,
            published: Some(published),
            lang: Some("en".into()),
            ..Document::default()
        };
        let record = json!({"doc": {"id": doc.id, "lang": "en", "published": doc.published}, "events": evs,
            "contradictions": []})
        .to_string();
        docs.push(doc);
        records.push(record);
    }
    let hashes: Vec<String> =
        docs.iter().map(|d| format!("{:016x}{:016x}", batch, d.id.len() as u64 ^ hash(&d.id))).collect();
    // Peak heap (anonymous) memory, sampled: the resident peak also counts the database
    // pages SQLite maps (up to its 256 MiB mmap_size), which grow with the file.
    let peak_anon = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (peak, done) = (peak_anon.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak.fetch_max(status_kb("RssAnon:"), std::sync::atomic::Ordering::Relaxed);
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
        })
    };
    let (cpu0, wall0) = (cpu_seconds(), std::time::Instant::now());
    let mut store = Store::open(std::path::Path::new(&db)).expect("open the store");
    let before = store.counts().expect("counts").documents;
    for chunk in (0..docs.len()).collect::<Vec<_>>().chunks(256) {
        let new: Vec<NewDocument<'_>> = chunk
            .iter()
            .map(|&i| NewDocument {
                doc: &docs[i],
                origin: "growth",
                content_hash: &hashes[i],
                record: &records[i],
                analysed_by: "growth",
            })
            .collect();
        store.put(&new).expect("put");
    }
    let put_cpu = cpu_seconds() - cpu0;
    let report = store.fuse(&FuseParams::default()).expect("fuse");
    let (cpu, wall) = (cpu_seconds() - cpu0, wall0.elapsed().as_secs_f64());
    peak_anon.fetch_max(status_kb("RssAnon:"), std::sync::atomic::Ordering::Relaxed);
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = sampler.join();
    let anon_mb = (peak_anon.load(std::sync::atomic::Ordering::Relaxed) as f64 / 1024.0 * 10.0).round() / 10.0;
    println!(
        "{}",
        json!({"batch": batch, "articles_before": before, "articles_added": size, "cpu_s": round(cpu),
            "put_cpu_s": round(put_cpu), "fuse_cpu_s": round(cpu - put_cpu), "wall_s": round(wall),
            "peak_rss_mb": status_kb("VmHWM:") as f64 / 1024.0, "peak_heap_mb": anon_mb, "mentions_refused": report.refused, "events": report.events})
    );
}

fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// User plus system CPU seconds of this process (`/proc/self/stat`, 100 ticks a second).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|x| x.1).unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the name.
    (t(11) + t(12)) / 100.0
}

/// A memory figure of `/proc/self/status` in kB (`VmHWM:` peak resident, `RssAnon:`
/// resident heap now).
fn status_kb(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|kb| kb.parse().ok())
        .unwrap_or(0)
}
