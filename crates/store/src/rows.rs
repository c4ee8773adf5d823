//! The dataset as typed rows, month by month, for columnar exports (`sitrep-export`
//! writes them as Parquet): fused events, mentions with their casualty claims and
//! evidence, and documents. Offsets are code points, as in the result record.
//!
//! Partitions: an event's month is the month of its date (`2022-09` for `2022-09-13`
//! or `2022-09`); events dated to a year, a week or not at all fall in [`NO_MONTH`]. A
//! mention goes with its event's month, a document with the month it was published.
//! A reader takes the months (`event_months`, `document_months`: in order, [`NO_MONTH`]
//! last) and then each month's rows, read through the date indexes, so memory holds one
//! month at a time.

use rusqlite::{Connection, params};
use serde_json::Value;

use crate::{Result, Store};

/// The partition of rows without a month.
pub const NO_MONTH: &str = "unknown";

/// An actor or recipient of an event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartyRow {
    pub name: Option<String>,
    pub text: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
}

/// When and where an event or a mention is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AtRow {
    pub date: Option<String>,
    pub date_precision: Option<String>,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub place: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub geo_precision: Option<String>,
}

impl AtRow {
    /// Reads the eight columns from `i` on: date, date precision, country, admin1, place,
    /// latitude, longitude, place precision.
    fn read(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<AtRow> {
        Ok(AtRow {
            date: r.get(i)?,
            date_precision: r.get(i + 1)?,
            country: r.get(i + 2)?,
            admin1: r.get(i + 3)?,
            place: r.get(i + 4)?,
            lat: r.get(i + 5)?,
            lon: r.get(i + 6)?,
            geo_precision: r.get(i + 7)?,
        })
    }
}

/// A fused event.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventRow {
    pub id: String,
    pub event_type: String,
    pub mode: Option<String>,
    pub acled_type: Option<String>,
    pub acled_sub_type: Option<String>,
    pub status: String,
    pub at: AtRow,
    /// Low, best and high killed (or all none).
    pub fatalities: [Option<i64>; 3],
    pub injured: [Option<i64>; 3],
    pub n_mentions: i64,
    pub n_documents: i64,
    pub langs: Vec<String>,
    pub actors: Vec<PartyRow>,
    pub recipients: Vec<PartyRow>,
    pub headline: String,
    pub has_contradictions: bool,
    /// The event's tolls with their claims, and its contradictions, as JSON text.
    pub detail: String,
}

/// A casualty claim of a mention.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClaimRow {
    pub kind: String,
    pub count: Option<i64>,
    pub qualifier: Option<String>,
    pub low: Option<i64>,
    pub high: Option<i64>,
    pub victims_text: Option<String>,
    pub victims_country: Option<String>,
    pub victims_sector: Option<String>,
    pub claimant: Option<String>,
    pub claimant_country: Option<String>,
    pub claimant_sector: Option<String>,
    pub status: String,
    pub span_start: i64,
    pub span_end: i64,
}

/// One event mention as its article reported it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MentionRow {
    pub key: String,
    /// The fused event it belongs to (none before fusion).
    pub event: Option<String>,
    pub document: String,
    pub content_hash: String,
    pub event_type: String,
    pub status: String,
    pub at: AtRow,
    pub geonameid: Option<i64>,
    pub confidence: Option<f64>,
    pub trigger: Option<String>,
    pub trigger_start: Option<i64>,
    pub trigger_end: Option<i64>,
    pub evidence: Option<String>,
    pub evidence_start: Option<i64>,
    pub evidence_end: Option<i64>,
    /// Why fusion put it in its event (JSON text), and the score.
    pub fusion_reasons: Option<String>,
    pub fusion_score: Option<f64>,
    pub claims: Vec<ClaimRow>,
}

/// A stored document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocumentRow {
    pub id: String,
    pub content_hash: String,
    pub url: Option<String>,
    pub source: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub lang: Option<String>,
    pub origin: String,
    pub analysed_by: Option<String>,
    pub n_mentions: i64,
    pub text: String,
}

