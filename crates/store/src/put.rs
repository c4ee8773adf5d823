//! Putting a document: its row, its full-text entry, and one row per event mention and
//! casualty claim, read from the result record. Re-analysis ([`insert_mentions`]) replaces
//! a stored document's mentions the same way.
//!
//! A mention's key is anchored on what it is about, not on its place in the output: the
//! document's content hash and the code-point offset of its trigger (`<hash>-c000123`,
//! `.2`, `.3` for further events on the same trigger), so an event keeps its id when a
//! new extractor adds or drops other events of the article.

use serde_json::Value;

use rusqlite::params;

use crate::{NewDocument, Put, Result};

pub(crate) fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

/// The article's proper names (see `sitrep_fuse::names`), sentence by sentence, at most 64.
pub(crate) fn doc_names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text.split(['.', '!', '?', '\n']).flat_map(sitrep_fuse::names).collect();
    out.sort();
    out.dedup();
    out.truncate(64);
    out
}

/// The parts of a result record the store reads; the rest is skipped unparsed.
#[derive(serde::Deserialize)]
pub(crate) struct RecordView {
    #[serde(default)]
    pub doc: Option<Value>,
    #[serde(default)]
    pub events: Vec<Value>,
    #[serde(default)]
    pub contradictions: Vec<Value>,
}

/// Puts documents inside the caller's transaction; marks fusion as due when anything
/// was added.
pub(crate) fn put_all(tx: &rusqlite::Transaction<'_>, docs: &[NewDocument<'_>]) -> Result<Vec<Put>> {
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        out.push(put_one(tx, d)?);
    }
    if out.contains(&Put::Added) {
        tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fusion_due', '1')", [])?;
    }
    Ok(out)
}

pub(crate) fn put_one(tx: &rusqlite::Transaction<'_>, d: &NewDocument<'_>) -> Result<Put> {
    let doc = d.doc;
    let mut st = tx.prepare_cached(
        "INSERT OR IGNORE INTO documents(ext_id, content_hash, url, source, title, published, lang, origin, text, result, names,
            contradictions, analysed_by, lang_hint, added_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, sitrep_now())",
    )?;
    let view: RecordView = serde_json::from_str(d.record)?;
    let lang = view.doc.as_ref().and_then(|x| s(x, "lang")).or_else(|| doc.lang.clone());
    let url = doc.url.as_deref().filter(|u| !u.is_empty());
    // A URL already stored for other content: keep the first version.
    if let Some(u) = url {
        let mut q = tx.prepare_cached("SELECT 1 FROM documents WHERE url = ?1")?;
        if q.exists([u])? {
            return Ok(Put::Duplicate);
        }
    }
    let n = st.execute(params![
        doc.id,
        d.content_hash,
        url,
        doc.source,
        doc.title,
        doc.published,
        lang,
        d.origin,
        doc.text,
        d.record,
        doc_names(&doc.text).join("\t"),
        contradictions_json(&view),
        d.analysed_by,
        doc.lang,
    ])?;
    if n == 0 {
        return Ok(Put::Duplicate);
    }
    let doc_row = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO documents_fts(rowid, title, text) VALUES (?1, ?2, ?3)")?
        .execute(params![doc_row, doc.title, doc.text])?;
    insert_mentions(tx, doc_row, d.content_hash, &view.events)?;
    if !view.events.is_empty() {
        count_names(tx, doc_row)?;
    }
    Ok(Put::Added)
}

