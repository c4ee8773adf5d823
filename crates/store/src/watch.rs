//! The state of `sitrep watch` (schema v4): what each followed source answered last, the
//! item URLs seen, the alert rules in force and the alerts fired. Times are Unix
//! milliseconds given by the caller (the store reads no clock).

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};
use serde_json::{Value, json};

use crate::{NewDocument, Put, Result, Store, put, timed};

/// What a source answered last and when it is due again.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceState {
    pub url: String,
    pub name: Option<String>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// Hash of the last body, for servers that send no validator.
    pub body_hash: Option<String>,
    pub last_polled: Option<i64>,
    pub next_due: i64,
    /// Failed polls in a row (the back-off's exponent); 0 after a success.
    pub failures: u32,
    pub last_status: Option<u16>,
    pub last_error: Option<String>,
    pub polls: u64,
    /// New items found over all polls.
    pub items: u64,
}

/// An item URL seen in a source, and what became of it (`stored`, `duplicate`,
/// `feed-text` when the page could not be fetched and the feed's text was stored,
/// `failed: ...`, `robots`).
#[derive(Clone, Debug, PartialEq)]
pub struct SeenItem {
    pub url: String,
    pub source: String,
    pub outcome: String,
}

/// An alert to record before it is sent.
#[derive(Clone, Debug, PartialEq)]
pub struct NewAlert<'a> {
    pub rule: &'a str,
    pub event: &'a str,
    pub kind: &'a str,
    pub signature: &'a str,
    pub message: &'a str,
    pub payload: &'a str,
}

fn source_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SourceState> {
    Ok(SourceState {
        url: r.get(0)?,
        name: r.get(1)?,
        etag: r.get(2)?,
        last_modified: r.get(3)?,
        body_hash: r.get(4)?,
        last_polled: r.get(5)?,
        next_due: r.get(6)?,
        failures: r.get::<_, i64>(7)?.clamp(0, u32::MAX as i64) as u32,
        last_status: r.get::<_, Option<i64>>(8)?.map(|s| s.clamp(0, 999) as u16),
        last_error: r.get(9)?,
        polls: r.get::<_, i64>(10)?.max(0) as u64,
        items: r.get::<_, i64>(11)?.max(0) as u64,
    })
}

/// Attempts to send an alert before it is left unsent (shown as such, with its error).
pub const ALERT_ATTEMPTS: i64 = 10;

const SOURCE_COLUMNS: &str =
    "url, name, etag, last_modified, body_hash, last_polled, next_due, failures, last_status, last_error, polls, items";

impl Store {
    /// The state of one source, if it was ever polled.
    pub fn watch_source(&self, url: &str) -> Result<Option<SourceState>> {
        let mut st = self.conn.prepare_cached(&format!("SELECT {SOURCE_COLUMNS} FROM watch_sources WHERE url = ?1"))?;
        Ok(st.query_row([url], source_row).optional()?)
    }

    /// Every source's state, by URL.
    pub fn watch_sources(&self) -> Result<Vec<SourceState>> {
        let mut st = self.conn.prepare_cached(&format!("SELECT {SOURCE_COLUMNS} FROM watch_sources ORDER BY url"))?;
        Ok(st.query_map([], source_row)?.collect::<rusqlite::Result<_>>()?)
    }

    /// Which of `urls` were seen before.
    pub fn seen_items(&self, urls: &[&str]) -> Result<HashSet<String>> {
        let mut st = self.conn.prepare_cached("SELECT 1 FROM watch_items WHERE url = ?1")?;
        let mut seen = HashSet::new();
        for u in urls {
            if st.exists([u])? {
                seen.insert((*u).to_string());
            }
        }
        Ok(seen)
    }

