use super::*;
use serde_json::json;
use sitrep_core::{Document, Status};

const FR: &str = include_str!("../../../examples/fr/armenia-azerbaijan-2022-09-13.txt");
const EN: &str = include_str!("../../../examples/en/armenia-azerbaijan-border-2022-09-13.txt");
const ES: &str = include_str!("../../../examples/es/armenia-azerbaiyan-2022-09-13.txt");

fn doc(id: &str, text: &str, url: Option<&str>) -> Document {
    Document {
        id: id.into(),
        text: text.into(),
        published: Some("2022-09-13".into()),
        url: url.map(str::to_string),
        ..Document::default()
    }
}

/// Analyses and stores documents, then fuses; returns what each put did.
fn put(store: &mut Store, docs: &[Document]) -> Vec<Put> {
    put_edited(store, docs, |_| {})
}

/// [`put`], with each result record changed by `edit` before it is stored.
fn put_edited(store: &mut Store, docs: &[Document], edit: impl Fn(&mut Value)) -> Vec<Put> {
    let prepared: Vec<(String, String)> = docs
        .iter()
        .map(|d| {
            let a = sitrep_extract::analyze(d, &sitrep_extract::Config::default());
            let mut r: Value = serde_json::from_str(&sitrep_output::to_string(d, &a)).unwrap();
            edit(&mut r);
            (sitrep_ingest::content_hash(&d.text), r.to_string())
        })
        .collect();
    let new: Vec<NewDocument<'_>> = docs
        .iter()
        .zip(&prepared)
        .map(|(d, (h, r))| NewDocument { doc: d, origin: "test", content_hash: h, record: r, analysed_by: "test" })
        .collect();
    let out = store.put(&new).unwrap();
    store.fuse(&FuseParams::default()).unwrap();
    out
}

fn all_events(store: &Store) -> Vec<Value> {
    let q = EventQuery { limit: 1000, ..EventQuery::default() };
    store.events(&q).unwrap()["items"].as_array().unwrap().clone()
}

/// The fused current ASSAULT events with more than one language.
fn multilingual_assaults(store: &Store) -> Vec<Value> {
    all_events(store)
        .into_iter()
        .filter(|e| {
            e["event_type"] == "ASSAULT" && e["status"] == "current" && e["langs"].as_array().unwrap().len() > 1
        })
        .collect()
}

#[test]
fn reingest_adds_nothing() {
    let mut s = Store::in_memory().unwrap();
    assert_eq!(put(&mut s, &[doc("fr", FR, Some("https://example.org/a"))]), vec![Put::Added]);
    let before = s.counts().unwrap();
    assert!(before.mentions > 0 && before.events > 0);
    // Same text (whitespace changed), other id: same content hash.
    let respaced = FR.replace("  ", " ").replace('\n', "\n\n");
    assert_eq!(put(&mut s, &[doc("fr-copy", &respaced, None)]), vec![Put::Duplicate]);
    // Same URL, edited text.
    assert_eq!(
        put(&mut s, &[doc("fr-v2", &format!("{FR} Mise à jour."), Some("https://example.org/a"))]),
        vec![Put::Duplicate]
    );
    assert_eq!(s.counts().unwrap(), before);
    assert!(s.integrity_check().unwrap().is_empty());
}

#[test]
fn same_event_in_two_languages_is_one_event() {
    let mut s = Store::in_memory().unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None)]);
    let fused = multilingual_assaults(&s);
    assert!(!fused.is_empty(), "{:#}", Value::Array(all_events(&s)));
    let e = s.event(fused[0]["id"].as_str().unwrap()).unwrap();
    let langs: Vec<&str> = e["langs"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert_eq!(langs, ["en", "fr"]);
    // Every mention keeps its evidence, and the reasons for joining.
    let mentions = e["mentions"].as_array().unwrap();
    assert!(mentions.len() >= 2);
    for m in mentions {
        assert!(!m["evidence"]["text"].as_str().unwrap().is_empty());
        assert!(m["highlights"].as_array().unwrap().iter().any(|h| h["kind"] == "trigger"), "{m:#}");
    }
    assert!(mentions.iter().any(|m| m["reasons"].as_object().is_some_and(|r| r.contains_key("date"))));
    // The toll shows the Armenian ministry's "at least 49" with its two articles.
    let summary: Vec<&str> = e["summary"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(summary.iter().any(|l| l.starts_with("killed ARM MIL: ≥49") && l.ends_with("2 articles)")), "{summary:#?}");
}

#[test]
fn three_languages_fuse() {
    let mut s = Store::in_memory().unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None), doc("es", ES, None)]);
    let langs: Vec<usize> = multilingual_assaults(&s).iter().map(|e| e["langs"].as_array().unwrap().len()).collect();
    assert!(langs.contains(&3), "{:#}", Value::Array(all_events(&s)));
}

