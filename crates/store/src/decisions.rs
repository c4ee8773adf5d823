//! Analyst decisions: merge and split, anchored on what their mentions report, so that
//! they survive re-analysis.
//!
//! - A decision names two mentions by key (what fusion reads) and keeps an [`Anchor`] of
//!   each: the document, the trigger and evidence spans, the event type and the killed
//!   figure. A merge also keeps the anchors of both events' members as they were, so that
//!   another report of the same event can stand in for one that is gone.
//! - After a re-analysis [`reattach`] finds, for every decision, the current mentions that
//!   report the same things ([`resolve`]) and points the decision at them; a decision none
//!   of whose candidates survive is kept as `stale` with the reason in words, and tried
//!   again after the next re-analysis. A decision overridden by a later opposite one is
//!   kept too (`overridden`, with who overrode it and when). Nothing is deleted.
//! - Each decision records who made it and when (UTC).

use std::collections::{BTreeMap, HashMap};

use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sitrep_core::Decision;

use crate::{Error, Result, Store};

/// What a mention reports, enough to find it again in a new analysis of its document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Anchor {
    /// The mention's key when the anchor was taken.
    pub key: String,
    /// Content hash of the document.
    pub doc: String,
    /// The document's id, for messages.
    pub document: String,
    pub event_type: String,
    /// Code-point span of the trigger, and its text.
    pub trigger: [i64; 2],
    pub trigger_text: String,
    /// Code-point span of the evidence sentence.
    pub evidence: [i64; 2],
    /// Largest killed figure.
    pub killed: Option<i64>,
}

impl Anchor {
    /// The mention in words: `ASSAULT "shelling" (characters 120–128 of document D)`.
    pub fn describe(&self) -> String {
        format!(
            "{} {:?} (characters {}–{} of document {})",
            self.event_type, self.trigger_text, self.trigger[0], self.trigger[1], self.document
        )
    }
}

const ANCHOR_SQL: &str = "SELECT m.key, d.content_hash, d.ext_id, m.event_type, m.record, m.killed_high
    FROM mentions m JOIN documents d ON d.id = m.doc";

pub(crate) fn anchor_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Anchor> {
    let record: Value = serde_json::from_str(&r.get::<_, String>(4)?).unwrap_or(Value::Null);
    let span = |k: &str| {
        let v = record.get(k);
        let at = |x: &str| v.and_then(|s| s.get(x)).and_then(Value::as_i64).unwrap_or(-1);
        [at("start"), at("end")]
    };
    Ok(Anchor {
        key: r.get(0)?,
        doc: r.get(1)?,
        document: r.get(2)?,
        event_type: r.get(3)?,
        trigger: span("trigger"),
        trigger_text: record.pointer("/trigger/text").and_then(Value::as_str).unwrap_or_default().to_string(),
        evidence: span("evidence"),
        killed: r.get(5)?,
    })
}

/// The anchor of the stored mention `key`.
pub(crate) fn anchor_of(conn: &Connection, key: &str) -> Result<Option<Anchor>> {
    let mut st = conn.prepare_cached(&format!("{ANCHOR_SQL} WHERE m.key = ?1"))?;
    Ok(st.query_row([key], anchor_row).optional()?)
}