    /// Commits one poll in one transaction: the documents it found, the items it saw and
    /// the source's new state. A crash before the commit leaves the previous state (the
    /// poll is redone, nothing is half-written); after it, nothing is fetched again.
    pub fn commit_poll(
        &mut self,
        state: &SourceState,
        docs: &[NewDocument<'_>],
        items: &[SeenItem],
        now: i64,
    ) -> Result<Vec<Put>> {
        timed(|| {
            let tx = self.conn.transaction()?;
            let out = put::put_all(&tx, docs)?;
            for i in items {
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO watch_items(url, source, seen, outcome) VALUES (?1, ?2, ?3, ?4)",
                )?
                .execute(params![i.url, i.source, now, i.outcome])?;
            }
            let s = state;
            tx.prepare_cached(&format!(
                "INSERT OR REPLACE INTO watch_sources({SOURCE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
            ))?
            .execute(params![
                s.url,
                s.name,
                s.etag,
                s.last_modified,
                s.body_hash,
                s.last_polled,
                s.next_due,
                s.failures as i64,
                s.last_status.map(i64::from),
                s.last_error,
                s.polls.min(i64::MAX as u64) as i64,
                s.items.min(i64::MAX as u64) as i64,
            ])?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// Forgets item URLs seen before `before` (a source that still lists one has it
    /// fetched again, and the content hash recognises the stored article). Returns how
    /// many were forgotten.
    pub fn forget_items(&mut self, before: i64) -> Result<usize> {
        timed(|| Ok(self.conn.execute("DELETE FROM watch_items WHERE seen < ?1", [before])?))
    }

    /// Replaces the alert rules in force: `(name, rule as JSON)`.
    pub fn set_alert_rules(&mut self, rules: &[(String, Value)], now: i64) -> Result<()> {
        timed(|| {
            let tx = self.conn.transaction()?;
            tx.execute("DELETE FROM alert_rules", [])?;
            for (name, rule) in rules {
                tx.execute(
                    "INSERT INTO alert_rules(name, rule, updated) VALUES (?1, ?2, ?3)",
                    params![name, rule.to_string(), now],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// The names of the alert rules recorded by the last watcher.
    pub fn alert_rule_names(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare_cached("SELECT name FROM alert_rules ORDER BY name")?;
        Ok(st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
    }

    /// The signature of the last alert a rule fired for an event.
    pub fn last_alert(&self, rule: &str, event: &str) -> Result<Option<String>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT signature FROM alerts WHERE rule = ?1 AND event = ?2 ORDER BY id DESC LIMIT 1")?;
        Ok(st.query_row([rule, event], |r| r.get(0)).optional()?)
    }

    /// Records an alert, not yet delivered; returns its id.
    pub fn record_alert(&mut self, a: &NewAlert<'_>, now: i64) -> Result<i64> {
        timed(|| {
            self.conn.execute(
                "INSERT INTO alerts(rule, event, fired_at, kind, signature, message, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![a.rule, a.event, now, a.kind, a.signature, a.message, a.payload],
            )?;
            Ok(self.conn.last_insert_rowid())
        })
    }

    /// Marks an attempt to send an alert: sent (`error` None), or failed (kept for a
    /// retry, up to [`ALERT_ATTEMPTS`] attempts in all).
    pub fn mark_alert(&mut self, id: i64, now: i64, error: Option<&str>) -> Result<()> {
        timed(|| {
            self.conn.execute(
                "UPDATE alerts SET delivered = CASE WHEN ?3 IS NULL THEN ?2 ELSE NULL END, delivery_error = ?3,
                    attempts = attempts + 1 WHERE id = ?1",
                params![id, now, error],
            )?;
            Ok(())
        })
    }

    /// Alerts recorded but not sent (a crash, or a sink that failed fewer than
    /// [`ALERT_ATTEMPTS`] times): `(id, rule, payload)`.
    pub fn undelivered_alerts(&self) -> Result<Vec<(i64, String, String)>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id, rule, payload FROM alerts WHERE delivered IS NULL AND kind != 'baseline' AND attempts < ?1 ORDER BY id",
        )?;
        Ok(st
            .query_map([ALERT_ATTEMPTS], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// The rules in force, the latest alerts (newest first), how the watched sources
    /// stand, and a version string that changes whenever the data do (API, dashboard).
    pub fn alerts(&self, limit: usize) -> Result<Value> {
        let mut st = self.conn.prepare_cached("SELECT name, rule, updated FROM alert_rules ORDER BY name")?;
        let rules = st
            .query_map([], |r| {
                let rule: String = r.get(1)?;
                Ok(json!({"name": r.get::<_, String>(0)?, "rule": serde_json::from_str::<Value>(&rule).unwrap_or(Value::Null), "updated": r.get::<_, i64>(2)?}))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut st = self.conn.prepare_cached(
            "SELECT a.id, a.rule, a.event, a.fired_at, a.kind, a.message, a.delivered, a.delivery_error, e.headline, a.attempts
             FROM alerts a LEFT JOIN events e ON e.id = a.event WHERE a.kind != 'baseline' ORDER BY a.id DESC LIMIT ?1",
        )?;
        let fired = st
            .query_map([limit.clamp(1, 1000) as i64], |r| {
                Ok(json!({
                    "id": r.get::<_, i64>(0)?, "rule": r.get::<_, String>(1)?, "event": r.get::<_, String>(2)?,
                    "fired_at": r.get::<_, i64>(3)?, "kind": r.get::<_, String>(4)?, "message": r.get::<_, String>(5)?,
                    "delivered": r.get::<_, Option<i64>>(6)?, "delivery_error": r.get::<_, Option<String>>(7)?,
                    "headline": r.get::<_, Option<String>>(8)?, "attempts": r.get::<_, i64>(9)?,
                }))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let total: i64 =
            self.conn.query_row("SELECT count(*) FROM alerts WHERE kind != 'baseline'", [], |r| r.get(0))?;
        let sources = self.watch_sources()?;
        let watch = json!({
            "sources": sources.len(),
            "last_polled": sources.iter().filter_map(|s| s.last_polled).max(),
            "failing": sources.iter().filter(|s| s.failures > 0).count(),
            "failing_sources": sources.iter().filter(|s| s.failures > 0).take(20).map(|s| json!({
                "url": s.url, "name": s.name, "failures": s.failures, "last_status": s.last_status,
                "last_error": s.last_error, "next_due": s.next_due,
            })).collect::<Vec<_>>(),
        });
        // What changes when anything is stored, fused or fired: a reader compares it to
        // know whether to reload.
        let version = self.conn.query_row(
            "SELECT (SELECT coalesce(max(id), 0) FROM documents), (SELECT value FROM meta WHERE key = 'fusions'),
                    (SELECT coalesce(max(id), 0) FROM alerts), (SELECT count(*) FROM decisions)",
            [],
            |r| {
                Ok(format!(
                    "{}-{}-{}-{}",
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?
                ))
            },
        )?;
        Ok(json!({"rules": rules, "alerts": fired, "total": total, "watch": watch, "version": version}))
    }
}
