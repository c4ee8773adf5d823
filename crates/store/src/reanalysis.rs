//! Re-analysis: bringing every stored document up to the current extractor without losing
//! the analysts' work or the analysis it replaces.
//!
//! A run goes through three kinds of transaction, each whole or not at all, so a run
//! killed at any point is finished by the next one with the same result:
//! 1. [`Store::begin_reanalysis`] fuses what is due, copies the live analysis (events,
//!    members, mentions) into the `*_archive` tables as analysis `N`, anchors decisions
//!    recorded before anchors were kept, and notes the run in `meta` (a rerun finds it and
//!    resumes).
//! 2. [`Store::replace_analyses`], batch by batch: a document's mentions and claims are
//!    replaced by the new record's, and the document row says what analysed it. Documents
//!    already analysed by the target extractor are not taken again.
//! 3. [`Store::finish_reanalysis`] re-attaches the decisions (`decisions::reattach`),
//!    re-fuses, and writes the change report: archive `N` against the new events, events
//!    matched through their members' anchors.
//!
//! The archived analysis stays queryable as it was ([`Store::open_analysis`]) until the
//! user forgets it ([`Store::forget_analysis`]).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::{Value, json};
use sitrep_core::Document;

use crate::decisions::{self, Anchor, Reattached};
use crate::{Error, Result, Store, fusion, put, timed};

/// A stored document to analyse again (its row, hash and text with what its input said).
pub struct Stored {
    pub row: i64,
    pub content_hash: String,
    pub doc: Document,
}

/// A new analysis of a stored document.
pub struct Reanalysed<'a> {
    pub row: i64,
    /// The result record as JSON text.
    pub record: &'a str,
    /// What made it (`sitrep_extract::Config::identity`).
    pub analysed_by: &'a str,
}

/// A re-analysis started or resumed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Run {
    /// The number of the archived analysis it replaces.
    pub analysis: i64,
    /// Whether an interrupted run was found and is being finished.
    pub resumed: bool,
    /// Documents still to analyse, of all stored.
    pub pending: u64,
    pub documents: u64,
}

/// The tables an archived analysis is kept in, by the live table they copy.
const ARCHIVED: [(&str, &str); 3] =
    [("events", "events_archive"), ("event_members", "event_members_archive"), ("mentions", "mentions_archive")];

