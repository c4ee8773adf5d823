//! Reading the store: filtered event pages, one event with its evidence, statistics,
//! documents, and the export formats.

use std::io::Write;

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, functions::FunctionFlags, params_from_iter};
use serde_json::{Value, json};
use sitrep_core::EventQuery;

use crate::{Error, Result};

/// Export formats of `sitrep query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    /// CSV with ACLED's column names.
    Csv,
    /// PLOVER-style JSON Lines.
    Plover,
    GeoJson,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "jsonl" | "json" => Format::Jsonl,
            "csv" | "acled" => Format::Csv,
            "plover" => Format::Plover,
            "geojson" => Format::GeoJson,
            _ => return None,
        })
    }
}

pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function("dist_km", 4, FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_UTF8, |c| {
        let (a, b, x, y): (Option<f64>, Option<f64>, f64, f64) = (c.get(0)?, c.get(1)?, c.get(2)?, c.get(3)?);
        Ok(a.zip(b).map(|p| sitrep_fuse::distance_km(p, (x, y))))
    })?;
    // codes_overlap('ARM,AZE', ',AZE,RUS,'): whether a comma list shares a code with a
    // comma-framed list (incremental fusion's test for shared parties).
    conn.create_scalar_function(
        "codes_overlap",
        2,
        FunctionFlags::SQLITE_DETERMINISTIC | FunctionFlags::SQLITE_UTF8,
        |c| {
            let (list, framed): (Option<String>, Option<String>) = (c.get(0)?, c.get(1)?);
            let (Some(list), Some(framed)) = (list, framed) else { return Ok(false) };
            Ok(list.split(',').any(|x| !x.is_empty() && framed.contains(&format!(",{x},"))))
        },
    )
}

/// A full-text query from user words: each word quoted (so FTS5 syntax in the input is
/// inert), all required.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '-')
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The versions of events valid at the instant `:as_of`, in the columns of `events`.
const EVENTS_AS_OF: &str =
    "(SELECT * FROM event_versions WHERE valid_from <= :as_of AND (valid_to IS NULL OR valid_to > :as_of))";

/// Memberships valid at `:as_of` (alias `mv`), as a condition.
const MEMBER_VALID: &str = "mv.valid_from <= :as_of AND (mv.valid_to IS NULL OR mv.valid_to > :as_of)";

/// Where a query reads events (`from`, aliased `e` by the caller: the current table, or
/// the versions valid at the query's instant), its WHERE clause, and the parameters of
/// both in order. The instant is the named parameter `:as_of`, first in the text (in
/// `from`) and so the first parameter, reused wherever it appears.
struct Filter {
    from: &'static str,
    clause: String,
    params: Vec<Sql>,
}

