//! Re-fusion: mentions and decisions in, fused events out (all inside the caller's
//! transaction). `sitrep-fuse` decides which mentions form an event and what the event
//! says (`sitrep_fuse::meaning`); this module reads the typed columns (and each mention's
//! record once, for what only the record holds) and writes the events as rows and JSON.

use std::collections::BTreeMap;

use rusqlite::{Transaction, params};
use serde::Deserialize;
use serde_json::{Value, json};
use sitrep_core::{Decision, MentionFeatures, Status};
use sitrep_fuse::meaning::{
    ClaimFacts, Contradiction, DocContradiction, DocId, FusedSummary, MentionSummary, Party, Toll, Victims,
};

use crate::{FusionReport, Result};

/// The parts of a stored mention record that have no column of their own.
#[derive(Deserialize)]
struct RecordFacts {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    acled: Option<AcledFacts>,
    #[serde(default)]
    evidence: Option<EvidenceFacts>,
    #[serde(default)]
    actors: Option<Vec<PartyFacts>>,
    #[serde(default)]
    recipients: Option<Vec<PartyFacts>>,
}

#[derive(Deserialize)]
struct AcledFacts {
    #[serde(default)]
    event_type: Option<String>,
    #[serde(default)]
    sub_event_type: Option<String>,
}

#[derive(Deserialize)]
struct EvidenceFacts {
    #[serde(default)]
    text: Option<String>,
}

#[derive(Deserialize)]
struct PartyFacts {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    sector: Option<String>,
}

impl From<PartyFacts> for Party {
    fn from(p: PartyFacts) -> Party {
        Party { name: p.name, text: p.text, country: p.country, sector: p.sector }
    }
}

/// A contradiction as a result record stores it.
#[derive(Deserialize)]
struct DocContradictionFacts {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
    #[serde(default)]
    counts: [Option<u64>; 2],
    #[serde(default)]
    explanation: String,
}

/// Every mention: row ids, fusion features and typed summaries, in key order.
struct Mentions {
    ids: Vec<i64>,
    feats: Vec<MentionFeatures>,
    summaries: Vec<MentionSummary>,
}

pub fn refuse(tx: &Transaction<'_>, params: &sitrep_fuse::Params) -> Result<FusionReport> {
    let claims = read_claims(tx)?;
    let ms = read_mentions(tx, claims)?;
    let decisions = read_decisions(tx)?;
    let doc_contras = read_doc_contradictions(tx)?;
    let fused = sitrep_fuse::fuse(&ms.feats, &decisions, params);
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
        let named = idx.iter().copied().min_by_key(|&i| ms.ids[i]).unwrap_or(idx[0]);
        let id = format!("E{}", ms.feats[named].key);
        let members: Vec<&MentionSummary> = idx.iter().map(|&i| &ms.summaries[i]).collect();
        let s = sitrep_fuse::meaning::summarize(&members, &doc_contras);
        insert_event(&mut ins_event, &id, &s)?;
        for m in &ev.members {
            let reasons: serde_json::Map<String, Value> =
                m.reasons.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect();
            ins_member.execute(params![ms.ids[m.mention], id, m.score, Value::Object(reasons).to_string()])?;
        }
    }
    Ok(FusionReport { mentions: ms.feats.len(), events: fused.len() })
}

/// Every mention's features and summary; its record is parsed here, once.
fn read_mentions(tx: &Transaction<'_>, mut claims: BTreeMap<i64, Vec<ClaimFacts>>) -> Result<Mentions> {
    let mut ms = Mentions { ids: Vec::new(), feats: Vec::new(), summaries: Vec::new() };
    let mut st = tx.prepare(
        "SELECT m.id, m.doc, d.content_hash, m.key, m.event_type, m.status, m.date, d.published, m.country,
                m.admin1, m.geonameid, m.lat, m.lon, m.parties, m.killed_low, m.killed_high, d.ext_id, d.lang,
                m.date_precision, m.place, m.precision, m.record, d.names
         FROM mentions m JOIN documents d ON d.id = m.doc ORDER BY m.key",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let id: i64 = r.get(0)?;
        let lat: Option<f64> = r.get(11)?;
        let lon: Option<f64> = r.get(12)?;
        let parties: String = r.get(13)?;
        let kl: Option<i64> = r.get(14)?;
        let kh: Option<i64> = r.get(15)?;
        let precision: Option<String> = r.get(20)?;
        // A country named as the place says no more than the country code.
        let located = precision.as_deref() != Some("country");
        let names: String = r.get(22)?;
        let f = MentionFeatures {
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
            lang: r.get(17)?,
        };
        let record: RecordFacts = serde_json::from_str(&r.get::<_, String>(21)?)?;
        let acled = record.acled;
        let parties = |p: Option<Vec<PartyFacts>>| p.into_iter().flatten().map(Party::from).collect();
        ms.summaries.push(MentionSummary {
            key: f.key.clone(),
            doc: r.get(1)?,
            document: r.get(16)?,
            published: f.published.clone(),
            lang: r.get(17)?,
            event_id: record.id,
            event_type: f.event_type.clone(),
            status: f.status,
            mode: record.mode,
            acled_type: acled.as_ref().and_then(|a| a.event_type.clone()),
            acled_sub_type: acled.and_then(|a| a.sub_event_type),
            date: f.date.clone(),
            date_precision: r.get(18)?,
            country: f.country.clone(),
            admin1: f.admin1.clone(),
            place: r.get(19)?,
            precision,
            lat_lon: lat.zip(lon),
            actors: parties(record.actors),
            recipients: parties(record.recipients),
            evidence: record.evidence.and_then(|e| e.text).unwrap_or_default(),
            claims: claims.remove(&id).unwrap_or_default(),
        });
        ms.ids.push(id);
        ms.feats.push(f);
    }
    Ok(ms)
}