impl Store {
    /// How many stored documents each extractor analysed (`None`: stored before sitrep
    /// recorded it), most first.
    pub fn extractors(&self) -> Result<Vec<(Option<String>, u64)>> {
        let mut st = self.conn.prepare(
            "SELECT analysed_by, count(*) FROM documents GROUP BY analysed_by ORDER BY count(*) DESC, analysed_by",
        )?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Stored documents not analysed by `extractor`.
    pub fn outdated(&self, extractor: &str) -> Result<u64> {
        let n: i64 = self.conn.query_row(
            "SELECT count(*) FROM documents WHERE analysed_by IS NULL OR analysed_by != ?1",
            [extractor],
            |r| r.get(0),
        )?;
        Ok(n as u64)
    }

    /// The analysis an interrupted re-analysis replaces, if one is in progress.
    pub fn reanalysis_in_progress(&self) -> Result<Option<i64>> {
        let v: Option<String> =
            self.conn.query_row("SELECT value FROM meta WHERE key = 'reanalysis'", [], |r| r.get(0)).optional()?;
        Ok(v.and_then(|v| v.parse().ok()))
    }

    /// Starts bringing every document to `extractor`, or resumes the run in progress.
    /// `None`: every document is analysed by it already and no run is in progress.
    pub fn begin_reanalysis(&mut self, extractor: &str, params: &sitrep_fuse::Params) -> Result<Option<Run>> {
        if self.fusion_due()? && self.reanalysis_in_progress()?.is_none() {
            self.fuse(params)?;
        }
        timed(|| {
            let tx = self.conn.transaction()?;
            let documents: i64 = tx.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
            let pending: i64 = tx.query_row(
                "SELECT count(*) FROM documents WHERE analysed_by IS NULL OR analysed_by != ?1",
                [extractor],
                |r| r.get(0),
            )?;
            let running: Option<String> =
                tx.query_row("SELECT value FROM meta WHERE key = 'reanalysis'", [], |r| r.get(0)).optional()?;
            let (analysis, resumed) = match running.and_then(|v| v.parse::<i64>().ok()) {
                Some(n) => {
                    tx.execute("UPDATE analyses SET replaced_by = ?2 WHERE id = ?1", params![n, extractor])?;
                    (n, true)
                }
                None if pending == 0 => return Ok(None),
                None => (archive(&tx, extractor)?, false),
            };
            tx.commit()?;
            Ok(Some(Run { analysis, resumed, pending: pending as u64, documents: documents as u64 }))
        })
    }

    /// Up to `limit` documents not analysed by `extractor`, after row `after`, in row order.
    pub fn pending(&self, extractor: &str, after: i64, limit: usize) -> Result<Vec<Stored>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, content_hash, ext_id, text, lang_hint, published, title, url, source FROM documents
             WHERE (analysed_by IS NULL OR analysed_by != ?1) AND id > ?2 ORDER BY id LIMIT ?3",
        )?;
        let rows = st.query_map(params![extractor, after, limit as i64], |r| {
            Ok(Stored {
                row: r.get(0)?,
                content_hash: r.get(1)?,
                doc: Document {
                    id: r.get(2)?,
                    text: r.get(3)?,
                    lang: r.get(4)?,
                    published: r.get(5)?,
                    title: r.get(6)?,
                    url: r.get(7)?,
                    source: r.get(8)?,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Replaces the stored analysis of each document (one transaction); fusion is due after.
    pub fn replace_analyses(&mut self, docs: &[Reanalysed<'_>]) -> Result<()> {
        timed(|| {
            let tx = self.conn.transaction()?;
            for d in docs {
                let view: put::RecordView = serde_json::from_str(d.record)?;
                let hash: String =
                    tx.query_row("SELECT content_hash FROM documents WHERE id = ?1", [d.row], |r| r.get(0))?;
                tx.execute("DELETE FROM mentions WHERE doc = ?1", [d.row])?;
                tx.execute(
                    "UPDATE documents SET result = ?2, contradictions = ?3, analysed_by = ?4,
                        lang = coalesce(?5, lang) WHERE id = ?1",
                    params![
                        d.row,
                        d.record,
                        put::contradictions_json(&view),
                        d.analysed_by,
                        view.doc.as_ref().and_then(|x| put::s(x, "lang"))
                    ],
                )?;
                put::insert_mentions(&tx, d.row, &hash, &view.events)?;
            }
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fusion_due', '1')", [])?;
            // Names and dates changed under stored events: the next fusion is a full one.
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fusion_full', '1')", [])?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Ends the run in progress: re-attaches decisions, re-fuses, and returns (and keeps)
    /// the report of what changed. Refused while documents are still to analyse.
    pub fn finish_reanalysis(&mut self, params: &sitrep_fuse::Params) -> Result<Value> {
        let Some(n) = self.reanalysis_in_progress()? else {
            return Err(Error::Invalid("no re-analysis is in progress".into()));
        };
        timed(|| {
            let tx = self.conn.transaction()?;
            let target: String = tx.query_row("SELECT replaced_by FROM analyses WHERE id = ?1", [n], |r| r.get(0))?;
            let left: i64 = tx.query_row(
                "SELECT count(*) FROM documents WHERE analysed_by IS NULL OR analysed_by != ?1",
                [&target],
                |r| r.get(0),
            )?;
            if left > 0 {
                return Err(Error::Invalid(format!("{left} documents are still to re-analyse")));
            }
            let reattached = decisions::reattach(&tx)?;
            fusion::refuse(&tx, params)?;
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fusion_due', '0')", [])?;
            let report = change_report(&tx, n, &target, &reattached)?;
            tx.execute(
                "UPDATE analyses SET finished = ?2, report = ?3 WHERE id = ?1",
                params![n, decisions::utc_now(), report.to_string()],
            )?;
            tx.execute("DELETE FROM meta WHERE key = 'reanalysis'", [])?;
            tx.commit()?;
            Ok(report)
        })
    }

    /// Deletes the archived events, members and mentions of analysis `n` (its row and
    /// change report stay). Refused for the analysis a run in progress replaces.
    pub fn forget_analysis(&mut self, n: i64) -> Result<u64> {
        if self.reanalysis_in_progress()? == Some(n) {
            return Err(Error::Invalid(format!("analysis {n} is what the re-analysis in progress replaces")));
        }
        timed(|| {
            let tx = self.conn.transaction()?;
            if tx.execute("UPDATE analyses SET kept = 0 WHERE id = ?1 AND kept = 1", [n])? == 0 {
                return Err(Error::NotFound(format!("archived analysis {n}")));
            }
            let mut gone = 0;
            for (_, archive) in ARCHIVED {
                gone += tx.execute(&format!("DELETE FROM {archive} WHERE analysis = ?1"), [n])? as u64;
            }
            tx.commit()?;
            Ok(gone)
        })
    }

    /// Writes a consistent copy of the whole database to `path` (a new file).
    pub fn copy_to(&self, path: &Path) -> Result<()> {
        self.conn.execute("VACUUM INTO ?1", [path.to_string_lossy()])?;
        Ok(())
    }

    /// The archived analyses, oldest first: what made them, what replaced them, when,
    /// the event counts of the change report, and whether the archive is kept.
    pub fn analyses(&self) -> Result<Value> {
        let mut st = self.conn.prepare(
            "SELECT id, extractor, replaced_by, started, finished, documents, events, report, kept FROM analyses
             ORDER BY id",
        )?;
        let rows = st.query_map([], |r| {
            let report: Option<Value> = r.get::<_, Option<String>>(7)?.and_then(|s| serde_json::from_str(&s).ok());
            Ok(json!({
                "analysis": r.get::<_, i64>(0)?,
                "analysed_by": r.get::<_, Option<String>>(1)?.and_then(|s| serde_json::from_str::<Value>(&s).ok()),
                "replaced_by": r.get::<_, String>(2)?,
                "started": r.get::<_, String>(3)?, "finished": r.get::<_, Option<String>>(4)?,
                "documents": r.get::<_, i64>(5)?, "events": r.get::<_, i64>(6)?,
                "changes": report.as_ref().and_then(|x| x.get("events")).cloned(),
                "decisions": report.as_ref().and_then(|x| x.get("decisions")).cloned(),
                "kept": r.get::<_, bool>(8)?,
            }))
        })?;
        Ok(Value::Array(rows.collect::<rusqlite::Result<_>>()?))
    }

    /// Opens archived analysis `analysis` of the database for reading: queries see the
    /// events, members and mentions it had (the documents are the live ones).
    pub fn open_analysis(path: &Path, analysis: i64) -> Result<Store> {
        let mut store = Store::open_read_only(path)?;
        store.analysis = Some(analysis);
        let found: bool = store.conn.prepare("SELECT 1 FROM analyses WHERE id = ?1 AND kept")?.exists([analysis])?;
        if !found {
            let known: Vec<i64> = store
                .conn
                .prepare("SELECT id FROM analyses WHERE kept ORDER BY id")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            return Err(Error::NotFound(format!(
                "analysis {analysis} (archived analyses: {})",
                if known.is_empty() { "none".into() } else { format!("{known:?}") }
            )));
        }
        for (live, archive) in ARCHIVED {
            let cols: Vec<String> = store
                .conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{live}') ORDER BY cid"))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            store.conn.execute_batch(&format!(
                "CREATE TEMP VIEW {live} AS SELECT {} FROM main.{archive} WHERE analysis = {analysis}",
                cols.join(", ")
            ))?;
        }
        Ok(store)
    }
}

/// Archives the live analysis as a new analysis number (see the module's overview).
fn archive(tx: &Transaction<'_>, extractor: &str) -> Result<i64> {
    let mut st = tx.prepare("SELECT analysed_by, count(*) FROM documents GROUP BY analysed_by ORDER BY analysed_by")?;
    let from: serde_json::Map<String, Value> = st
        .query_map([], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?)))?
        .map(|x| x.map(|(k, n)| (k.unwrap_or_else(|| "unrecorded".into()), json!(n))))
        .collect::<rusqlite::Result<_>>()?;
    drop(st);
    let documents: i64 = tx.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
    let events: i64 = tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    tx.execute(
        "INSERT INTO analyses(extractor, replaced_by, started, documents, events) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![Value::Object(from).to_string(), extractor, decisions::utc_now(), documents, events],
    )?;
    let n = tx.last_insert_rowid();
    for (live, archive) in ARCHIVED {
        tx.execute(&format!("INSERT INTO {archive} SELECT ?1, * FROM {live}"), [n])?;
    }
    decisions::fill_anchors(tx)?;
    tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('reanalysis', ?1)", [n.to_string()])?;
    Ok(n)
}

/// The fields of an event the change report compares.
#[derive(Clone, Debug, PartialEq)]
struct Ev {
    event_type: String,
    country: Option<String>,
    place: (Option<String>, Option<String>),
    toll: (Option<i64>, Option<i64>),
}

fn read_events(tx: &Transaction<'_>, sql: &str, n: Option<i64>) -> Result<BTreeMap<String, Ev>> {
    let mut st = tx.prepare(sql)?;
    let map = |r: &rusqlite::Row<'_>| {
        Ok((
            r.get::<_, String>(0)?,
            Ev {
                event_type: r.get(1)?,
                country: r.get(2)?,
                place: (r.get(3)?, r.get(4)?),
                toll: (r.get(5)?, r.get(6)?),
            },
        ))
    };
    let rows = match n {
        Some(n) => st.query_map([n], map)?.collect::<rusqlite::Result<_>>()?,
        None => st.query_map([], map)?.collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

/// Counts of one kind of change.
#[derive(Clone, Copy, Debug, Default)]
struct Tally {
    added: u64,
    removed: u64,
    retyped: u64,
    relocated: u64,
    toll_revised: u64,
}

impl Tally {
    fn json(&self) -> Value {
        json!({"added": self.added, "removed": self.removed, "retyped": self.retyped,
               "relocated": self.relocated, "toll_revised": self.toll_revised})
    }
}

/// Archive `n` against the live events (see the module's overview).
fn change_report(tx: &Transaction<'_>, n: i64, target: &str, re: &Reattached) -> Result<Value> {
    const COLS: &str = "id, event_type, country, admin1, place, fatalities_best, injured_best";
    let old = read_events(tx, &format!("SELECT {COLS} FROM events_archive WHERE analysis = ?1"), Some(n))?;
    let new = read_events(tx, &format!("SELECT {COLS} FROM events"), None)?;
    // Where each old member now is: its anchor resolved among its document's mentions.
    let mut new_event: HashMap<String, String> = HashMap::new();
    let mut st = tx.prepare("SELECT m.key, em.event FROM event_members em JOIN mentions m ON m.id = em.mention")?;
    for r in st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))? {
        let (k, e) = r?;
        new_event.insert(k, e);
    }
    let mut st = tx.prepare(
        "SELECT m.key, d.content_hash, d.ext_id, m.event_type, m.record, m.killed_high, em.event
         FROM event_members_archive em JOIN mentions_archive m ON m.analysis = em.analysis AND m.id = em.mention
         JOIN documents d ON d.id = m.doc WHERE em.analysis = ?1 ORDER BY m.key",
    )?;
    // (Keys start with the document's hash: the members come document by document.)
    let mut doc: (String, Vec<Anchor>) = Default::default();
    let mut shared: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in st.query_map([n], |r| Ok((decisions::anchor_row(r)?, r.get::<_, String>(6)?)))? {
        let (a, old_id) = row?;
        if doc.0 != a.doc {
            doc = (a.doc.clone(), decisions::anchors_of_doc(tx, &a.doc)?);
        }
        if let Some(e) = decisions::resolve(&a, &doc.1).and_then(|c| new_event.get(&c.key)) {
            *shared.entry((old_id, e.clone())).or_default() += 1;
        }
    }
    // One-to-one: the pairs sharing most members first.
    let mut pairs: Vec<((String, String), u64)> = shared.into_iter().collect();
    pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let (mut old_taken, mut new_taken) = (BTreeMap::new(), BTreeMap::new());
    for ((o, e), _) in pairs {
        if !old_taken.contains_key(&o) && !new_taken.contains_key(&e) {
            old_taken.insert(o.clone(), e.clone());
            new_taken.insert(e, o);
        }
    }
    let mut total = Tally::default();
    let (mut by_country, mut by_type): (BTreeMap<String, Tally>, BTreeMap<String, Tally>) = Default::default();
    let mut changes = Vec::new();
    let mut unchanged = 0u64;
    let mut count = |ev: &Ev, f: &dyn Fn(&mut Tally)| {
        f(&mut total);
        f(by_country.entry(ev.country.clone().unwrap_or_else(|| "unknown".into())).or_default());
        f(by_type.entry(ev.event_type.clone()).or_default());
    };
    for (id, ev) in &old {
        let Some(now_id) = old_taken.get(id) else {
            count(ev, &|t| t.removed += 1);
            changes
                .push(json!({"change": "removed", "before": id, "event_type": ev.event_type, "country": ev.country}));
            continue;
        };
        let now = &new[now_id];
        let mut change = serde_json::Map::new();
        if now.event_type != ev.event_type {
            count(now, &|t| t.retyped += 1);
            change.insert("retyped".into(), json!([ev.event_type, now.event_type]));
        }
        if (&now.country, &now.place) != (&ev.country, &ev.place) {
            count(now, &|t| t.relocated += 1);
            let at = |e: &Ev| json!([e.country, e.place.0, e.place.1]);
            change.insert("relocated".into(), json!([at(ev), at(now)]));
        }
        if now.toll != ev.toll {
            count(now, &|t| t.toll_revised += 1);
            change.insert("toll".into(), json!([[ev.toll.0, ev.toll.1], [now.toll.0, now.toll.1]]));
        }
        if change.is_empty() {
            unchanged += 1;
        } else {
            change.insert("change".into(), json!("changed"));
            change.insert("before".into(), json!(id));
            change.insert("after".into(), json!(now_id));
            changes.push(Value::Object(change));
        }
    }
    for (id, ev) in new.iter().filter(|(id, _)| !new_taken.contains_key(*id)) {
        count(ev, &|t| t.added += 1);
        changes.push(json!({"change": "added", "after": id, "event_type": ev.event_type, "country": ev.country}));
    }
    let tallies =
        |m: BTreeMap<String, Tally>| -> Value { Value::Object(m.into_iter().map(|(k, t)| (k, t.json())).collect()) };
    let mut events = total.json();
    if let Some(o) = events.as_object_mut() {
        o.insert("before".into(), json!(old.len()));
        o.insert("after".into(), json!(new.len()));
        o.insert("matched".into(), json!(old_taken.len()));
        o.insert("unchanged".into(), json!(unchanged));
    }
    let documents: i64 = tx.query_row("SELECT count(*) FROM documents", [], |r| r.get(0))?;
    Ok(json!({
        "analysis": n,
        "replaced_by": target,
        "documents": documents,
        "events": events,
        "by_country": tallies(by_country),
        "by_type": tallies(by_type),
        "decisions": re,
        "changes": changes,
    }))
}
