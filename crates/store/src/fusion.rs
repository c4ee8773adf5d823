//! Re-fusion: mentions and decisions in, fused events with tolls, contradictions and
//! summaries out (all inside the caller's transaction).

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{Transaction, params};
use serde_json::{Value, json};
use sitrep_core::{Decision, MentionFeatures, Status};

use crate::{FusionReport, Result};

struct Row {
    id: i64,
    doc: i64,
    doc_ext: String,
    lang: Option<String>,
    date_precision: Option<String>,
    place: Option<String>,
    precision: Option<String>,
    /// Where to draw it (a country's centroid too).
    lat_lon: Option<(f64, f64)>,
    /// The mention's JSON, parsed only while its event is written.
    record: String,
}

struct Claim {
    mention: i64,
    doc: i64,
    kind: String,
    count: Option<u64>,
    qualifier: String,
    low: Option<u64>,
    high: Option<u64>,
    victims_text: Option<String>,
    victims_country: Option<String>,
    victims_sector: Option<String>,
    claimant: Option<String>,
    claimant_country: Option<String>,
    claimant_sector: Option<String>,
    published: Option<String>,
}

pub fn refuse(tx: &Transaction<'_>, params: &sitrep_fuse::Params) -> Result<FusionReport> {
    let mut feats = Vec::new();
    let mut rows = Vec::new();
    {
        let mut st = tx.prepare(
            "SELECT m.id, m.doc, d.content_hash, m.key, m.event_type, m.status, m.date, d.published, m.country,
                    m.admin1, m.geonameid, m.lat, m.lon, m.parties, m.killed_low, m.killed_high, d.ext_id, d.lang,
                    m.date_precision, m.place, m.precision, m.record, d.names
             FROM mentions m JOIN documents d ON d.id = m.doc ORDER BY m.key",
        )?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let lat: Option<f64> = r.get(11)?;
            let lon: Option<f64> = r.get(12)?;
            let parties: String = r.get(13)?;
            let kl: Option<i64> = r.get(14)?;
            let kh: Option<i64> = r.get(15)?;
            let precision: Option<String> = r.get(20)?;
            // A country named as the place says no more than the country code.
            let located = precision.as_deref() != Some("country");
            let names: String = r.get(22)?;
            feats.push(MentionFeatures {
                key: r.get(3)?,
                doc: r.get(2)?,
                event_type: r.get(4)?,
                status: Status::parse(&r.get::<_, String>(5)?).unwrap_or_default(),
                date: r.get(6)?,
                published: r.get(7)?,
                country: r.get(8)?,
                admin1: r.get(9)?,
                geonameid: r.get::<_, Option<i64>>(10)?.filter(|_| located).map(|g| g as u64),
                lat_lon: lat.zip(lon).filter(|_| located),
                parties: parties.split(',').filter(|p| !p.is_empty()).map(str::to_string).collect(),
                killed: kl.zip(kh).map(|(a, b)| (a as u64, b as u64)),
                names: names.split('\t').filter(|n| !n.is_empty()).map(str::to_string).collect(),
            });
            let record: String = r.get(21)?;
            rows.push(Row {
                id: r.get(0)?,
                doc: r.get(1)?,
                doc_ext: r.get(16)?,
                lang: r.get(17)?,
                date_precision: r.get(18)?,
                place: r.get(19)?,
                precision,
                lat_lon: lat.zip(lon),
                record,
            });
        }
    }
    let mut decisions: Vec<Decision> = Vec::new();
    {
        let mut st = tx.prepare("SELECT kind, a, b FROM decisions ORDER BY id")?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let (k, a, b): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            decisions.push(if k == "merge" { Decision::Merge(a, b) } else { Decision::Split(a, b) });
        }
    }
    let mut claims: BTreeMap<i64, Vec<Claim>> = BTreeMap::new();
    {
        let mut st = tx.prepare(
            "SELECT c.mention, m.doc, c.kind, c.count, c.qualifier, c.low, c.high, c.victims_text, c.victims_country,
                    c.victims_sector, c.claimant, c.claimant_country, c.claimant_sector, d.published
             FROM claims c JOIN mentions m ON m.id = c.mention JOIN documents d ON d.id = m.doc
             ORDER BY c.mention, c.idx",
        )?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let u = |i: usize| -> rusqlite::Result<Option<u64>> { Ok(r.get::<_, Option<i64>>(i)?.map(|x| x as u64)) };
            let c = Claim {
                mention: r.get(0)?,
                doc: r.get(1)?,
                kind: r.get(2)?,
                count: u(3)?,
                qualifier: r.get::<_, Option<String>>(4)?.unwrap_or_else(|| "exact".into()),
                low: u(5)?,
                high: u(6)?,
                victims_text: r.get(7)?,
                victims_country: r.get(8)?,
                victims_sector: r.get(9)?,
                claimant: r.get(10)?,
                claimant_country: r.get(11)?,
                claimant_sector: r.get(12)?,
                published: r.get(13)?,
            };
            claims.entry(c.mention).or_default().push(c);
        }
    }

    let mut doc_contras: BTreeMap<i64, Vec<Value>> = BTreeMap::new();
    {
        let mut st = tx.prepare("SELECT id, contradictions FROM documents WHERE contradictions IS NOT NULL")?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let v: String = r.get(1)?;
            if let Ok(Value::Array(a)) = serde_json::from_str(&v) {
                doc_contras.insert(r.get(0)?, a);
            }
        }
    }
    let fused = sitrep_fuse::fuse(&feats, &decisions, params);
    tx.execute("DELETE FROM event_members", [])?;
    tx.execute("DELETE FROM events", [])?;
    let mut ins_event = tx.prepare(
        "INSERT INTO events(id, event_type, mode, acled_type, acled_sub_type, status, date, date_precision, country,
            admin1, place, lat, lon, precision, fatalities_low, fatalities_best, fatalities_high, injured_low,
            injured_best, injured_high, n_mentions, n_documents, langs, actors, recipients, parties_text, headline,
            has_contradictions, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21,
            ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
    )?;
    let mut ins_member =
        tx.prepare("INSERT INTO event_members(mention, event, score, reasons) VALUES (?1, ?2, ?3, ?4)")?;
    for ev in &fused {
        let idx: Vec<usize> = ev.members.iter().map(|m| m.mention).collect();
        // Named after its first-stored mention, so the id stays when later reports join.
        let named = idx.iter().copied().min_by_key(|&i| rows[i].id).unwrap_or(idx[0]);
        let id = format!("E{}", feats[named].key);
        let parsed: Vec<Value> =
            idx.iter().map(|&i| serde_json::from_str(&rows[i].record)).collect::<std::result::Result<_, _>>()?;
        let first = &parsed[0];
        let f = |i: usize| &feats[i];
        // Status: current if any member is current.
        let status =
            if idx.iter().any(|&i| f(i).status == Status::Current) { Status::Current } else { f(idx[0]).status };
        // Date: the most reported day-precision date, else the first member's.
        let date = mode(idx.iter().filter_map(|&i| f(i).date.clone().filter(|d| d.len() == 10)))
            .or_else(|| idx.iter().find_map(|&i| f(i).date.clone()));
        let date_precision = date.as_ref().and_then(|d| {
            idx.iter().find(|&&i| f(i).date.as_ref() == Some(d)).and_then(|&i| rows[i].date_precision.clone())
        });
        // Location: the most precise one.
        let rank = |p: Option<&str>| match p {
            Some("point") => 0,
            Some("city") => 1,
            Some("region") => 2,
            Some("country") => 3,
            _ => 4,
        };
        // The country most members name, then the most precise place in it.
        let main_country = mode(idx.iter().filter_map(|&i| f(i).country.clone()));
        let loc = idx
            .iter()
            .filter(|&&i| f(i).country.is_some() || rows[i].lat_lon.is_some())
            .filter(|&&i| main_country.is_none() || f(i).country == main_country)
            .min_by_key(|&&i| (rank(rows[i].precision.as_deref()), f(i).key.clone()))
            .copied();
        let country = loc.and_then(|i| f(i).country.clone());
        let docs: BTreeSet<i64> = idx.iter().map(|&i| rows[i].doc).collect();
        let langs: BTreeSet<String> = idx.iter().filter_map(|&i| rows[i].lang.clone()).collect();
        let mut actors = Vec::new();
        let mut recipients = Vec::new();
        for p in &parsed {
            collect_actors(p, "actors", &mut actors);
            collect_actors(p, "recipients", &mut recipients);
        }
        let parties_text = actors
            .iter()
            .chain(&recipients)
            .flat_map(|a: &Value| ["name", "text", "country"].map(|k| a.get(k).and_then(Value::as_str).unwrap_or("")))
            .filter(|x| !x.is_empty())
            .collect::<Vec<_>>()
            .join(" | ");
        let member_claims: Vec<&Claim> =
            idx.iter().flat_map(|&i| claims.get(&rows[i].id).into_iter().flatten()).collect();
        let (tolls, summary, killed, injured) = tolls(&member_claims);
        let mut contradictions = cross_contradictions(&member_claims, &rows, &idx);
        for (k, &i) in idx.iter().enumerate() {
            doc_contradictions(&rows[i], &parsed[k], &doc_contras, &mut contradictions);
        }
        contradictions.sort_by_key(|a| a.to_string());
        contradictions.dedup();
        let headline = first.get("evidence").and_then(|e| e.get("text")).and_then(Value::as_str).unwrap_or("");
        let acled = first.get("acled").filter(|a| !a.is_null());
        let detail = json!({"tolls": tolls, "summary": summary, "contradictions": contradictions});
        ins_event.execute(params![
            id,
            f(idx[0]).event_type,
            first.get("mode").and_then(Value::as_str),
            acled.and_then(|a| a.get("event_type")).and_then(Value::as_str),
            acled.and_then(|a| a.get("sub_event_type")).and_then(Value::as_str),
            status.as_str(),
            date,
            date_precision,
            country,
            loc.and_then(|i| f(i).admin1.clone()),
            loc.and_then(|i| rows[i].place.clone()),
            loc.and_then(|i| rows[i].lat_lon.map(|p| p.0)),
            loc.and_then(|i| rows[i].lat_lon.map(|p| p.1)),
            loc.and_then(|i| rows[i].precision.clone()),
            killed.map(|t| t.0 as i64),
            killed.map(|t| t.1 as i64),
            killed.map(|t| t.2 as i64),
            injured.map(|t| t.0 as i64),
            injured.map(|t| t.1 as i64),
            injured.map(|t| t.2 as i64),
            idx.len() as i64,
            docs.len() as i64,
            langs.into_iter().collect::<Vec<_>>().join(","),
            Value::Array(actors).to_string(),
            Value::Array(recipients).to_string(),
            parties_text,
            headline,
            !contradictions.is_empty(),
            detail.to_string(),
        ])?;
        for m in &ev.members {
            let reasons: serde_json::Map<String, Value> =
                m.reasons.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect();
            ins_member.execute(params![rows[m.mention].id, id, m.score, Value::Object(reasons).to_string()])?;
        }
    }
    Ok(FusionReport { mentions: feats.len(), events: fused.len() })
}