/// A date value that has a month (`2022-09`, `2022-09-13`), as an SQL GLOB.
const HAS_MONTH: &str = "[0-9][0-9][0-9][0-9]-[0-1][0-9]*";

/// The SQL condition putting a date column in month `?1` (or in [`NO_MONTH`]), served by
/// the column's index for a month.
fn in_month(col: &str, month: &str) -> String {
    if month == NO_MONTH {
        format!("NOT ({col} GLOB '{HAS_MONTH}') OR {col} IS NULL")
    } else {
        format!("{col} >= ?1 AND {col} < ?1 || '~'")
    }
}

fn month_list(conn: &Connection, table: &str, col: &str) -> Result<Vec<String>> {
    let mut st = conn.prepare(&format!(
        "SELECT DISTINCT substr({col}, 1, 7) FROM {table}
         WHERE {col} GLOB '{HAS_MONTH}' ORDER BY 1"
    ))?;
    let mut out: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    out.push(NO_MONTH.to_string());
    Ok(out)
}

/// A month's rows of a statement whose `?1` is the month (none for [`NO_MONTH`]).
fn rows_of<T>(
    st: &mut rusqlite::Statement<'_>,
    month: &str,
    map: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    Ok(if month == NO_MONTH {
        st.query_map([], map)?.collect::<rusqlite::Result<_>>()?
    } else {
        st.query_map(params![month], map)?.collect::<rusqlite::Result<_>>()?
    })
}

fn parties(json: &str) -> Vec<PartyRow> {
    let v: Value = serde_json::from_str(json).unwrap_or(Value::Null);
    let s = |p: &Value, k: &str| p.get(k).and_then(Value::as_str).map(str::to_string);
    v.as_array()
        .into_iter()
        .flatten()
        .map(|p| PartyRow { name: s(p, "name"), text: s(p, "text"), country: s(p, "country"), sector: s(p, "sector") })
        .collect()
}

impl Store {
    /// The months of the events (and so of their mentions), in order, [`NO_MONTH`] last.
    pub fn event_months(&self) -> Result<Vec<String>> {
        month_list(&self.conn, "events", "date")
    }

    /// The months the documents were published, in order, [`NO_MONTH`] last.
    pub fn document_months(&self) -> Result<Vec<String>> {
        month_list(&self.conn, "documents", "published")
    }