fn read_decisions(tx: &Transaction<'_>) -> Result<Vec<Decision>> {
    let mut decisions = Vec::new();
    let mut st = tx.prepare("SELECT kind, a, b FROM decisions WHERE state = 'active' ORDER BY id")?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let (k, a, b): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        decisions.push(if k == "merge" { Decision::Merge(a, b) } else { Decision::Split(a, b) });
    }
    Ok(decisions)
}

/// Every mention's casualty claims (by mention row id), in claim order.
fn read_claims(tx: &Transaction<'_>) -> Result<BTreeMap<i64, Vec<ClaimFacts>>> {
    let mut claims: BTreeMap<i64, Vec<ClaimFacts>> = BTreeMap::new();
    let mut st = tx.prepare(
        "SELECT mention, kind, count, qualifier, low, high, victims_text, victims_country, victims_sector, claimant,
                claimant_country, claimant_sector
         FROM claims ORDER BY mention, idx",
    )?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let u = |i: usize| -> rusqlite::Result<Option<u64>> { Ok(r.get::<_, Option<i64>>(i)?.map(|x| x as u64)) };
        let c = ClaimFacts {
            kind: r.get(1)?,
            count: u(2)?,
            qualifier: r.get::<_, Option<String>>(3)?.unwrap_or_else(|| "exact".into()),
            low: u(4)?,
            high: u(5)?,
            victims: Victims { text: r.get(6)?, country: r.get(7)?, sector: r.get(8)? },
            claimant: r.get(9)?,
            claimant_country: r.get(10)?,
            claimant_sector: r.get(11)?,
        };
        claims.entry(r.get(0)?).or_default().push(c);
    }
    Ok(claims)
}

/// Each document's own contradictions (unreadable lists are skipped).
fn read_doc_contradictions(tx: &Transaction<'_>) -> Result<BTreeMap<DocId, Vec<DocContradiction>>> {
    let mut out = BTreeMap::new();
    let mut st = tx.prepare("SELECT id, contradictions FROM documents WHERE contradictions IS NOT NULL")?;
    let mut q = st.query([])?;
    while let Some(r) = q.next()? {
        let v: String = r.get(1)?;
        if let Ok(list) = serde_json::from_str::<Vec<DocContradictionFacts>>(&v) {
            let list = list
                .into_iter()
                .map(|c| DocContradiction {
                    kind: c.kind,
                    a: c.a,
                    b: c.b,
                    counts: c.counts,
                    explanation: c.explanation,
                })
                .collect();
            out.insert(r.get(0)?, list);
        }
    }
    Ok(out)
}

fn insert_event(st: &mut rusqlite::Statement<'_>, id: &str, s: &FusedSummary) -> Result<()> {
    // Contradictions in the order of their JSON text, once each.
    let mut contradictions: Vec<Value> = s.contradictions.iter().map(contradiction_json).collect();
    contradictions.sort_by_key(|a| a.to_string());
    contradictions.dedup();
    let tolls: Vec<Value> = s.tolls.iter().map(toll_json).collect();
    let detail = json!({"tolls": tolls, "summary": s.summary, "contradictions": contradictions});
    let parties = |ps: &[Party]| Value::Array(ps.iter().map(party_json).collect()).to_string();
    let (killed, injured) = (s.killed, s.injured);
    st.execute(params![
        id,
        s.event_type,
        s.mode,
        s.acled_type,
        s.acled_sub_type,
        s.status.as_str(),
        s.date,
        s.date_precision,
        s.country,
        s.admin1,
        s.place,
        s.lat_lon.map(|p| p.0),
        s.lat_lon.map(|p| p.1),
        s.precision,
        killed.map(|t| sql_int(t.low)),
        killed.map(|t| sql_int(t.best)),
        killed.map(|t| sql_int(t.high)),
        injured.map(|t| sql_int(t.low)),
        injured.map(|t| sql_int(t.best)),
        injured.map(|t| sql_int(t.high)),
        s.n_mentions as i64,
        s.n_documents as i64,
        s.langs.join(","),
        parties(&s.actors),
        parties(&s.recipients),
        s.parties_text,
        s.headline,
        !contradictions.is_empty(),
        detail.to_string(),
    ])?;
    Ok(())
}

fn party_json(p: &Party) -> Value {
    json!({"name": p.name, "text": p.text, "country": p.country, "sector": p.sector})
}

fn toll_json(t: &Toll) -> Value {
    let claims: Vec<Value> = t
        .claims
        .iter()
        .map(|c| {
            json!({
                "claimant": c.claimant, "claimant_country": c.claimant_country, "claimant_sector": c.claimant_sector,
                "qualifier": c.qualifier, "count": c.count, "low": c.low, "high": c.high, "documents": c.documents,
                "label": c.label,
            })
        })
        .collect();
    let v = &t.victims;
    json!({
        "kind": t.kind,
        "victims": {"text": v.text, "country": v.country, "sector": v.sector},
        "claims": claims,
    })
}

fn contradiction_json(c: &Contradiction) -> Value {
    match c {
        Contradiction::Cross(x) => json!({
            "kind": "casualty_count",
            "scope": "cross-document",
            "counts": x.counts,
            "explanation": x.explanation,
        }),
        Contradiction::Document { document, found: f } => json!({
            "kind": f.kind, "a": f.a, "b": f.b, "counts": f.counts, "explanation": f.explanation,
            "scope": "document", "document": document,
        }),
    }
}

/// A count as an SQLite integer, saturating (SQLite integers are signed 64-bit).
fn sql_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
