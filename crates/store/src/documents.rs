//! Reading documents: the listing (newest first, by cursor or offset) and one document
//! with its text and result record.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use crate::{Error, Result};

/// Documents newest first (undated last), one page: after the document whose cursor is
/// `after` (keyset: a walk down the `documents_published` index, as cheap on page 1,000
/// as on page 1), or else `offset` rows in. Each page gives the cursor of the next.
pub fn documents(conn: &Connection, limit: usize, offset: usize, after: Option<&str>) -> Result<Value> {
    let total: i64 =
        conn.prepare_cached("SELECT n FROM counters WHERE name = 'documents'")?.query_row([], |r| r.get(0))?;
    let limit = limit.clamp(1, 1000);
    const COLS: &str = "d.id, d.ext_id, d.title, d.url, d.source, d.published, d.lang,
        (SELECT count(*) FROM mentions m WHERE m.doc = d.id)";
    let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<(i64, Value)> {
        Ok((
            r.get(0)?,
            json!({"id": r.get::<_, String>(1)?, "title": r.get::<_, Option<String>>(2)?,
                   "url": r.get::<_, Option<String>>(3)?, "source": r.get::<_, Option<String>>(4)?,
                   "published": r.get::<_, Option<String>>(5)?, "lang": r.get::<_, Option<String>>(6)?,
                   "n_mentions": r.get::<_, i64>(7)?}),
        ))
    };
    // Where the page starts: (published, row id) of the last document shown, exclusive.
    let start: Option<(Option<String>, i64)> = match after {
        None => None,
        Some(c) => {
            let bad = || Error::Invalid(format!("after {c:?} is not a cursor this listing gave"));
            let id: i64 = c.parse().map_err(|_| bad())?;
            let published = conn
                .prepare_cached("SELECT published FROM documents WHERE id = ?1")?
                .query_row([id], |r| r.get::<_, Option<String>>(0))
                .optional()?
                .ok_or_else(bad)?;
            Some((published, id))
        }
    };
    let mut rows: Vec<(i64, Value)> = Vec::new();
    // Dated documents first (NULL sorts lowest, so last in DESC order), then undated.
    let dated = match &start {
        None => conn
            .prepare_cached(&format!(
                "SELECT {COLS} FROM documents d WHERE d.published IS NOT NULL
                 ORDER BY d.published DESC, d.id DESC LIMIT ?1 OFFSET ?2"
            ))?
            .query_map(params![limit as i64, offset.min(i64::MAX as usize) as i64], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        Some((Some(p), id)) => conn
            .prepare_cached(&format!(
                "SELECT {COLS} FROM documents d WHERE (d.published, d.id) < (?1, ?2)
                 ORDER BY d.published DESC, d.id DESC LIMIT ?3"
            ))?
            .query_map(params![p, id, limit as i64], row)?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        Some((None, _)) => Vec::new(),
    };
    rows.extend(dated);
    if rows.len() < limit {
        let rest = (limit - rows.len()) as i64;
        let undated = match &start {
            Some((None, id)) => conn
                .prepare_cached(&format!(
                    "SELECT {COLS} FROM documents d WHERE d.published IS NULL AND d.id < ?1 ORDER BY d.id DESC LIMIT ?2"
                ))?
                .query_map(params![id, rest], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            Some((Some(_), _)) => conn
                .prepare_cached(&format!(
                    "SELECT {COLS} FROM documents d WHERE d.published IS NULL ORDER BY d.id DESC LIMIT ?1"
                ))?
                .query_map(params![rest], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            None => {
                // An offset past the dated documents continues into the undated ones.
                let dated_n: i64 = conn
                    .prepare_cached("SELECT count(*) FROM documents WHERE published IS NOT NULL")?
                    .query_row([], |r| r.get(0))?;
                let skip = (offset as i64).saturating_sub(dated_n).max(0);
                conn.prepare_cached(&format!(
                    "SELECT {COLS} FROM documents d WHERE d.published IS NULL ORDER BY d.id DESC LIMIT ?1 OFFSET ?2"
                ))?
                .query_map(params![rest, skip], row)?
                .collect::<rusqlite::Result<Vec<_>>>()?
            }
        };
        rows.extend(undated);
    }
    let next = (rows.len() == limit).then(|| rows.last().map(|(id, _)| id.to_string())).flatten();
    let items: Vec<Value> = rows.into_iter().map(|(_, v)| v).collect();
    Ok(json!({"total": total, "limit": limit, "offset": offset, "items": items, "next": next}))
}

pub fn document(conn: &Connection, id: &str) -> Result<Value> {
    conn.prepare_cached(
        "SELECT ext_id, title, url, source, published, lang, origin, text, result, content_hash FROM documents
         WHERE ext_id = ?1 ORDER BY id LIMIT 1",
    )?
    .query_row([id], |r| {
        let result: Value = serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or(Value::Null);
        Ok(json!({"id": r.get::<_, String>(0)?, "title": r.get::<_, Option<String>>(1)?,
                  "url": r.get::<_, Option<String>>(2)?, "source": r.get::<_, Option<String>>(3)?,
                  "published": r.get::<_, Option<String>>(4)?, "lang": r.get::<_, Option<String>>(5)?,
                  "origin": r.get::<_, String>(6)?, "content_hash": r.get::<_, String>(9)?,
                  "text": r.get::<_, String>(7)?, "result": result}))
    })
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("document {id}")))
}