fn mode<I: Iterator<Item = String>>(it: I) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for x in it {
        *counts.entry(x).or_default() += 1;
    }
    let max = counts.values().copied().max()?;
    counts.into_iter().find(|(_, c)| *c == max).map(|(k, _)| k)
}

/// Distinct actors (by name, else country + sector, else text), in first-seen order.
fn collect_actors(record: &Value, field: &str, out: &mut Vec<Value>) {
    for a in record.get(field).and_then(Value::as_array).into_iter().flatten() {
        let g = |k: &str| a.get(k).cloned().unwrap_or(Value::Null);
        let v = json!({"name": g("name"), "text": g("text"), "country": g("country"), "sector": g("sector")});
        let same = |b: &Value| {
            if !v["name"].is_null() {
                b["name"] == v["name"]
            } else if !v["country"].is_null() || !v["sector"].is_null() {
                b["name"].is_null() && b["country"] == v["country"] && b["sector"] == v["sector"]
            } else {
                b["text"] == v["text"]
            }
        };
        if !out.iter().any(same) {
            out.push(v);
        }
    }
}

/// How a claim reads: `≥49`, `>10`, `~2000`, `10–15`, `49`, `unknown`.
pub fn label(qualifier: &str, count: Option<u64>, low: Option<u64>, high: Option<u64>) -> String {
    let Some(n) = count else { return "unknown".into() };
    match qualifier {
        "at_least" => format!("≥{n}"),
        "more_than" => format!(">{n}"),
        "at_most" => format!("≤{n}"),
        "approx" => format!("~{n}"),
        "range" => format!("{}–{}", low.unwrap_or(n), high.unwrap_or(n)),
        _ => n.to_string(),
    }
}