/// The WHERE clause and its parameters for a query.
fn filter(q: &EventQuery) -> Filter {
    let mut w: Vec<&str> = Vec::new();
    let mut p: Vec<Sql> = Vec::new();
    let as_of = q.as_of.clone();
    // A radius search reads the latitude index; the unary `+` keeps the planner (which
    // has no statistics) from preferring an equality index that spans the whole store.
    let by_place = q.near.is_some();
    if let Some(t) = &as_of {
        p.push(Sql::Text(t.clone()));
    }
    let text = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if let Some(from) = text(&q.from) {
        // Dates of unknown year ("XXXX-08-26") never match a date range.
        w.push("e.date >= ? AND e.date GLOB '[0-9]*'");
        p.push(Sql::Text(from));
    }
    if let Some(to) = text(&q.to) {
        // `to` is a day: every value that starts with it or sorts before it.
        w.push("substr(e.date, 1, 10) <= ? AND e.date GLOB '[0-9]*'");
        p.push(Sql::Text(to));
    }
    if let Some(c) = text(&q.country) {
        w.push(if by_place { "+e.country = ?" } else { "e.country = ?" });
        p.push(Sql::Text(c.to_uppercase()));
    }
    if let Some(t) = text(&q.event_type) {
        w.push(if by_place { "+e.event_type = ?" } else { "e.event_type = ?" });
        p.push(Sql::Text(t.to_uppercase()));
    }
    if let Some(s) = q.status {
        w.push(if by_place { "+e.status = ?" } else { "e.status = ?" });
        p.push(Sql::Text(s.as_str().into()));
    }
    if let Some(a) = text(&q.actor) {
        w.push("instr(lower(e.parties_text), lower(?)) > 0");
        p.push(Sql::Text(a));
    }
    if let Some(n) = q.min_fatalities {
        w.push("coalesce(e.fatalities_best, 0) >= ?");
        p.push(Sql::Integer(n.min(i64::MAX as u64) as i64));
    }
    if let Some(fts) = q.text.as_deref().and_then(fts_query) {
        w.push(if as_of.is_some() {
            "e.id IN (SELECT mv.event FROM member_versions mv JOIN mentions m ON m.key = mv.mention_key
              WHERE mv.valid_from <= :as_of AND (mv.valid_to IS NULL OR mv.valid_to > :as_of)
                AND m.doc IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?))"
        } else {
            "e.id IN (SELECT em.event FROM event_members em JOIN mentions m ON m.id = em.mention
              WHERE m.doc IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?))"
        });
        p.push(Sql::Text(fts));
    }
    if let Some((lat, lon, km)) = q.near {
        // A bounding box first (the `events_latlon` index), then the exact distance.
        let dlat = km / 111.19 + 1e-6;
        w.push("e.lat BETWEEN ? AND ?");
        p.extend([Sql::Real(lat - dlat), Sql::Real(lat + dlat)]);
        let widest = (lat.abs() + dlat).min(90.0).to_radians().cos();
        let dlon = if widest > 1e-3 { km / (111.19 * widest) + 1e-6 } else { 360.0 };
        if lon - dlon >= -180.0 && lon + dlon <= 180.0 {
            w.push("e.lon BETWEEN ? AND ?");
            p.extend([Sql::Real(lon - dlon), Sql::Real(lon + dlon)]);
        }
        w.push("dist_km(e.lat, e.lon, ?, ?) <= ?");
        p.extend([Sql::Real(lat), Sql::Real(lon), Sql::Real(km)]);
    }
    let clause = if w.is_empty() { String::new() } else { format!("WHERE {}", w.join(" AND ")) };
    Filter { from: if as_of.is_some() { EVENTS_AS_OF } else { "events" }, clause, params: p }
}

const SUMMARY_COLUMNS: &str = "e.id, e.event_type, e.mode, e.acled_type, e.acled_sub_type, e.status, e.date,
    e.date_precision, e.country, e.admin1, e.place, e.lat, e.lon, e.fatalities_low, e.fatalities_best,
    e.fatalities_high, e.injured_low, e.injured_best, e.injured_high, e.n_mentions, e.n_documents, e.langs,
    e.actors, e.recipients, e.headline, e.has_contradictions, e.precision";

fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<Value> {
    let bounds = |i: usize| -> rusqlite::Result<Value> {
        let (l, b, h): (Option<i64>, Option<i64>, Option<i64>) = (r.get(i)?, r.get(i + 1)?, r.get(i + 2)?);
        Ok(if b.is_none() { Value::Null } else { json!({"low": l, "best": b, "high": h}) })
    };
    let acled_type: Option<String> = r.get(3)?;
    let acled_sub: Option<String> = r.get(4)?;
    let langs: String = r.get(21)?;
    let js = |i: usize| -> rusqlite::Result<Value> {
        Ok(serde_json::from_str(&r.get::<_, String>(i)?).unwrap_or(Value::Array(vec![])))
    };
    Ok(json!({
        "id": r.get::<_, String>(0)?,
        "event_type": r.get::<_, String>(1)?,
        "mode": r.get::<_, Option<String>>(2)?,
        "acled": acled_type.map(|t| json!({"event_type": t, "sub_event_type": acled_sub})),
        "status": r.get::<_, String>(5)?,
        "date": r.get::<_, Option<String>>(6)?,
        "date_precision": r.get::<_, Option<String>>(7)?,
        "country": r.get::<_, Option<String>>(8)?,
        "admin1": r.get::<_, Option<String>>(9)?,
        "place": r.get::<_, Option<String>>(10)?,
        "lat": r.get::<_, Option<f64>>(11)?,
        "lon": r.get::<_, Option<f64>>(12)?,
        "geo_precision": r.get::<_, Option<String>>(26)?,
        "fatalities": bounds(13)?,
        "injured": bounds(16)?,
        "n_mentions": r.get::<_, i64>(19)?,
        "n_documents": r.get::<_, i64>(20)?,
        "langs": langs.split(',').filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        "actors": js(22)?,
        "recipients": js(23)?,
        "headline": r.get::<_, String>(24)?,
        "has_contradictions": r.get::<_, bool>(25)?,
    }))
}

