//! Query-string and body parsing with clear errors.

use serde_json::Value;
use sitrep_core::{Document, EventQuery, Status};

use crate::ApiError;

/// The event filters every listing endpoint accepts.
pub const FILTERS: &[&str] =
    &["from", "to", "country", "type", "status", "actor", "min_fatalities", "q", "near", "as_of"];

/// Decoded `key=value` pairs; unknown keys, repeated keys and over-long values are errors.
pub fn pairs(raw: Option<&str>, extra: &[&str]) -> Result<Vec<(String, String)>, ApiError> {
    let raw = raw.unwrap_or("");
    if raw.len() > 4096 {
        return Err(ApiError::bad("query string longer than 4096 bytes"));
    }
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(raw).map_err(|e| ApiError::bad(format!("malformed query string: {e}")))?;
    let mut seen: Vec<&str> = Vec::new();
    for (k, _) in &pairs {
        if !extra.contains(&k.as_str()) && !FILTERS.contains(&k.as_str()) {
            let mut allowed: Vec<&str> = FILTERS.iter().chain(extra).copied().collect();
            allowed.sort();
            return Err(ApiError::bad(format!("unknown parameter {k:?}; allowed: {}", allowed.join(", "))));
        }
        if seen.contains(&k.as_str()) {
            return Err(ApiError::bad(format!("parameter {k:?} given twice")));
        }
        seen.push(k);
    }
    Ok(pairs)
}

/// One parameter's value (for endpoint-specific ones such as `by`).
pub fn take(raw: Option<&str>, key: &str) -> Result<Option<String>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|e| ApiError::bad(format!("malformed query string: {e}")))?;
    Ok(pairs.into_iter().find(|(k, _)| k == key).map(|(_, v)| v))
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

pub fn number(pairs: &[(String, String)], key: &str) -> Result<Option<u64>, ApiError> {
    get(pairs, key)
        .map(|v| {
            v.parse::<u64>().map_err(|_| ApiError::bad(format!("{key} must be a non-negative integer, not {v:?}")))
        })
        .transpose()
}

/// `limit`: a page size from 1 to 1000 (`default` when not given).
pub fn limit(pairs: &[(String, String)], default: usize) -> Result<usize, ApiError> {
    match number(pairs, "limit")? {
        None => Ok(default),
        Some(l) if (1..=1000).contains(&l) => Ok(l as usize),
        Some(_) => Err(ApiError::bad("limit must be between 1 and 1000")),
    }
}

/// `YYYY-MM-DD`, a real day.
pub fn is_day(v: &str) -> bool {
    sitrep_dates::Ymd::parse_day(v).is_some()
}

fn day(pairs: &[(String, String)], key: &str) -> Result<Option<String>, ApiError> {
    let Some(v) = get(pairs, key) else { return Ok(None) };
    if is_day(v) {
        Ok(Some(v.to_string()))
    } else {
        Err(ApiError::bad(format!("{key} must be a date YYYY-MM-DD, not {v:?}")))
    }
}

