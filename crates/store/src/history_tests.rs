//! "What did we know on day D": a sequence of ingests and analyst decisions replayed at
//! fixed instants, the dataset recorded after each step, then asked for as of each step.

use super::*;
use serde_json::json;
use sitrep_core::Document;

const FR: &str = include_str!("../../../examples/fr/armenia-azerbaijan-2022-09-13.txt");
const EN: &str = include_str!("../../../examples/en/armenia-azerbaijan-border-2022-09-13.txt");
const ES: &str = include_str!("../../../examples/es/armenia-azerbaiyan-2022-09-13.txt");

fn put(store: &mut Store, id: &str, text: &str) {
    let d = Document { id: id.into(), text: text.into(), published: Some("2022-09-13".into()), ..Document::default() };
    let a = sitrep_extract::analyze(&d, &sitrep_extract::Config::default());
    let record = sitrep_output::to_string(&d, &a);
    let hash = sitrep_ingest::content_hash(&d.text);
    let new = NewDocument { doc: &d, origin: "test", content_hash: &hash, record: &record, analysed_by: "test" };
    store.put(&[new]).unwrap();
    store.fuse(&FuseParams::default()).unwrap();
}

fn query(as_of: Option<&str>) -> EventQuery {
    EventQuery { limit: 1000, status: None, as_of: as_of.map(str::to_string), ..EventQuery::default() }
}

/// The page without its echo of the instant (what differs between "now" and "as of").
fn page(store: &Store, q: &EventQuery) -> Value {
    let mut p = store.events(q).unwrap();
    p.as_object_mut().unwrap().remove("as_of");
    p
}

/// What a reader saw right after a step: the event list, each event's detail, stats.
struct Seen {
    at: String,
    events: Value,
    details: Vec<Value>,
    by_country: Value,
}

fn look(store: &Store, at: &str) -> Seen {
    let events = page(store, &query(None));
    let details = events["items"].as_array().unwrap().iter().map(|e| store.event(e["id"].as_str().unwrap()).unwrap());
    Seen {
        at: at.into(),
        details: details.collect(),
        by_country: store.stats("country", &query(None)).unwrap(),
        events,
    }
}

fn version_rows(store: &Store) -> (i64, i64) {
    let n = |t: &str| store.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap();
    (n("event_versions"), n("member_versions"))
}

#[test]
fn the_dataset_as_it_stood_after_each_step() {
    let mut s = Store::in_memory().unwrap();
    let mut seen = Vec::new();
    let step = |s: &Store, at: &str| s.set_clock(Some(at)).unwrap();
    step(&s, "2022-09-13T08:00Z");
    put(&mut s, "fr", FR);
    seen.push(look(&s, "2022-09-13T09:00Z"));
    step(&s, "2022-09-13T20:00Z");
    put(&mut s, "en", EN);
    seen.push(look(&s, "2022-09-13T21:00Z"));
    step(&s, "2022-09-14T09:00Z");
    put(&mut s, "es", ES);
    seen.push(look(&s, "2022-09-14T10:00Z"));
    // An analyst splits the Spanish report out of the fused border fighting.
    step(&s, "2022-09-15T10:00Z");
    let fused = page(&s, &query(None))["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["langs"].as_array().unwrap().len() == 3)
        .expect("the three reports fused")
        .clone();
    let id = fused["id"].as_str().unwrap().to_string();
    let detail = s.event(&id).unwrap();
    let es: Vec<String> = detail["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["document"]["lang"] == "es")
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    s.split(&id, &es, "analyst").unwrap();
    seen.push(look(&s, "2022-09-15T11:00Z"));

    // The replay is not vacuous: each step changed what a reader saw.
    for w in seen.windows(2) {
        assert_ne!(w[0].details, w[1].details, "{} -> {}", w[0].at, w[1].at);
    }
    let langs = |v: &Seen| v.details.iter().map(|d| d["langs"].as_array().unwrap().len()).max();
    assert_eq!(seen.iter().map(langs).collect::<Vec<_>>(), [Some(1), Some(2), Some(3), Some(2)]);

    // A full fusion that changes nothing keeps one version of each event.
    let before = version_rows(&s);
    step(&s, "2022-09-16T00:00Z");
    s.fuse_all(&FuseParams::default()).unwrap();
    assert_eq!(version_rows(&s), before);
    assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());

    s.set_clock(None).unwrap();
    for v in &seen {
        let q = query(Some(&parse_instant(&v.at).unwrap()));
        assert_eq!(page(&s, &q), v.events, "events as of {}", v.at);
        assert_eq!(s.stats("country", &q).unwrap(), v.by_country, "stats as of {}", v.at);
        for d in &v.details {
            let mut then = s.event_as_of(d["id"].as_str().unwrap(), q.as_of.as_deref()).unwrap();
            assert_eq!(then.as_object_mut().unwrap().remove("as_of"), Some(json!(q.as_of)));
            assert_eq!(&then, d, "event {} as of {}", d["id"], v.at);
        }
    }
    // Before the first article the store held nothing; an event not yet made is not found.
    let dawn = query(Some("2022-09-13T07:00:00.000000Z"));
    assert_eq!(page(&s, &dawn)["total"], 0);
    assert!(matches!(s.event_as_of(&id, dawn.as_of.as_deref()), Err(Error::NotFound(_))));
    // Full-text search reads the reports that were members then.
    let text = |at: &str| {
        let q = EventQuery { text: Some("Azerbaiyán".into()), ..query(Some(&parse_instant(at).unwrap())) };
        page(&s, &q)["total"].as_i64().unwrap()
    };
    assert_eq!(text("2022-09-13T21:00Z"), 0, "the Spanish report was not in yet");
    assert!(text("2022-09-14T10:00Z") >= 1);
}

#[test]
fn history_starts_when_the_store_kept_it() {
    let mut s = Store::in_memory().unwrap();
    s.set_clock(Some("2022-09-13T08:00Z")).unwrap();
    put(&mut s, "fr", FR);
    // As if migrated to history then, holding documents from before: a question about an
    // earlier time is refused, not answered with what the store cannot know.
    s.conn
        .execute_batch(
            "INSERT OR REPLACE INTO meta(key, value) VALUES ('history_before', '1'),
                ('history_since', '2022-09-13T08:00:00.000000Z')",
        )
        .unwrap();
    let early = query(Some("2022-09-01T00:00:00.000000Z"));
    let err = s.events(&early).unwrap_err().to_string();
    assert!(err.contains("history since"), "{err}");
    assert!(s.events(&query(Some("2022-09-13T09:00:00.000000Z"))).is_ok());
}