/// Adds the names of codes for readers (the API, the dashboard): beside every
/// `country` / `claimant_country` (ISO 3166-1 alpha-3) a `country_name` /
/// `claimant_country_name`, and beside every `admin1` (GeoNames code) an `admin1_name`,
/// where the gazetteer knows them.
fn add_names(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for (code, name, lookup) in [
                ("country", "country_name", sitrep_geo::country_name as fn(&str) -> Option<&'static str>),
                ("claimant_country", "claimant_country_name", sitrep_geo::country_name),
                ("admin1", "admin1_name", sitrep_geo::admin1_name),
            ] {
                if let Some(n) = o.get(code).and_then(Value::as_str).and_then(lookup) {
                    o.insert(name.into(), Value::String(n.into()));
                }
            }
            o.values_mut().for_each(add_names);
        }
        Value::Array(a) => a.iter_mut().for_each(add_names),
        _ => {}
    }
}

/// Newest first (undated last: SQLite sorts NULL lowest), served by the `events_order`
/// indexes without a sort.
const ORDER: &str = "ORDER BY e.date DESC, e.id DESC";

pub fn events(conn: &Connection, q: &EventQuery) -> Result<Value> {
    let Filter { from, clause: w, params: p } = filter(q);
    let total: i64 = conn
        .prepare_cached(&format!("SELECT count(*) FROM {from} e {w}"))?
        .query_row(params_from_iter(&p), |r| r.get(0))?;
    let limit = q.limit.clamp(1, 1000);
    let mut p2 = p.clone();
    p2.push(Sql::Integer(limit as i64));
    p2.push(Sql::Integer(q.offset.min(i64::MAX as usize) as i64));
    let mut st =
        conn.prepare_cached(&format!("SELECT {SUMMARY_COLUMNS} FROM {from} e {w} {ORDER} LIMIT ? OFFSET ?"))?;
    let mut items = st.query_map(params_from_iter(&p2), summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    items.iter_mut().for_each(add_names);
    let mut page = json!({"total": total, "limit": limit, "offset": q.offset, "items": items});
    if let Some(t) = &q.as_of {
        page["as_of"] = t.as_str().into();
    }
    Ok(page)
}

pub fn each_event(conn: &Connection, q: &EventQuery, f: &mut dyn FnMut(&Value) -> Result<()>) -> Result<()> {
    let Filter { from, clause: w, params: p } = filter(q);
    let mut st = conn.prepare(&format!("SELECT {SUMMARY_COLUMNS} FROM {from} e {w} {ORDER}"))?;
    let mut rows = st.query(params_from_iter(&p))?;
    while let Some(r) = rows.next()? {
        f(&summary(r)?)?;
    }
    Ok(())
}

/// Clamps a span of the record to the evidence sentence, relative to it.
fn relative(span: &Value, ev_start: i64, ev_len: i64, kind: &str, out: &mut Vec<Value>) {
    let (Some(s), Some(e)) = (span.get("start").and_then(Value::as_i64), span.get("end").and_then(Value::as_i64))
    else {
        return;
    };
    let (s, e) = ((s - ev_start).clamp(0, ev_len), (e - ev_start).clamp(0, ev_len));
    if s < e {
        out.push(json!({"start": s, "end": e, "kind": kind}));
    }
}

/// One event with its reports, as it is now or as it stood at the instant `as_of` (its
/// version then, and the reports that were its members then).
pub fn event(conn: &Connection, id: &str, as_of: Option<&str>) -> Result<Value> {
    let (from, members) = match as_of {
        None => ("events", "event_members em JOIN mentions m ON m.id = em.mention"),
        Some(_) => (
            EVENTS_AS_OF,
            "(SELECT mv.* FROM member_versions mv WHERE mv.event = :id AND mv.valid_from <= :as_of
               AND (mv.valid_to IS NULL OR mv.valid_to > :as_of)) em JOIN mentions m ON m.key = em.mention_key",
        ),
    };
    let named: Vec<(&str, &dyn rusqlite::ToSql)> = match &as_of {
        None => vec![(":id", &id)],
        Some(t) => vec![(":id", &id), (":as_of", t)],
    };
    let mut ev = conn
        .prepare_cached(&format!("SELECT {SUMMARY_COLUMNS}, e.detail FROM {from} e WHERE e.id = :id"))?
        .query_row(named.as_slice(), |r| Ok((summary(r)?, r.get::<_, String>(27)?)))
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("event {id}")))
        .and_then(|(mut s, detail)| {
            let d: Value = serde_json::from_str(&detail)?;
            if let (Some(o), Value::Object(d)) = (s.as_object_mut(), d) {
                o.extend(d);
            }
            Ok(s)
        })?;
    let mut st = conn.prepare_cached(&format!(
        "SELECT m.key, m.record, em.score, em.reasons, d.ext_id, d.title, d.url, d.source, d.published, d.lang
         FROM {members} JOIN documents d ON d.id = m.doc
         WHERE em.event = :id ORDER BY d.published, m.key"
    ))?;
    let mentions = st
        .query_map(named.as_slice(), |r| {
            let record: Value = serde_json::from_str(&r.get::<_, String>(1)?).unwrap_or(Value::Null);
            let reasons: Value = serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or(Value::Null);
            let evidence = record.get("evidence").cloned().unwrap_or(Value::Null);
            let ev_start = evidence.get("start").and_then(Value::as_i64).unwrap_or(0);
            let ev_text = evidence.get("text").and_then(Value::as_str).unwrap_or("");
            let ev_len = ev_text.chars().count() as i64;
            let mut hl = Vec::new();
            let null = Value::Null;
            relative(record.get("trigger").unwrap_or(&null), ev_start, ev_len, "trigger", &mut hl);
            for c in record.get("casualties").and_then(Value::as_array).into_iter().flatten() {
                relative(c.get("span").unwrap_or(&null), ev_start, ev_len, "number", &mut hl);
            }
            if let Some(c) = record.get("claimant").filter(|c| !c.is_null()) {
                relative(c.get("span").unwrap_or(&null), ev_start, ev_len, "claimant", &mut hl);
            }
            for k in ["actors", "recipients"] {
                for a in record.get(k).and_then(Value::as_array).into_iter().flatten() {
                    relative(a.get("span").unwrap_or(&null), ev_start, ev_len, "actor", &mut hl);
                }
            }
            if let Some(l) = record.get("location").filter(|l| !l.is_null()) {
                relative(l.get("span").unwrap_or(&null), ev_start, ev_len, "place", &mut hl);
            }
            hl.sort_by_key(|h| (h["start"].as_i64(), h["end"].as_i64()));
            let casualties: Vec<Value> = record
                .get("casualties")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|c| {
                    let g = |k: &str| c.get(k).and_then(Value::as_u64);
                    let q = c.get("qualifier").and_then(Value::as_str).unwrap_or("exact");
                    json!({"kind": c.get("kind"), "count": c.get("count"), "qualifier": q,
                           "label": sitrep_fuse::meaning::label(q, g("count"), g("low"), g("high")),
                           "victims": c.get("victims"), "claimant": c.get("claimant").and_then(|x| x.get("name").or(x.get("text")))})
                })
                .collect();
            let claimant = record.get("claimant").and_then(|c| c.get("name").filter(|n| !n.is_null()).or(c.get("text")));
            Ok(json!({
                "id": r.get::<_, String>(0)?,
                "document": {"id": r.get::<_, String>(4)?, "title": r.get::<_, Option<String>>(5)?,
                             "url": r.get::<_, Option<String>>(6)?, "source": r.get::<_, Option<String>>(7)?,
                             "published": r.get::<_, Option<String>>(8)?, "lang": r.get::<_, Option<String>>(9)?},
                "event_type": record.get("event_type"),
                "status": record.get("status"),
                "date": record.get("date").and_then(|d| d.get("value")),
                "claimant": claimant,
                "trigger": record.get("trigger"),
                "evidence": evidence,
                "highlights": hl,
                "casualties": casualties,
                "actors": record.get("actors"),
                "recipients": record.get("recipients"),
                "location": record.get("location"),
                "confidence": record.get("confidence"),
                "score": r.get::<_, f64>(2)?,
                "reasons": reasons,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    if let Some(o) = ev.as_object_mut() {
        o.insert("mentions".into(), Value::Array(mentions));
        if let Some(t) = as_of {
            o.insert("as_of".into(), t.into());
        }
    }
    add_names(&mut ev);
    Ok(ev)
}

/// A sum computed in floating point (SQLite's `total`, which cannot overflow) as the
/// nearest integer, saturating.
fn saturate(sum: f64) -> i64 {
    sum.round() as i64
}

pub fn stats(conn: &Connection, by: &str, q: &EventQuery) -> Result<Value> {
    let key = match by {
        "day" => "e.date",
        "country" => "e.country",
        "type" => "e.event_type",
        other => return Err(Error::Invalid(format!("by must be day, country or type, not {other:?}"))),
    };
    let Filter { from, clause: w, params: p } = filter(q);
    let extra = if by == "day" {
        // Days of a known year only: "XXXX-08-26" has no place on a timeline.
        if w.is_empty() {
            "WHERE length(e.date) = 10 AND e.date GLOB '[0-9]*'"
        } else {
            "AND length(e.date) = 10 AND e.date GLOB '[0-9]*'"
        }
    } else {
        ""
    };
    let mut st = conn.prepare_cached(&format!(
        "SELECT {key}, count(*), total(coalesce(e.fatalities_best, 0)) FROM {from} e {w} {extra}
         GROUP BY {key} ORDER BY {}",
        if by == "day" { "1" } else { "2 DESC, 1" }
    ))?;
    let rows = st
        .query_map(params_from_iter(&p), |r| {
            let key = r.get::<_, Option<String>>(0)?;
            let name = key.as_deref().filter(|_| by == "country").and_then(sitrep_geo::country_name);
            let mut row =
                json!({"key": key, "events": r.get::<_, i64>(1)?, "fatalities": saturate(r.get::<_, f64>(2)?)});
            if let Some(n) = name {
                row["name"] = n.into();
            }
            Ok(row)
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(json!({"by": by, "rows": rows}))
}

/// One CSV cell. A text that a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, tab or CR: CWE-1236) gets a leading `'` and quotes, as OWASP
/// recommends; numbers ("-12.5") stay numbers.
pub(crate) fn csv_field(s: &str) -> String {
    let formula = s.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && !(s.parse::<f64>().is_ok() && s.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b)));
    if formula {
        format!("\"'{}\"", s.replace('"', "\"\""))
    } else if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn actor_name(a: &Value) -> String {
    let g = |k: &str| a.get(k).and_then(Value::as_str).unwrap_or("");
    if !g("name").is_empty() {
        return g("name").to_string();
    }
    let code = [g("country"), g("sector")].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join(" ");
    if code.is_empty() { g("text").to_string() } else { code }
}

/// The reporting articles of an event (at the instant `as_of`, if given): outlet (or URL,
/// or id) and language, once each.
fn sources_with_lang(conn: &Connection, id: &str, as_of: Option<&str>) -> Result<Vec<crate::acled::Source>> {
    let source = |r: &rusqlite::Row<'_>| Ok(crate::acled::Source { name: r.get(0)?, lang: r.get(1)? });
    const SELECT: &str = "SELECT coalesce(d.source, d.url, d.ext_id), min(d.lang)";
    let rows = match as_of {
        None => conn
            .prepare_cached(&format!(
                "{SELECT} FROM event_members em JOIN mentions m ON m.id = em.mention
                 JOIN documents d ON d.id = m.doc WHERE em.event = ?1 GROUP BY 1 ORDER BY 1"
            ))?
            .query_map([id], source)?
            .collect::<rusqlite::Result<_>>()?,
        Some(t) => conn
            .prepare_cached(&format!(
                "{SELECT} FROM member_versions mv JOIN mentions m ON m.key = mv.mention_key
                 JOIN documents d ON d.id = m.doc WHERE mv.event = :id AND {MEMBER_VALID} GROUP BY 1 ORDER BY 1"
            ))?
            .query_map(&[(":id", &id as &dyn rusqlite::ToSql), (":as_of", &t)], source)?
            .collect::<rusqlite::Result<_>>()?,
    };
    Ok(rows)
}

pub fn export(conn: &Connection, q: &EventQuery, format: Format, out: &mut dyn Write) -> Result<u64> {
    let mut n = 0u64;
    if format == Format::Csv {
        writeln!(out, "{}", crate::acled::COLUMNS.join(","))?;
    }
    if format == Format::GeoJson {
        write!(out, "{{\"type\":\"FeatureCollection\",\"features\":[")?;
    }
    each_event(conn, q, &mut |e| {
        let g = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("");
        let first = |k: &str| e.get(k).and_then(Value::as_array).and_then(|a| a.first()).map(actor_name);
        match format {
            Format::Jsonl => writeln!(out, "{e}")?,
            Format::Csv => {
                let Some(row) = crate::acled::row(e, &sources_with_lang(conn, g("id"), q.as_of.as_deref())?) else {
                    return Ok(());
                };
                writeln!(out, "{}", row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","))?;
            }
            Format::Plover => {
                let party = |k: &str| {
                    e.get(k).and_then(Value::as_array).and_then(|a| a.first()).cloned().unwrap_or(Value::Null)
                };
                let (a, r) = (party("actors"), party("recipients"));
                let rec = json!({
                    "id": e["id"], "date": e["date"], "event_type": e["event_type"], "mode": e["mode"], "context": [],
                    "actor": first("actors"), "actor_country": a.get("country"), "actor_sector": a.get("sector"),
                    "recipient": first("recipients"), "recipient_country": r.get("country"), "recipient_sector": r.get("sector"),
                    "location": {"name": e["place"], "country": e["country"], "admin1": e["admin1"], "lat": e["lat"], "lon": e["lon"], "precision": e["geo_precision"]},
                    "status": e["status"], "fatalities": e["fatalities"], "sources": sources_with_lang(conn, g("id"), q.as_of.as_deref())?.into_iter().map(|x| x.name).collect::<Vec<_>>(), "text": e["headline"],
                });
                writeln!(out, "{rec}")?;
            }
            Format::GeoJson => {
                let (Some(lat), Some(lon)) = (e["lat"].as_f64(), e["lon"].as_f64()) else { return Ok(()) };
                if n > 0 {
                    write!(out, ",")?;
                }
                let f = json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]}, "properties": e});
                write!(out, "\n{f}")?;
            }
        }
        n += 1;
        Ok(())
    })?;
    if format == Format::GeoJson {
        writeln!(out, "\n]}}")?;
    }
    Ok(n)
}