/// The filters of an event listing.
pub fn event_query(raw: Option<&str>, extra: &[&str]) -> Result<EventQuery, ApiError> {
    let p = pairs(raw, extra)?;
    let mut q = EventQuery { limit: 50, ..EventQuery::default() };
    q.from = day(&p, "from")?;
    q.to = day(&p, "to")?;
    if let (Some(a), Some(b)) = (&q.from, &q.to)
        && a > b
    {
        return Err(ApiError::bad(format!("from ({a}) is after to ({b})")));
    }
    if let Some(c) = get(&p, "country") {
        if c.len() != 3 || !c.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(ApiError::bad(format!("country must be an ISO 3166-1 alpha-3 code such as ARM, not {c:?}")));
        }
        q.country = Some(c.to_ascii_uppercase());
    }
    if let Some(t) = get(&p, "type") {
        let up = t.to_ascii_uppercase();
        if !sitrep_core::EventType::ALL.iter().any(|e| e.as_str() == up) {
            return Err(ApiError::bad(format!("type must be a PLOVER event type such as ASSAULT, not {t:?}")));
        }
        q.event_type = Some(up);
    }
    q.status = Status::filter(get(&p, "status")).map_err(ApiError::bad)?;
    if let Some(a) = get(&p, "actor") {
        if a.chars().count() > 200 {
            return Err(ApiError::bad("actor longer than 200 characters"));
        }
        q.actor = Some(a.to_string());
    }
    q.min_fatalities = number(&p, "min_fatalities")?;
    if let Some(t) = get(&p, "q") {
        if t.chars().count() > 500 {
            return Err(ApiError::bad("q longer than 500 characters"));
        }
        q.text = Some(t.to_string());
    }
    if let Some(n) = get(&p, "near") {
        let parts: Vec<f64> = n.split(',').filter_map(|x| x.trim().parse::<f64>().ok()).collect();
        let ok = parts.len() == 3
            && n.split(',').count() == 3
            && parts.iter().all(|x| x.is_finite())
            && (-90.0..=90.0).contains(&parts[0])
            && (-180.0..=180.0).contains(&parts[1])
            && parts[2] > 0.0
            && parts[2] <= 20_000.0;
        if !ok {
            return Err(ApiError::bad(format!("near must be LAT,LON,KM (e.g. 40.0,45.0,50), not {n:?}")));
        }
        q.near = Some((parts[0], parts[1], parts[2]));
    }
    q.as_of = as_of(&p)?;
    q.limit = limit(&p, q.limit)?;
    q.offset = number(&p, "offset")?.unwrap_or(0).min(1 << 40) as usize;
    Ok(q)
}

/// `as_of`: the dataset as it stood at that time (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM[:SS]`,
/// UTC unless an offset follows; `+` in a query string is a space, so write it `%2B`).
pub fn as_of(pairs: &[(String, String)]) -> Result<Option<String>, ApiError> {
    get(pairs, "as_of")
        .map(|t| sitrep_store::parse_instant(t).map_err(|m| ApiError::bad(format!("as_of: {m}"))))
        .transpose()
}

/// Ids in paths and bodies: printable, no control characters, at most 512 bytes.
pub fn check_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > 512 || id.chars().any(char::is_control) {
        return Err(ApiError::bad("malformed id"));
    }
    Ok(())
}

/// A posted document: `{"text": ..., "id", "published", "title", "url", "source", "lang"}`.
pub fn document(v: &Value) -> Result<Document, String> {
    let o = v.as_object().ok_or("body must be a JSON object")?;
    let text = o.get("text").and_then(Value::as_str).ok_or("body needs \"text\": a string")?;
    if text.trim().is_empty() {
        return Err("\"text\" is empty".into());
    }
    let s = |k: &str| -> Result<Option<String>, String> {
        match o.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("\"{k}\" must be a string")),
        }
    };
    // YYYY-MM-DD, possibly followed by a time ("2022-09-13T08:00:00Z").
    let published = match s("published")? {
        None => None,
        Some(p) => match p.get(..10).filter(|d| is_day(d) && (p.len() == 10 || p[10..].starts_with(['T', ' ']))) {
            Some(d) => Some(d.to_string()),
            None => return Err(format!("\"published\" must be YYYY-MM-DD, not {p:?}")),
        },
    };
    let id = match o.get("id") {
        Some(Value::String(s)) if !s.is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        // Named from the content hash by the analyser.
        None | Some(Value::Null) => String::new(),
        Some(_) => return Err("\"id\" must be a string or a number".into()),
    };
    if !id.is_empty() {
        check_id(&id).map_err(|_| "malformed id".to_string())?;
    }
    Ok(Document {
        id,
        text: text.to_string(),
        lang: s("lang")?,
        published,
        title: s("title")?,
        url: s("url")?,
        source: s("source")?,
    })
}