#[test]
fn background_stays_in_the_past() {
    let mut s = Store::in_memory().unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None)]);
    for e in all_events(&s) {
        let detail = s.event(e["id"].as_str().unwrap()).unwrap();
        let statuses: Vec<&str> =
            detail["mentions"].as_array().unwrap().iter().filter_map(|m| m["status"].as_str()).collect();
        let historical = statuses.iter().filter(|s| **s == "historical").count();
        assert!(historical == 0 || historical == statuses.len(), "{} mixes {statuses:?}", e["id"]);
        if e["status"] == "historical" {
            assert!(e["date"].as_str().is_none_or(|d| d < "2022-09"), "{e:#}");
        }
    }
}

#[test]
fn decisions_survive_reingest() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut s = Store::open(&path).unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None)]);
    let e = multilingual_assaults(&s)[0]["id"].as_str().unwrap().to_string();
    let detail = s.event(&e).unwrap();
    let en: Vec<String> = detail["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["document"]["id"] == "en")
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let fr: Vec<String> = detail["mentions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["document"]["id"] == "fr")
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let ids = s.split(&e, &en, "test").unwrap();
    assert_eq!(ids.len(), 2);
    assert_ne!(s.event_of(&en[0]).unwrap(), s.event_of(&fr[0]).unwrap());
    drop(s);
    // Reopen, re-ingest the same articles and a new one, re-fuse: the split holds.
    let mut s = Store::open(&path).unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None), doc("es", ES, None)]);
    assert_ne!(s.event_of(&en[0]).unwrap(), s.event_of(&fr[0]).unwrap());
    // The Spanish report joined one of them; the ids did not change.
    assert!(ids.contains(&s.event_of(&fr[0]).unwrap()) && ids.contains(&s.event_of(&en[0]).unwrap()));
    // Merge them back.
    let merged = s.merge(&ids, "test").unwrap();
    let d = s.event(&merged).unwrap();
    assert!(d["mentions"].as_array().unwrap().iter().any(|m| m["document"]["id"] == "en"));
    assert!(d["mentions"].as_array().unwrap().iter().any(|m| m["document"]["id"] == "fr"));
    assert_eq!(s.decisions().unwrap().iter().filter(|d| d.0 == "split").count(), 0);
    assert!(s.integrity_check().unwrap().is_empty());
}

#[test]
fn queries_filter_and_page() {
    let mut s = Store::in_memory().unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None)]);
    let count = |q: EventQuery| s.events(&EventQuery { limit: 1000, ..q }).unwrap()["total"].as_i64().unwrap();
    let all = count(EventQuery::default());
    assert!(all > 2);
    assert_eq!(count(EventQuery { country: Some("XXX".into()), ..EventQuery::default() }), 0);
    assert!(count(EventQuery { event_type: Some("ASSAULT".into()), ..EventQuery::default() }) >= 1);
    assert!(count(EventQuery { min_fatalities: Some(49), ..EventQuery::default() }) >= 1);
    assert!(count(EventQuery { text: Some("peacekeepers".into()), ..EventQuery::default() }) >= 1);
    // FTS syntax in user input is inert.
    assert_eq!(count(EventQuery { text: Some("\" OR * NEAR( ) --".into()), ..EventQuery::default() }), 0);
    assert_eq!(count(EventQuery { actor: Some("'; DROP TABLE events; --".into()), ..EventQuery::default() }), 0);
    assert!(count(EventQuery { near: Some((40.0, 45.0, 500.0)), ..EventQuery::default() }) >= 1);
    assert_eq!(count(EventQuery { near: Some((-33.9, 151.2, 10.0)), ..EventQuery::default() }), 0);
    assert_eq!(count(EventQuery { from: Some("2030-01-01".into()), ..EventQuery::default() }), 0);
    let page = s.events(&EventQuery { limit: 1, offset: 1, ..EventQuery::default() }).unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["total"].as_i64().unwrap(), all);
    let stats = s.stats("country", &EventQuery::default()).unwrap();
    assert!(!stats["rows"].as_array().unwrap().is_empty());
    assert!(matches!(s.stats("nope", &EventQuery::default()), Err(Error::Invalid(_))));
    assert!(matches!(s.event("E-missing"), Err(Error::NotFound(_))));
}