type Bounds = Option<(u64, u64, u64)>;

/// Groups claims by (kind, victims) and claimant; returns the toll groups, the summary
/// lines, and the killed and injured (low, best, high) over all victim groups.
fn tolls(claims: &[&Claim]) -> (Vec<Value>, Vec<String>, Bounds, Bounds) {
    type GroupKey = (String, Option<String>, Option<String>);
    let mut groups: BTreeMap<GroupKey, Vec<&Claim>> = BTreeMap::new();
    for c in claims {
        groups.entry((c.kind.clone(), c.victims_country.clone(), c.victims_sector.clone())).or_default().push(c);
    }
    let mut out = Vec::new();
    let mut summary = Vec::new();
    let mut totals: BTreeMap<String, (u64, u64, u64)> = BTreeMap::new();
    for ((kind, vc, vs), cs) in &groups {
        // Claims by (claimant, wording), counting documents.
        type ClaimKey = (Option<String>, String, Option<u64>, Option<u64>, Option<u64>);
        // The same claimant reads differently in each language ("Armenian defence
        // ministry", "ministère arménien"): its country and sector identify it.
        let mut by: BTreeMap<ClaimKey, (BTreeSet<i64>, &Claim, BTreeSet<String>)> = BTreeMap::new();
        for c in cs {
            let who = match (&c.claimant, &c.claimant_country, &c.claimant_sector) {
                (None, ..) => None,
                (Some(_), Some(cc), s) => Some(format!("{cc} {}", s.as_deref().unwrap_or("")).trim().to_string()),
                (Some(t), None, Some(s)) => Some(s.clone()).filter(|_| !t.is_empty()),
                (Some(t), None, None) => Some(t.to_lowercase()),
            };
            let e = by
                .entry((who, c.qualifier.clone(), c.count, c.low, c.high))
                .or_insert_with(|| (BTreeSet::new(), c, BTreeSet::new()));
            e.0.insert(c.doc);
            e.2.extend(c.claimant.clone());
        }
        let victims_text = cs.iter().find_map(|c| c.victims_text.clone());
        let mut list = Vec::new();
        for ((_, q, count, low, high), (docs, c, names)) in &by {
            let l = label(q, *count, *low, *high);
            let claimant = (!names.is_empty()).then(|| names.iter().take(3).cloned().collect::<Vec<_>>().join(" / "));
            let who = claimant.clone().unwrap_or_else(|| "the article's own voice".into());
            let code = [vc.as_deref(), vs.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let n = docs.len();
            summary.push(format!(
                "{kind}{}{code}: {l} ({who}, {n} article{})",
                if code.is_empty() { "" } else { " " },
                if n == 1 { "" } else { "s" }
            ));
            list.push(json!({
                "claimant": claimant, "claimant_country": c.claimant_country, "claimant_sector": c.claimant_sector,
                "qualifier": q, "count": count, "low": low, "high": high, "documents": n, "label": l,
            }));
        }
        out.push(json!({
            "kind": kind,
            "victims": {"text": victims_text, "country": vc, "sector": vs},
            "claims": list,
        }));
        // Bounds of this victim group: lowest and highest stated, best = median of each
        // article's largest figure.
        let counted: Vec<&&Claim> = cs.iter().filter(|c| c.count.is_some()).collect();
        if counted.is_empty() {
            continue;
        }
        let low = counted.iter().map(|c| c.low.unwrap_or(c.count.unwrap_or(0)).min(c.count.unwrap_or(0))).min();
        let high = counted.iter().map(|c| c.high.unwrap_or(0).max(c.count.unwrap_or(0))).max();
        let mut per_doc: BTreeMap<i64, u64> = BTreeMap::new();
        for c in &counted {
            let e = per_doc.entry(c.doc).or_default();
            *e = (*e).max(c.count.unwrap_or(0));
        }
        let mut v: Vec<u64> = per_doc.into_values().collect();
        v.sort_unstable();
        let best = v[(v.len() - 1) / 2];
        let t = totals.entry(kind.clone()).or_default();
        *t = (t.0.saturating_add(low.unwrap_or(0)), t.1.saturating_add(best), t.2.saturating_add(high.unwrap_or(0)));
    }
    (out, summary, totals.get("killed").copied(), totals.get("injured").copied())
}

/// (claimant, count, qualifier) of both claims, and the kind.
type PairKey<'a> = (Option<&'a str>, Option<u64>, &'a str, Option<&'a str>, Option<u64>, &'a str, &'a str);