/// The anchors of every stored mention of a document, in key order.
pub(crate) fn anchors_of_doc(conn: &Connection, content_hash: &str) -> Result<Vec<Anchor>> {
    let mut st = conn.prepare_cached(&format!("{ANCHOR_SQL} WHERE d.content_hash = ?1 ORDER BY m.key"))?;
    let rows = st.query_map([content_hash], anchor_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn overlap(a: [i64; 2], b: [i64; 2]) -> bool {
    a[0] < b[1] && b[0] < a[1]
}

/// How well `c` stands for `a`: `None` unless they are in the same document and their
/// triggers overlap, or they are of one type with the same killed figure in overlapping
/// sentences (a trigger that moved within its sentence).
fn score(a: &Anchor, c: &Anchor) -> Option<u32> {
    let same_type = a.event_type == c.event_type;
    let trigger = overlap(a.trigger, c.trigger);
    let sentence = overlap(a.evidence, c.evidence);
    let figure = a.killed.is_some() && a.killed == c.killed;
    if a.doc != c.doc || !(trigger || (sentence && same_type && figure)) {
        return None;
    }
    let exact = a.trigger == c.trigger;
    Some(8 * u32::from(exact) + 4 * u32::from(trigger) + 2 * u32::from(same_type) + u32::from(a.killed == c.killed))
}

/// The mention among `current` that reports what `a` reported: the best-scoring one,
/// the first key on a tie; `None` when no mention qualifies.
pub(crate) fn resolve<'c>(a: &Anchor, current: &'c [Anchor]) -> Option<&'c Anchor> {
    current
        .iter()
        .filter_map(|c| score(a, c).map(|s| (s, c)))
        .max_by(|x, y| x.0.cmp(&y.0).then_with(|| y.1.key.cmp(&x.1.key)))
        .map(|(_, c)| c)
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ` (when analyses started and finished; decisions take the
/// store's clock, `clock.rs`).
pub(crate) fn utc_now() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = ((secs / 86_400) as i64, secs % 86_400);
    let day = sitrep_dates::Ymd::from_days(days).iso();
    format!("{day}T{:02}:{:02}:{:02}Z", rest / 3600, rest / 60 % 60, rest % 60)
}

/// One decision as the analyst made it, with the anchors of the events it joins.
pub(crate) struct NewDecision {
    pub decision: Decision,
    /// For a merge: the members of the two events as they were.
    pub members: Option<[Vec<Anchor>; 2]>,
}

impl Store {
    /// Records analyst decisions (kept across re-ingest, re-fusion and re-analysis), then
    /// re-fuses.
    fn decide(&mut self, decisions: &[NewDecision], note: &str, by: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        let at = self.clock.now();
        for nd in decisions {
            let (kind, a, b) = match &nd.decision {
                Decision::Merge(a, b) => ("merge", a, b),
                Decision::Split(a, b) => ("split", a, b),
            };
            let (a, b, members) = match &nd.members {
                Some([ma, mb]) if a > b => (b, a, Some([mb, ma])),
                Some([ma, mb]) => (a, b, Some([ma, mb])),
                None => (a.min(b), a.max(b), None),
            };
            // A new decision overrides its opposite (kept, as overridden).
            let opposite = if kind == "merge" { "split" } else { "merge" };
            tx.execute(
                "UPDATE decisions SET state = 'overridden', reason = ?4
                 WHERE kind = ?1 AND a = ?2 AND b = ?3 AND state = 'active'",
                params![opposite, a, b, format!("overridden by a {kind} decision by {by} at {at}")],
            )?;
            let anchor = |k: &str| -> Result<Option<String>> {
                Ok(anchor_of(&tx, k)?.map(|x| serde_json::to_string(&x)).transpose()?)
            };
            let members = members.map(|[x, y]| json!({"a": x, "b": y}).to_string());
            tx.execute(
                "INSERT OR IGNORE INTO decisions(kind, a, b, note, a_ref, b_ref, members, made_by, made_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![kind, a, b, note, anchor(a)?, anchor(b)?, members, by, at],
            )?;
            // Fusion takes up the two mentions again (with their events).
            tx.execute(
                "INSERT OR IGNORE INTO fusion_pending(mention) SELECT id FROM mentions WHERE key IN (?1, ?2)",
                params![a, b],
            )?;
        }
        tx.commit()?;
        self.fuse(&sitrep_fuse::Params::default())?;
        Ok(())
    }

    /// Splits the given mentions out of an event into an event of their own (`by`: who
    /// decides). Returns the ids of the resulting events.
    pub fn split(&mut self, event: &str, mentions: &[String], by: &str) -> Result<Vec<String>> {
        let members = self.member_keys(event)?;
        if members.is_empty() {
            return Err(Error::NotFound(format!("event {event}")));
        }
        if mentions.is_empty() {
            return Err(Error::Invalid("give at least one mention to split off".into()));
        }
        for m in mentions {
            if !members.contains(m) {
                return Err(Error::Invalid(format!("mention {m} is not in event {event}")));
            }
        }
        let rest: Vec<&String> = members.iter().filter(|m| !mentions.contains(m)).collect();
        if rest.is_empty() {
            return Err(Error::Invalid("cannot split off every mention of an event".into()));
        }
        let mut ds = Vec::new();
        for m in mentions {
            for r in &rest {
                ds.push(NewDecision { decision: Decision::Split(m.clone(), (*r).clone()), members: None });
            }
        }
        // The split-off mentions stay together.
        for w in mentions.windows(2) {
            ds.push(NewDecision { decision: Decision::Merge(w[0].clone(), w[1].clone()), members: None });
        }
        self.decide(&ds, "split", by)?;
        let mut ids = vec![self.event_of(&mentions[0])?, self.event_of(rest[0])?];
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Merges events into one (`by`: who decides). Returns its id.
    pub fn merge(&mut self, events: &[String], by: &str) -> Result<String> {
        if events.len() < 2 {
            return Err(Error::Invalid("give at least two events to merge".into()));
        }
        let mut firsts = Vec::new();
        let mut all = Vec::new();
        let mut anchors = Vec::new();
        for e in events {
            let keys = self.member_keys(e)?;
            let Some(first) = keys.first() else { return Err(Error::NotFound(format!("event {e}"))) };
            firsts.push(first.clone());
            let mut side = Vec::new();
            for k in &keys {
                side.extend(anchor_of(&self.conn, k)?);
            }
            anchors.push(side);
            all.extend(keys);
        }
        let mut ds: Vec<NewDecision> = (1..firsts.len())
            .map(|i| NewDecision {
                decision: Decision::Merge(firsts[i - 1].clone(), firsts[i].clone()),
                members: Some([anchors[i - 1].clone(), anchors[i].clone()]),
            })
            .collect();
        // Merging overrides earlier splits between these mentions (kept, as overridden).
        let tx = self.conn.transaction()?;
        let why = format!("overridden by a merge decision by {by} at {}", self.clock.now());
        for a in &all {
            for b in &all {
                if a < b {
                    tx.execute(
                        "UPDATE decisions SET state = 'overridden', reason = ?3
                         WHERE kind = 'split' AND a = ?1 AND b = ?2 AND state = 'active'",
                        params![a, b, why],
                    )?;
                }
            }
        }
        tx.commit()?;
        ds.sort_by(|x, y| x.decision.cmp(&y.decision));
        self.decide(&ds, "merge", by)?;
        self.event_of(&firsts[0])
    }

    pub(crate) fn member_keys(&self, event: &str) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached(
            "SELECT m.key FROM event_members em JOIN mentions m ON m.id = em.mention WHERE em.event = ?1 ORDER BY m.key",
        )?;
        let keys = st.query_map([event], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(keys)
    }

    pub(crate) fn event_of(&self, mention: &str) -> Result<String> {
        self.conn
            .query_row(
                "SELECT em.event FROM event_members em JOIN mentions m ON m.id = em.mention WHERE m.key = ?1",
                [mention],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| Error::NotFound(format!("mention {mention}")))
    }

    /// Every decision that applies, as `(kind, a, b)`.
    pub fn decisions(&self) -> Result<Vec<(String, String, String)>> {
        let mut st =
            self.conn.prepare("SELECT kind, a, b FROM decisions WHERE state = 'active' ORDER BY kind, a, b")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every decision in full (`stale_only`: those that no longer apply after a
    /// re-analysis), in the order they were made: kind, mentions, who and when, state
    /// (`active`; `stale`; `overridden` by a later opposite decision) and, where it does not
    /// apply or was re-attached, why.
    pub fn decision_list(&self, stale_only: bool) -> Result<Value> {
        let mut st = self.conn.prepare(
            "SELECT id, kind, a, b, note, a_ref, b_ref, made_by, made_at, state, reason FROM decisions
             WHERE (?1 = 0 OR state = 'stale') ORDER BY id",
        )?;
        let rows = st.query_map([stale_only], |r| {
            let anchor = |i: usize| -> rusqlite::Result<Value> {
                Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or(Value::Null))
            };
            Ok(json!({
                "id": r.get::<_, i64>(0)?, "kind": r.get::<_, String>(1)?,
                "a": r.get::<_, String>(2)?, "b": r.get::<_, String>(3)?, "note": r.get::<_, Option<String>>(4)?,
                "a_anchor": anchor(5)?, "b_anchor": anchor(6)?,
                "made_by": r.get::<_, Option<String>>(7)?, "made_at": r.get::<_, Option<String>>(8)?,
                "state": r.get::<_, String>(9)?, "reason": r.get::<_, Option<String>>(10)?,
            }))
        })?;
        Ok(Value::Array(rows.collect::<rusqlite::Result<_>>()?))
    }
}

/// Gives every decision recorded without anchors (before schema v3) the anchors of its
/// mentions as stored now, and every merge the members of its events: called before a
/// re-analysis replaces them.
pub(crate) fn fill_anchors(tx: &Transaction<'_>) -> Result<()> {
    let mut st = tx.prepare("SELECT id, kind, a, b, a_ref, b_ref, members FROM decisions ORDER BY id")?;
    type Row = (i64, String, String, String, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Row> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(st);
    let mut members_of = tx.prepare(
        "SELECT m.key FROM event_members em JOIN mentions m ON m.id = em.mention
         WHERE em.event = (SELECT em2.event FROM event_members em2 JOIN mentions m2 ON m2.id = em2.mention
                           WHERE m2.key = ?1) ORDER BY m.key",
    )?;
    for (id, kind, a, b, a_ref, b_ref, members) in rows {
        let fill = |have: &Option<String>, key: &str| -> Result<Option<String>> {
            match have {
                Some(x) => Ok(Some(x.clone())),
                None => Ok(anchor_of(tx, key)?.map(|x| serde_json::to_string(&x)).transpose()?),
            }
        };
        let (na, nb) = (fill(&a_ref, &a)?, fill(&b_ref, &b)?);
        let nm = match (&members, kind.as_str()) {
            // (Merges made since v3 have their members, or none on purpose: a split's.)
            (None, "merge") if a_ref.is_none() => {
                let mut side = |k: &str| -> Result<Vec<Anchor>> {
                    let keys = members_of.query_map([k], |r| r.get::<_, String>(0))?;
                    let mut out = Vec::new();
                    for key in keys {
                        out.extend(anchor_of(tx, &key?)?);
                    }
                    Ok(out)
                };
                Some(json!({"a": side(&a)?, "b": side(&b)?}).to_string())
            }
            _ => members.clone(),
        };
        if (na.clone(), nb.clone(), nm.clone()) != (a_ref, b_ref, members) {
            tx.execute(
                "UPDATE decisions SET a_ref = ?2, b_ref = ?3, members = ?4 WHERE id = ?1",
                params![id, na, nb, nm],
            )?;
        }
    }
    Ok(())
}

/// What [`reattach`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Reattached {
    /// Decisions that apply, on the same mentions as before.
    pub unchanged: u64,
    /// Decisions that apply, moved to the mentions that now report the same things.
    pub reattached: u64,
    /// Decisions that no longer apply (each with its reason in the store).
    pub stale: u64,
}

/// The current mentions, by document, loaded as decisions ask for them.
struct Current<'t, 'c> {
    tx: &'t Transaction<'c>,
    docs: HashMap<String, Vec<Anchor>>,
}

impl Current<'_, '_> {
    fn resolve(&mut self, a: &Anchor) -> Result<Option<Anchor>> {
        if !self.docs.contains_key(&a.doc) {
            self.docs.insert(a.doc.clone(), anchors_of_doc(self.tx, &a.doc)?);
        }
        Ok(resolve(a, &self.docs[&a.doc]).cloned())
    }

    /// The current mention for one side of a decision (`key`, anchored as `anchor`; for a
    /// merge, `others` are its event's other reports as they were), with a note when it
    /// moved; or why there is none.
    fn side(
        &mut self,
        key: &str,
        anchor: Option<Anchor>,
        others: &[Anchor],
    ) -> Result<std::result::Result<(Anchor, Option<String>), String>> {
        let Some(anchor) = anchor else {
            return Ok(Err(format!("mention {key} was recorded before sitrep kept anchors and is no longer stored")));
        };
        if let Some(c) = self.resolve(&anchor)? {
            let (was, now) = (anchor.describe(), c.describe());
            let moved = (c.key != key).then(|| {
                if was == now { format!("mention {key} is now {}", c.key) } else { format!("{was} now reads as {now}") }
            });
            return Ok(Ok((c, moved)));
        }
        for o in others.iter().filter(|o| o.key != anchor.key) {
            if let Some(c) = self.resolve(o)? {
                let why = format!(
                    "{} is no longer an event; another report of the same event, {}, stands in",
                    anchor.describe(),
                    c.describe()
                );
                return Ok(Ok((c, Some(why))));
            }
        }
        Ok(Err(format!("{} is no longer an event in the current analysis", anchor.describe())))
    }
}

/// A decision as stored: id, kind, keys, anchors and (merges) members.
type DecisionRow = (i64, String, String, String, Option<String>, Option<String>, Option<String>);

/// Where one decision lands: the current mentions it applies to (in key order) with a
/// note on what moved, or why it no longer applies.
enum Outcome {
    Applies(Box<(Anchor, Anchor)>, Option<String>),
    Stale(String),
}

fn outcome(current: &mut Current<'_, '_>, row: &DecisionRow) -> Result<Outcome> {
    let (_, kind, a, b, a_ref, b_ref, members) = row;
    let parse = |s: &Option<String>| s.as_deref().and_then(|s| serde_json::from_str::<Anchor>(s).ok());
    let members: Value = members.as_deref().and_then(|m| serde_json::from_str(m).ok()).unwrap_or(Value::Null);
    let others = |k: &str| -> Vec<Anchor> {
        members.get(k).and_then(|v| serde_json::from_value::<Vec<Anchor>>(v.clone()).ok()).unwrap_or_default()
    };
    let merge = kind == "merge";
    let ra = current.side(a, parse(a_ref), &others("a"))?;
    let rb = current.side(b, parse(b_ref), &others("b"))?;
    Ok(match (ra, rb) {
        (Ok((x, _)), Ok((y, _))) if x.key == y.key => Outcome::Stale(format!(
            "both reports now read as one mention, {}: {}",
            x.describe(),
            if merge { "nothing left to merge" } else { "they can no longer be told apart" }
        )),
        (Ok((x, nx)), Ok((y, ny))) => {
            let note: Vec<String> = nx.into_iter().chain(ny).collect();
            let pair = if x.key <= y.key { (x, y) } else { (y, x) };
            Outcome::Applies(Box::new(pair), (!note.is_empty()).then(|| note.join("; ")))
        }
        (Err(e), _) | (_, Err(e)) => Outcome::Stale(e),
    })
}

/// Points every decision at the current mentions that report what its mentions reported
/// (see the module's overview). Deterministic: decisions are taken in the order made; of
/// two that land on the same pair, the later opposite one wins and a repeat is stale.
pub(crate) fn reattach(tx: &Transaction<'_>) -> Result<Reattached> {
    let mut st = tx.prepare(
        "SELECT id, kind, a, b, a_ref, b_ref, members FROM decisions WHERE state != 'overridden' ORDER BY id",
    )?;
    let rows: Vec<DecisionRow> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
        .collect::<rusqlite::Result<_>>()?;
    drop(st);
    let mut current = Current { tx, docs: HashMap::new() };
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in &rows {
        outcomes.push(outcome(&mut current, row)?);
    }
    // The last decision on each pair of mentions, and its kind.
    let mut winner: BTreeMap<(&str, &str), (i64, &str)> = BTreeMap::new();
    for (row, o) in rows.iter().zip(&outcomes) {
        if let Outcome::Applies(pair, _) = o {
            winner.insert((&pair.0.key, &pair.1.key), (row.0, &row.1));
        }
    }
    let mut first_of: BTreeMap<(&str, &str, &str), i64> = BTreeMap::new();
    tx.execute("UPDATE decisions SET state = 'stale' WHERE state = 'active'", [])?;
    let mut report = Reattached::default();
    for ((id, kind, a, b, ..), o) in rows.iter().zip(&outcomes) {
        let (pair, reason) = match o {
            Outcome::Applies(pair, note) => {
                let (win, win_kind) = winner[&(pair.0.key.as_str(), pair.1.key.as_str())];
                let slot = (kind.as_str(), pair.0.key.as_str(), pair.1.key.as_str());
                if win_kind != kind {
                    (None, Some(format!("overridden by the later {win_kind} decision #{win} on the same reports")))
                } else if let Some(first) = first_of.get(&slot) {
                    let same = format!("now the same as decision #{first}");
                    (None, Some(note.as_ref().map_or(same.clone(), |n| format!("{n}: {same}"))))
                } else {
                    first_of.insert(slot, *id);
                    (Some(pair), note.clone())
                }
            }
            Outcome::Stale(why) => (None, Some(why.clone())),
        };
        match pair {
            Some(p) if (p.0.key.as_str(), p.1.key.as_str()) != (a.min(b).as_str(), a.max(b).as_str()) => {
                report.reattached += 1
            }
            Some(_) => report.unchanged += 1,
            None => report.stale += 1,
        }
        let json = |x: Option<&Anchor>| x.map(serde_json::to_string).transpose();
        tx.execute(
            "UPDATE decisions SET state = ?2, reason = ?3,
                a = coalesce(?4, a), b = coalesce(?5, b), a_ref = coalesce(?6, a_ref), b_ref = coalesce(?7, b_ref)
             WHERE id = ?1",
            params![
                id,
                if pair.is_some() { "active" } else { "stale" },
                reason,
                pair.map(|p| &p.0.key),
                pair.map(|p| &p.1.key),
                json(pair.map(|p| &p.0))?,
                json(pair.map(|p| &p.1))?
            ],
        )?;
    }
    Ok(report)
}