#[test]
fn exports() {
    let mut s = Store::in_memory().unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None)]);
    let q = EventQuery::default();
    for (f, check) in [
        (Format::Csv, "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,actor1,"),
        (Format::GeoJson, "{\"type\":\"FeatureCollection\""),
        (Format::Jsonl, "{\""),
        (Format::Plover, "{\""),
    ] {
        let mut out = Vec::new();
        let n = s.export(&q, f, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(n > 0 && text.starts_with(check), "{f:?}: {text}");
        if f == Format::GeoJson {
            let v: Value = serde_json::from_str(&text).unwrap();
            assert!(!v["features"].as_array().unwrap().is_empty());
        }
        if f == Format::Plover || f == Format::Jsonl {
            for line in text.lines() {
                serde_json::from_str::<Value>(line).unwrap();
            }
        }
    }
}

#[test]
fn migrations_are_versioned() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v.db");
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap(), schema::MIGRATIONS.len() as i64);
    s.conn.pragma_update(None, "user_version", 99).unwrap();
    drop(s);
    assert!(matches!(Store::open(&path), Err(Error::TooNew { found: 99, .. })));
}

/// Tolls at the edge of the integer types (records written by another tool or an older
/// version) are stored saturated, and sums over them do not overflow.
#[test]
fn huge_tolls_saturate() {
    let mut s = Store::in_memory().unwrap();
    let docs: Vec<Document> = ["Gao", "Kabul"]
        .iter()
        .map(|p| doc(p, &format!("At least 12 people were killed in {p} on Monday, the army said."), None))
        .collect();
    put_edited(&mut s, &docs, |r| {
        for c in r["events"][0]["casualties"].as_array_mut().expect("a casualty") {
            c["count"] = json!(u64::MAX);
            c["low"] = json!(u64::MAX);
        }
    });
    let events = all_events(&s);
    assert_eq!(events.len(), 2, "{events:?}");
    for e in &events {
        assert_eq!(e["fatalities"]["best"], json!(i64::MAX), "{e}");
    }
    for by in ["day", "country", "type"] {
        let stats = s.stats(by, &EventQuery::default()).unwrap();
        let rows = stats["rows"].as_array().unwrap();
        assert!(rows.iter().all(|r| r["fatalities"].as_i64().is_some_and(|f| f > 0)), "{by}: {stats}");
    }
}

/// CSV cells that a spreadsheet would run as formulas (CWE-1236) are neutralised with a
/// leading `'`; numbers, negative ones included, are left as they are.
#[test]
fn csv_cells_are_not_formulas() {
    let mut s = Store::in_memory().unwrap();
    let mut d = doc("f", "=1+2 At least 12 people were killed in Gao on Monday, the army said.", None);
    d.source = Some("@SUM(A1:A9)".into());
    put(&mut s, &[d]);
    let mut out = Vec::new();
    assert!(s.export(&EventQuery::default(), Format::Csv, &mut out).unwrap() > 0);
    let text = String::from_utf8(out).unwrap();
    let rows: Vec<&str> = text.lines().skip(1).collect();
    assert!(!rows.is_empty(), "{text}");
    for row in rows {
        assert!(row.contains("\"'@SUM(A1:A9)\""), "{row}");
        for cell in row.split(',') {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{cell:?} in {row}");
            assert!(!cell.starts_with('-') || cell.parse::<f64>().is_ok(), "{cell:?} in {row}");
        }
    }
    assert_eq!(super::query::csv_field("-12.5"), "-12.5");
    assert_eq!(super::query::csv_field("-cmd"), "\"'-cmd\"");
    assert_eq!(super::query::csv_field("\tx"), "\"'\tx\"");
}

/// Analyses every document not analysed by `extractor` (default settings) and replaces
/// its stored analysis, as `sitrep reanalyze` does; returns how many there were.
fn replace_pending(s: &mut Store, extractor: &str) -> u64 {
    let pending = s.pending(extractor, 0, 1000).unwrap();
    let records: Vec<(i64, String)> = pending
        .iter()
        .map(|p| (p.row, sitrep_output::to_string(&p.doc, &sitrep_extract::analyze(&p.doc, &Default::default()))))
        .collect();
    let new: Vec<Reanalysed<'_>> =
        records.iter().map(|(row, r)| Reanalysed { row: *row, record: r, analysed_by: extractor }).collect();
    s.replace_analyses(&new).unwrap();
    pending.len() as u64
}