/// Claims about the same victims in different articles that cannot both be true.
fn cross_contradictions(claims: &[&Claim], rows: &[Row], idx: &[usize]) -> Vec<Value> {
    let title =
        |doc: i64| idx.iter().find(|&&i| rows[i].doc == doc).map(|&i| rows[i].doc_ext.clone()).unwrap_or_default();
    let bounds = |c: &Claim| -> Option<(u64, u64)> {
        let n = c.count?;
        Some(match c.qualifier.as_str() {
            "at_least" => (n, u64::MAX),
            "more_than" => (n.saturating_add(1), u64::MAX),
            "at_most" => (0, n),
            "approx" => (n - n / 5, n + n / 5),
            "range" => (c.low.unwrap_or(n), c.high.unwrap_or(n)),
            _ => (n, n),
        })
    };
    let mut out = Vec::new();
    // One entry per pair of (claimant, figure) wordings, at most 20 an event.
    let mut seen: BTreeSet<PairKey<'_>> = BTreeSet::new();
    for (i, a) in claims.iter().enumerate() {
        if out.len() >= 20 {
            break;
        }
        for b in &claims[i + 1..] {
            if a.doc == b.doc
                || a.kind != b.kind
                || a.victims_country != b.victims_country
                || a.victims_sector != b.victims_sector
            {
                continue;
            }
            // A toll that grows from one day to the next is an update, not a contradiction.
            if a.claimant == b.claimant && a.published != b.published {
                continue;
            }
            let (Some((al, ah)), Some((bl, bh))) = (bounds(a), bounds(b)) else { continue };
            if (ah < bl || bh < al)
                && seen.insert((
                    a.claimant.as_deref(),
                    a.count,
                    a.qualifier.as_str(),
                    b.claimant.as_deref(),
                    b.count,
                    b.qualifier.as_str(),
                    a.kind.as_str(),
                ))
            {
                let who = |c: &Claim| c.claimant.clone().unwrap_or_else(|| "own voice".into());
                out.push(json!({
                    "kind": "casualty_count",
                    "scope": "cross-document",
                    "counts": [a.count, b.count],
                    "explanation": format!(
                        "{} {}: {} ({}, {}) vs {} ({}, {})",
                        a.kind,
                        [a.victims_country.as_deref(), a.victims_sector.as_deref()]
                            .into_iter().flatten().collect::<Vec<_>>().join(" "),
                        label(&a.qualifier, a.count, a.low, a.high), who(a), title(a.doc),
                        label(&b.qualifier, b.count, b.low, b.high), who(b), title(b.doc),
                    ),
                }));
            }
        }
    }
    out
}

/// The document's own contradictions that involve this mention's event.
fn doc_contradictions(row: &Row, record: &Value, doc_contras: &BTreeMap<i64, Vec<Value>>, out: &mut Vec<Value>) {
    let Some(event_id) = record.get("id").and_then(Value::as_str) else { return };
    let prefix = format!("{event_id}/");
    for c in doc_contras.get(&row.doc).into_iter().flatten() {
        let refs = ["a", "b"].map(|k| c.get(k).and_then(Value::as_str).unwrap_or(""));
        if refs.iter().any(|r| r.starts_with(&prefix)) {
            let mut c = c.clone();
            if let Some(o) = c.as_object_mut() {
                o.insert("scope".into(), json!("document"));
                o.insert("document".into(), json!(row.doc_ext));
            }
            out.push(c);
        }
    }
}