    /// The fused events of a month.
    pub fn events_of_month(&self, month: &str) -> Result<Vec<EventRow>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT id, event_type, mode, acled_type, acled_sub_type, status, date, date_precision, country,
                    admin1, place, lat, lon, precision, fatalities_low, fatalities_best, fatalities_high,
                    injured_low, injured_best, injured_high, n_mentions, n_documents, langs, actors, recipients,
                    headline, has_contradictions, detail
                 FROM events WHERE {} ORDER BY date, id",
            in_month("date", month)
        ))?;
        let map = |r: &rusqlite::Row<'_>| -> rusqlite::Result<EventRow> {
            let langs: String = r.get(22)?;
            Ok(EventRow {
                id: r.get(0)?,
                event_type: r.get(1)?,
                mode: r.get(2)?,
                acled_type: r.get(3)?,
                acled_sub_type: r.get(4)?,
                status: r.get(5)?,
                at: AtRow::read(r, 6)?,
                fatalities: [r.get(14)?, r.get(15)?, r.get(16)?],
                injured: [r.get(17)?, r.get(18)?, r.get(19)?],
                n_mentions: r.get(20)?,
                n_documents: r.get(21)?,
                langs: langs.split(',').filter(|l| !l.is_empty()).map(str::to_string).collect(),
                actors: parties(&r.get::<_, String>(23)?),
                recipients: parties(&r.get::<_, String>(24)?),
                headline: r.get(25)?,
                has_contradictions: r.get(26)?,
                detail: r.get(27)?,
            })
        };
        rows_of(&mut st, month, map)
    }

    /// The mentions with their claims whose event is of a month; mentions not yet fused
    /// fall in [`NO_MONTH`].
    pub fn mentions_of_month(&self, month: &str) -> Result<Vec<MentionRow>> {
        let mut claims_of = self.conn.prepare(
            "SELECT kind, count, qualifier, low, high, victims_text, victims_country, victims_sector, claimant,
                claimant_country, claimant_sector, status, span_start, span_end
             FROM claims WHERE mention = ?1 ORDER BY idx",
        )?;
        let cond = in_month("e.date", month);
        let cond = if month == NO_MONTH { format!("({cond}) OR em.event IS NULL") } else { cond };
        let mut st = self.conn.prepare(&format!(
            "SELECT m.id, m.key, em.event, d.ext_id, d.content_hash, m.event_type, m.status, m.date,
                    m.date_precision, m.country, m.admin1, m.place, m.lat, m.lon, m.precision, m.geonameid, m.record,
                    em.reasons, em.score
                 FROM mentions m JOIN documents d ON d.id = m.doc
                 LEFT JOIN event_members em ON em.mention = m.id LEFT JOIN events e ON e.id = em.event
                 WHERE {cond} ORDER BY m.key"
        ))?;
        let map = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, MentionRow)> {
            let record: Value = serde_json::from_str(&r.get::<_, String>(16)?).unwrap_or(Value::Null);
            let part = |k: &str| record.get(k).filter(|v| v.is_object());
            let text = |k: &str| part(k).and_then(|v| v.get("text")).and_then(Value::as_str).map(str::to_string);
            let at = |k: &str, e: &str| part(k).and_then(|v| v.get(e)).and_then(Value::as_i64);
            Ok((
                r.get(0)?,
                MentionRow {
                    key: r.get(1)?,
                    event: r.get(2)?,
                    document: r.get(3)?,
                    content_hash: r.get(4)?,
                    event_type: r.get(5)?,
                    status: r.get(6)?,
                    at: AtRow::read(r, 7)?,
                    geonameid: r.get(15)?,
                    confidence: record.get("confidence").and_then(Value::as_f64),
                    trigger: text("trigger"),
                    trigger_start: at("trigger", "start"),
                    trigger_end: at("trigger", "end"),
                    evidence: text("evidence"),
                    evidence_start: at("evidence", "start"),
                    evidence_end: at("evidence", "end"),
                    fusion_reasons: r.get(17)?,
                    fusion_score: r.get(18)?,
                    claims: Vec::new(),
                },
            ))
        };
        let mut rows: Vec<(i64, MentionRow)> = rows_of(&mut st, month, map)?;
        for (id, row) in &mut rows {
            row.claims = claims_of
                .query_map([*id], |r| {
                    Ok(ClaimRow {
                        kind: r.get(0)?,
                        count: r.get(1)?,
                        qualifier: r.get(2)?,
                        low: r.get(3)?,
                        high: r.get(4)?,
                        victims_text: r.get(5)?,
                        victims_country: r.get(6)?,
                        victims_sector: r.get(7)?,
                        claimant: r.get(8)?,
                        claimant_country: r.get(9)?,
                        claimant_sector: r.get(10)?,
                        status: r.get(11)?,
                        span_start: r.get(12)?,
                        span_end: r.get(13)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
        }
        Ok(rows.into_iter().map(|x| x.1).collect())
    }

    /// The documents published in a month.
    pub fn documents_of_month(&self, month: &str) -> Result<Vec<DocumentRow>> {
        let mut st = self.conn.prepare(&format!(
            "SELECT ext_id, content_hash, url, source, title, published, lang, origin, analysed_by,
                    (SELECT count(*) FROM mentions m WHERE m.doc = d.id), text
                 FROM documents d WHERE {} ORDER BY published, id",
            in_month("published", month)
        ))?;
        let map = |r: &rusqlite::Row<'_>| -> rusqlite::Result<DocumentRow> {
            Ok(DocumentRow {
                id: r.get(0)?,
                content_hash: r.get(1)?,
                url: r.get(2)?,
                source: r.get(3)?,
                title: r.get(4)?,
                published: r.get(5)?,
                lang: r.get(6)?,
                origin: r.get(7)?,
                analysed_by: r.get(8)?,
                n_mentions: r.get(9)?,
                text: r.get(10)?,
            })
        };
        rows_of(&mut st, month, map)
    }
}