/// The keys of an event's members that belong to the document with this text.
fn keys_of(store: &Store, event: &str, text: &str) -> Vec<String> {
    let hash = sitrep_ingest::content_hash(text);
    store.member_keys(event).unwrap().into_iter().filter(|k| k.starts_with(&hash)).collect()
}

#[test]
fn reanalysis_reattaches_decisions_and_reports_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    let mut s = Store::open(&path).unwrap();
    let docs = [doc("fr", FR, None), doc("en", EN, None), doc("es", ES, None)];
    // An older analysis: every trigger a character later (so every key differs) and each
    // article's last event missing.
    put_edited(&mut s, &docs, |r| {
        let evs = r["events"].as_array_mut().unwrap();
        evs.pop();
        for e in evs.iter_mut() {
            for k in ["start", "end"] {
                let v = e["trigger"][k].as_i64().unwrap();
                e["trigger"][k] = json!(v + 1);
            }
        }
    });
    let events = all_events(&s);
    let id = |e: &Value| e["id"].as_str().unwrap().to_string();
    let big = id(events.iter().max_by_key(|e| e["n_mentions"].as_u64()).unwrap());
    let es = keys_of(&s, &big, ES);
    assert!(!es.is_empty() && es.len() < s.member_keys(&big).unwrap().len());
    s.split(&big, &es, "alice").unwrap();
    let singles: Vec<String> = all_events(&s).iter().filter(|e| e["n_mentions"] == 1).take(2).map(id).collect();
    s.merge(&singles, "bob").unwrap();
    let decided = s.decision_list(false).unwrap().as_array().unwrap().len();
    let old_events = all_events(&s);

    let params = FuseParams::default();
    let run = s.begin_reanalysis("new", &params).unwrap().unwrap();
    assert_eq!((run.pending, run.documents, run.resumed), (3, 3, false));
    assert_eq!(replace_pending(&mut s, "new"), 3);
    assert!(s.finish_reanalysis(&params).is_ok_and(|r| r["analysis"] == run.analysis));
    let report = &s.analyses().unwrap()[0];

    // Every decision re-attached or listed with its reason.
    let list = s.decision_list(false).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), decided);
    for d in list {
        assert!(d["state"] == "active" || d["reason"].as_str().is_some_and(|r| !r.is_empty()), "{d}");
        assert!(["alice", "bob"].contains(&d["made_by"].as_str().unwrap()), "{d}");
    }
    let n = |v: &Value, k: &str| v[k].as_u64().unwrap();
    let d = &report["decisions"];
    assert_eq!(n(d, "unchanged") + n(d, "reattached") + n(d, "stale"), decided as u64, "{d}");
    assert!(n(d, "reattached") > 0, "{d}");
    // The split still holds on the new keys.
    for (kind, a, b) in s.decisions().unwrap() {
        let (ea, eb) = (s.event_of(&a).unwrap(), s.event_of(&b).unwrap());
        assert_eq!(kind == "merge", ea == eb, "{kind} {a} {b}");
    }
    // The report's counts match the store.
    let e = &report["changes"];
    assert_eq!(n(e, "before"), old_events.len() as u64);
    assert_eq!(n(e, "after"), s.counts().unwrap().events);
    assert_eq!(n(e, "before") - n(e, "removed"), n(e, "matched"));
    assert_eq!(n(e, "after") - n(e, "added"), n(e, "matched"));
    assert!(n(e, "added") > 0, "the missing events are back: {e}");
    let full = s.conn.query_row("SELECT report FROM analyses", [], |r| r.get::<_, String>(0)).unwrap();
    let full: Value = serde_json::from_str(&full).unwrap();
    for by in ["by_country", "by_type"] {
        for k in ["added", "removed", "retyped", "relocated", "toll_revised"] {
            let sum: u64 = full[by].as_object().unwrap().values().map(|t| n(t, k)).sum();
            assert_eq!(sum, n(e, k), "{by} {k}");
        }
    }
    let listed = |c: &str| full["changes"].as_array().unwrap().iter().filter(|x| x["change"] == c).count() as u64;
    assert_eq!((listed("added"), listed("removed")), (n(e, "added"), n(e, "removed")));
    // The old analysis is queryable as it was; nothing is left to do.
    assert_eq!(all_events(&Store::open_analysis(&path, run.analysis).unwrap()), old_events);
    assert!(Store::open_analysis(&path, 9).is_err());
    assert!(s.begin_reanalysis("new", &params).unwrap().is_none());
    assert_eq!(s.outdated("new").unwrap(), 0);
    assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
}