/// Counts a new document's names in `name_stats` (what fusion's rare-name test reads):
/// one more article each, and the article's first day (its mentions' earliest).
pub(crate) fn count_names(tx: &rusqlite::Transaction<'_>, doc_row: i64) -> Result<()> {
    let (names, day): (String, Option<i64>) = tx
        .prepare_cached(
            "SELECT d.names, (SELECT min(day_lo) FROM mentions WHERE doc = d.id) FROM documents d WHERE d.id = ?1",
        )?
        .query_row([doc_row], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let mut up = tx.prepare_cached(
        "INSERT INTO name_stats(name, docs, first_day, last_day) VALUES (?1, 1, ?2, ?2)
         ON CONFLICT(name) DO UPDATE SET docs = docs + 1,
            first_day = coalesce(min(first_day, excluded.first_day), first_day, excluded.first_day),
            last_day = coalesce(max(last_day, excluded.last_day), last_day, excluded.last_day)",
    )?;
    for n in names.split('\t').filter(|n| !n.is_empty()) {
        up.execute(params![n, day])?;
    }
    Ok(())
}

/// The day numbers a mention is fused by and their length class (0: one day, 1: a week,
/// 2: a month, 3: a year, 4: longer); `None` when undated.
pub(crate) fn day_columns(date: Option<&str>, published: Option<&str>) -> (Option<i64>, Option<i64>, Option<i64>) {
    match date.or(published).and_then(sitrep_fuse::interval) {
        Some((a, b)) => {
            let class = match b - a {
                0 => 0,
                1..=6 => 1,
                7..=30 => 2,
                31..=365 => 3,
                _ => 4,
            };
            (Some(a), Some(b), Some(class))
        }
        None => (None, None, None),
    }
}

/// The longest interval (days minus one) of each length class of [`day_columns`].
pub(crate) const CLASS_SPAN: [i64; 5] = [0, 6, 30, 365, i64::MAX / 4];

/// A record's contradictions as the document row keeps them (none: NULL).
pub(crate) fn contradictions_json(view: &RecordView) -> Option<String> {
    (!view.contradictions.is_empty()).then(|| Value::Array(view.contradictions.clone()).to_string())
}

/// The key of each event of a record, in output order (see the module's overview).
pub(crate) fn mention_keys(content_hash: &str, events: &[Value]) -> Vec<String> {
    let mut seen: std::collections::HashMap<i64, u32> = Default::default();
    events
        .iter()
        .map(|e| {
            let at = e.get("trigger").and_then(|t| t.get("start")).and_then(Value::as_i64).unwrap_or(-1);
            let n = seen.entry(at).or_default();
            *n += 1;
            if *n == 1 { format!("{content_hash}-c{at:06}") } else { format!("{content_hash}-c{at:06}.{n}") }
        })
        .collect()
}

/// Stores a document's event mentions and their casualty claims.
pub(crate) fn insert_mentions(
    tx: &rusqlite::Transaction<'_>,
    doc_row: i64,
    content_hash: &str,
    events: &[Value],
) -> Result<()> {
    let empty = Vec::new();
    let keys = mention_keys(content_hash, events);
    let published: Option<String> =
        tx.prepare_cached("SELECT published FROM documents WHERE id = ?1")?.query_row([doc_row], |r| r.get(0))?;
    for ((i, e), key) in events.iter().enumerate().zip(keys) {
        let loc = e.get("location").filter(|l| !l.is_null());
        let date = e.get("date");
        let mut parties: Vec<String> = ["actors", "recipients"]
            .iter()
            .flat_map(|k| e.get(*k).and_then(Value::as_array).into_iter().flatten())
            .filter_map(|a| s(a, "country"))
            .collect();
        parties.sort();
        parties.dedup();
        let killed = e
            .get("casualties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|c| c.get("kind").and_then(Value::as_str) == Some("killed"))
            .filter_map(|c| {
                let count = c.get("count").and_then(Value::as_u64)?;
                let low = c.get("low").and_then(Value::as_u64).unwrap_or(count);
                let high = c.get("high").and_then(Value::as_u64).unwrap_or(count);
                Some((low.min(count), high.max(count)))
            })
            .max_by_key(|x| x.1);
        // A time of day ("2022-09-13TMO") does not split events: the day is kept.
        let value = date.and_then(|x| s(x, "value")).map(|v| {
            if v.len() > 10 && v.as_bytes()[10] == b'T' && v.is_char_boundary(10) { v[..10].to_string() } else { v }
        });
        let (day_lo, day_hi, day_class) = day_columns(value.as_deref(), published.as_deref());
        tx.prepare_cached(
            "INSERT INTO mentions(doc, idx, key, event_type, status, date, date_precision, country, admin1, place,
                geonameid, lat, lon, precision, parties, killed_low, killed_high, record, day_lo, day_hi, day_class)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
        )?
        .execute(params![
            doc_row,
            i as i64,
            key,
            s(e, "event_type").unwrap_or_default(),
            s(e, "status").unwrap_or_else(|| "current".into()),
            value,
            date.and_then(|x| s(x, "precision")),
            loc.and_then(|l| s(l, "country")),
            loc.and_then(|l| s(l, "admin1")),
            loc.and_then(|l| s(l, "name").or_else(|| s(l, "text"))),
            loc.and_then(|l| l.get("geonameid")).and_then(Value::as_i64),
            loc.and_then(|l| l.get("lat")).and_then(Value::as_f64),
            loc.and_then(|l| l.get("lon")).and_then(Value::as_f64),
            loc.and_then(|l| s(l, "precision")),
            parties.join(","),
            killed.map(|k| i64::try_from(k.0).unwrap_or(i64::MAX)),
            killed.map(|k| i64::try_from(k.1).unwrap_or(i64::MAX)),
            serde_json::to_string(e)?,
            day_lo,
            day_hi,
            day_class,
        ])?;
        let mention_row = tx.last_insert_rowid();
        tx.prepare_cached("INSERT INTO fusion_pending(mention) VALUES (?1)")?.execute([mention_row])?;
        let cas = e.get("casualties").and_then(Value::as_array).unwrap_or(&empty);
        for (j, c) in cas.iter().enumerate() {
            let v = c.get("victims");
            let cl = c.get("claimant").filter(|x| !x.is_null());
            let span = c.get("span");
            let n = |k: &str| c.get(k).and_then(Value::as_u64).map(|x| x.min(i64::MAX as u64) as i64);
            tx.prepare_cached(
                "INSERT INTO claims(mention, idx, kind, count, qualifier, low, high, victims_text, victims_country,
                    victims_sector, claimant, claimant_country, claimant_sector, status, span_start, span_end)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            )?
            .execute(params![
                mention_row,
                j as i64,
                s(c, "kind").unwrap_or_default(),
                n("count"),
                s(c, "qualifier"),
                n("low"),
                n("high"),
                v.and_then(|x| s(x, "text")),
                v.and_then(|x| s(x, "country")),
                v.and_then(|x| s(x, "sector")),
                cl.and_then(|x| s(x, "name").or_else(|| s(x, "text"))),
                cl.and_then(|x| s(x, "country")),
                cl.and_then(|x| s(x, "sector")),
                s(c, "status").unwrap_or_else(|| "current".into()),
                span.and_then(|x| x.get("start")).and_then(Value::as_i64).unwrap_or(0),
                span.and_then(|x| x.get("end")).and_then(Value::as_i64).unwrap_or(0),
            ])?;
        }
    }
    Ok(())
}