#[test]
fn decisions_made_before_anchors_survive_reanalysis() {
    // A version 2 database with one decision migrates, keeping it.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        for m in &schema::MIGRATIONS[..2] {
            c.execute_batch(m).unwrap();
        }
        c.execute("INSERT INTO decisions(kind, a, b, note) VALUES ('split', 'x-0', 'y-1', 'split')", []).unwrap();
        c.pragma_update(None, "user_version", 2).unwrap();
    }
    let s = Store::open(&path).unwrap();
    let d = s.decision_list(false).unwrap();
    assert_eq!(
        (d[0]["a"].as_str(), d[0]["state"].as_str(), d[0]["made_by"].is_null()),
        (Some("x-0"), Some("active"), true)
    );
    drop(s);

    // Mentions keyed by their place in the output (as before v3), decisions on them with
    // no anchors: a re-analysis anchors them on what their mentions reported, then
    // re-attaches them to the new keys.
    let mut s = Store::open(&dir.path().join("old.db")).unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None)]);
    let big =
        all_events(&s).iter().max_by_key(|e| e["n_mentions"].as_u64()).unwrap()["id"].as_str().unwrap().to_string();
    let en = keys_of(&s, &big, EN);
    s.split(&big, &en, "alice").unwrap();
    s.conn
        .execute_batch(
            "UPDATE decisions SET a = (SELECT substr(m.key, 1, instr(m.key, '-')) || m.idx FROM mentions m WHERE m.key = decisions.a),
                 b = (SELECT substr(m.key, 1, instr(m.key, '-')) || m.idx FROM mentions m WHERE m.key = decisions.b);
             UPDATE mentions SET key = substr(key, 1, instr(key, '-')) || idx;
             UPDATE decisions SET a_ref = NULL, b_ref = NULL, members = NULL, made_by = NULL, made_at = NULL;
             UPDATE documents SET analysed_by = NULL;",
        )
        .unwrap();
    let n = s.decisions().unwrap().len();
    assert!(n > 0);
    s.fuse(&FuseParams::default()).unwrap();
    let params = FuseParams::default();
    let run = s.begin_reanalysis("new", &params).unwrap().unwrap();
    assert_eq!(replace_pending(&mut s, "new"), run.pending);
    let report = s.finish_reanalysis(&params).unwrap();
    assert_eq!(report["decisions"]["reattached"].as_u64(), Some(n as u64), "{}", report["decisions"]);
    for (kind, a, b) in s.decisions().unwrap() {
        assert!(a.contains("-c") && b.contains("-c"), "{a} {b}");
        assert_eq!(kind == "merge", s.event_of(&a).unwrap() == s.event_of(&b).unwrap());
    }
}

/// A CSV text as rows of cells (quotes as `csv_field` writes them).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![vec![String::new()]];
    let (mut quoted, mut chars) = (false, text.chars().peekable());
    while let Some(c) = chars.next() {
        let row = rows.last_mut().unwrap();
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                row.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => row.push(String::new()),
            '\n' if !quoted => rows.push(vec![String::new()]),
            c => row.last_mut().unwrap().push(c),
        }
    }
    rows.retain(|r| r.len() > 1);
    rows
}

#[test]
fn acled_csv_follows_acled_conventions_on_the_examples() {
    let mut s = Store::in_memory().unwrap();
    put(&mut s, &[doc("fr", FR, None), doc("en", EN, None), doc("es", ES, None)]);
    let export = |status: Option<Status>| {
        let mut out = Vec::new();
        s.export(&EventQuery { status, ..EventQuery::default() }, Format::Csv, &mut out).unwrap();
        parse_csv(&String::from_utf8(out).unwrap())
    };
    let rows = export(Some(Status::Current));
    assert_eq!(rows[0], super::acled::COLUMNS.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let col = |name: &str| super::acled::COLUMNS.iter().position(|c| *c == name).unwrap();
    let cell = |r: &Vec<String>, name: &str| r[col(name)].clone();
    assert!(rows.len() > 3);
    let (mut sides, mut killed) = (Vec::new(), 0);
    for r in &rows[1..] {
        assert_eq!(r.len(), rows[0].len(), "{r:?}");
        let t = cell(r, "event_type");
        assert!(!t.is_empty() && !cell(r, "disorder_type").is_empty(), "{r:?}");
        assert_eq!(cell(r, "sitrep_status"), "current");
        let fatalities: u64 = cell(r, "fatalities").parse().expect("fatalities is a number, 0 when none");
        killed += fatalities;
        for k in ["actor1", "actor2"] {
            let a = cell(r, k);
            // Names, not code pairs ("AZE MIL") or raw words ("personnes").
            assert!(a.is_empty() || a.starts_with(char::is_uppercase), "{k} {a:?}");
            assert!(
                !(a.len() == 7 && a.as_bytes()[3] == b' ' && a.chars().all(|c| c.is_ascii_uppercase() || c == ' ')),
                "{a:?}"
            );
        }
        let inter: Vec<u8> = ["inter1", "inter2"].iter().filter_map(|k| cell(r, k).parse().ok()).collect();
        assert!(inter.iter().all(|i| (1..=8).contains(i)), "{r:?}");
        if let [a] = inter[..] {
            assert_eq!(cell(r, "interaction"), format!("{a}0"));
        }
        if let [a, b] = inter[..] {
            assert_eq!(cell(r, "interaction"), format!("{}{}", a.min(b), a.max(b)));
        }
        if ["Battles", "Explosions/Remote violence", "Violence against civilians"].contains(&t.as_str()) {
            assert!(!cell(r, "actor1").is_empty() && !cell(r, "inter1").is_empty(), "{r:?}");
            sides.push([cell(r, "actor1"), cell(r, "actor2")]);
        }
        let country = cell(r, "country");
        assert!(country.is_empty() || country.chars().any(char::is_lowercase), "a name, not a code: {country:?}");
        assert!(!cell(r, "admin1").contains('.'), "a name, not a GeoNames code: {r:?}");
        let notes = cell(r, "notes");
        assert!(notes.ends_with('.') && notes.matches(". ").count() == 0, "one sentence: {notes:?}");
    }
    assert!(killed > 0);
    let fighting = ["Military Forces of Armenia".to_string(), "Military Forces of Azerbaijan".to_string()];
    assert!(sides.iter().any(|s| fighting.contains(&s[0]) && fighting.contains(&s[1]) && s[0] != s[1]), "{sides:?}");
    // Negated and hypothetical events are rows only when asked for.
    let all = export(None);
    assert!(all.len() >= rows.len());
    assert!(rows[1..].iter().all(|r| !["negated", "hypothetical"].contains(&cell(r, "sitrep_status").as_str())));
}

#[test]
fn document_pages_by_cursor_match_pages_by_offset() {
    let mut s = Store::in_memory().unwrap();
    let docs: Vec<Document> = (0..23)
        .map(|i| Document {
            id: format!("d{i}"),
            text: format!("Report {i}: three people were killed in Gao on Monday, police said."),
            // Some undated, several on one day (the row id breaks the tie).
            published: (i % 4 != 0).then(|| format!("2022-09-{:02}", 1 + i % 5)),
            ..Document::default()
        })
        .collect();
    put(&mut s, &docs);
    let ids = |page: &Value| -> Vec<String> {
        page["items"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect()
    };
    let by_offset: Vec<String> = (0..5).flat_map(|k| ids(&s.documents(5, k * 5).unwrap())).collect();
    let mut by_cursor = Vec::new();
    let mut page = s.documents(5, 0).unwrap();
    loop {
        by_cursor.extend(ids(&page));
        let Some(next) = page["next"].as_str().map(str::to_string) else { break };
        page = s.documents_after(5, &next).unwrap();
    }
    assert_eq!(by_cursor, by_offset);
    assert_eq!(by_cursor.len(), 23);
    let published: Vec<Option<String>> = (0..5)
        .flat_map(|k| s.documents(5, k * 5).unwrap()["items"].as_array().unwrap().clone())
        .map(|d| d["published"].as_str().map(str::to_string))
        .collect();
    let mut sorted = published.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(published, sorted, "newest first, undated last");
    assert_eq!(s.documents(5, 0).unwrap()["total"], 23);
    assert!(matches!(s.documents_after(5, "nope"), Err(Error::Invalid(_))));
    assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
}
