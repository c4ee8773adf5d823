//! Re-fusion: mentions and decisions in, fused events out (all inside the caller's
//! transaction). `sitrep-fuse` decides which mentions form an event and what the event
//! says (`sitrep_fuse::meaning`); this module reads the typed columns (and each mention's
//! record once, for what only the record holds) and writes the events as rows and JSON.

use std::collections::BTreeMap;

use rusqlite::{OptionalExtension, Transaction, params};
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
    /// Stored `day_lo` (checked by a full fusion).
    days: Vec<Option<i64>>,
    feats: Vec<MentionFeatures>,
    summaries: Vec<MentionSummary>,
}

/// Which mentions a fusion reads: all, or those in `temp.fuse_set`.
#[derive(Clone, Copy, PartialEq)]
enum Scope {
    All,
    Set,
}

impl Scope {
    /// The condition on mention ids (`col`) this scope adds to a query.
    fn filter(self, col: &str) -> String {
        match self {
            Scope::All => "1".to_string(),
            Scope::Set => format!("{col} IN (SELECT id FROM temp.fuse_set)"),
        }
    }
}

/// Full re-fusion: every event recomputed from every mention and decision; the day
/// columns and name counts that incremental fusion reads are rebuilt on the way.
pub fn refuse(tx: &Transaction<'_>, params: &sitrep_fuse::Params) -> Result<FusionReport> {
    let claims = read_claims(tx, Scope::All)?;
    let ms = read_mentions(tx, claims, Scope::All)?;
    let decisions = read_decisions(tx)?;
    let doc_contras = read_doc_contradictions(tx, Scope::All)?;
    let names = sitrep_fuse::name_stats(&ms.feats);
    let fused = sitrep_fuse::fuse_with(&ms.feats, &decisions, params, &|n: &str| {
        names.get(n).is_some_and(sitrep_fuse::NameStat::is_rare)
    });
    tx.execute("DELETE FROM event_members", [])?;
    tx.execute("DELETE FROM events", [])?;
    let events = write_events(tx, &ms, &fused, &doc_contras)?;
    rebuild_fusion_indexes(tx, &ms, &names)?;
    tx.execute("DELETE FROM fusion_pending", [])?;
    tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('fusion_full', '0')", [])?;
    Ok(FusionReport { mentions: ms.feats.len(), events, refused: ms.feats.len() })
}

/// Incremental fusion: the mentions not yet fused (`fusion_pending`), with every stored
/// mention they could meet (same type, dates within the window, the same exact place for
/// undated ones, the same article) and every member of those mentions' events and of
/// their analysts' merges, are fused again; the events outside that set are untouched.
/// Names are counted over the whole store (`name_stats`), as a full fusion counts them.
pub fn refuse_pending(tx: &Transaction<'_>, params: &sitrep_fuse::Params) -> Result<FusionReport> {
    tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS fuse_set(id INTEGER PRIMARY KEY); DELETE FROM temp.fuse_set;")?;
    let seeds = read_seeds(tx)?;
    if seeds.is_empty() {
        return Ok(FusionReport { mentions: count(tx, "mentions")?, events: count(tx, "events")?, refused: 0 });
    }
    gather(tx, &seeds, params)?;
    let claims = read_claims(tx, Scope::Set)?;
    let ms = read_mentions(tx, claims, Scope::Set)?;
    let decisions = read_decisions(tx)?;
    let doc_contras = read_doc_contradictions(tx, Scope::Set)?;
    let rare = rare_names(tx, &ms.feats)?;
    let fused = sitrep_fuse::fuse_with(&ms.feats, &decisions, params, &|n: &str| rare.contains(n));
    tx.execute(
        "DELETE FROM events WHERE id IN (SELECT DISTINCT event FROM event_members
            WHERE mention IN (SELECT id FROM temp.fuse_set))",
        [],
    )?;
    write_events(tx, &ms, &fused, &doc_contras)?;
    tx.execute("DELETE FROM fusion_pending", [])?;
    tx.execute("DELETE FROM temp.fuse_set", [])?;
    Ok(FusionReport { mentions: count(tx, "mentions")?, events: count(tx, "events")?, refused: ms.feats.len() })
}

fn count(tx: &Transaction<'_>, table: &str) -> Result<usize> {
    Ok(tx.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get::<_, i64>(0))? as usize)
}

/// A pending mention: what finds the mentions it can meet.
struct Seed {
    id: i64,
    doc: i64,
    event_type: String,
    days: Option<(i64, i64)>,
    geonameid: Option<i64>,
    admin1: Option<String>,
    /// Its country and its parties' countries, comma-framed (`,ARM,AZE,`; empty: none).
    codes: String,
}

impl Seed {
    /// Whether it has a place, a region, a country or a party to be found by.
    fn anchored(&self) -> bool {
        self.geonameid.is_some() || self.admin1.is_some() || !self.codes.is_empty()
    }
}

fn read_seeds(tx: &Transaction<'_>) -> Result<Vec<Seed>> {
    let mut st = tx.prepare(
        "SELECT m.id, m.doc, m.event_type, m.day_lo, m.day_hi, m.geonameid, m.admin1, m.country, m.parties
         FROM fusion_pending p CROSS JOIN mentions m ON m.id = p.mention ORDER BY m.id",
    )?;
    let rows = st.query_map([], |r| {
        let lo: Option<i64> = r.get(3)?;
        let hi: Option<i64> = r.get(4)?;
        let country: Option<String> = r.get(7)?;
        let parties: String = r.get(8)?;
        let mut codes: Vec<&str> = parties.split(',').filter(|p| !p.is_empty()).chain(country.as_deref()).collect();
        codes.sort_unstable();
        codes.dedup();
        Ok(Seed {
            id: r.get(0)?,
            doc: r.get(1)?,
            event_type: r.get(2)?,
            days: lo.zip(hi),
            geonameid: r.get(5)?,
            admin1: r.get(6)?,
            codes: if codes.is_empty() { String::new() } else { format!(",{},", codes.join(",")) },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Seeds of one type and window past which the whole window is read at once.
const CROWDED: usize = 32;

/// How many mentions at one exact place an undated report is fused with (newest first):
/// fusion compares at most `UNDATED_POOL` (64) events there.
const PLACE_POOL: i64 = 256;

/// Fills `temp.fuse_set` with the seeds, the mentions they can meet, and the closure of
/// those under events and merge decisions.
fn gather(tx: &Transaction<'_>, seeds: &[Seed], params: &sitrep_fuse::Params) -> Result<()> {
    let w = params.window_days;
    let mut add_one = tx.prepare("INSERT OR IGNORE INTO temp.fuse_set(id) VALUES (?1)")?;
    // Within the window, the mentions that share an anchor with the seed (fusion compares
    // nothing else: `sitrep_fuse`'s candidates share a place, a region, a country or party,
    // a rare name or an article), and those with no place or country at all (found by
    // names); an unanchored seed takes the whole window.
    let mut by_days = tx.prepare(
        "INSERT OR IGNORE INTO temp.fuse_set(id) SELECT id FROM mentions
         WHERE event_type = ?1 AND day_class = ?2 AND day_lo BETWEEN ?3 AND ?4 AND day_hi >= ?5
           AND (?9 = 0 OR geonameid = ?6 OR admin1 = ?7 OR instr(?8, ',' || country || ',') > 0
                OR codes_overlap(parties, ?8) OR (country IS NULL AND geonameid IS NULL AND parties = ''))",
    )?;
    let mut undated_at = tx.prepare(
        "INSERT OR IGNORE INTO temp.fuse_set(id) SELECT id FROM mentions
         WHERE geonameid = ?1 AND event_type = ?2 AND day_lo IS NULL ORDER BY id DESC LIMIT ?3",
    )?;
    let mut dated_at = tx.prepare(
        "INSERT OR IGNORE INTO temp.fuse_set(id) SELECT id FROM mentions
         WHERE geonameid = ?1 AND event_type = ?2 AND day_lo IS NOT NULL ORDER BY day_lo DESC LIMIT ?3",
    )?;
    let mut same_doc = tx.prepare("INSERT OR IGNORE INTO temp.fuse_set(id) SELECT id FROM mentions WHERE doc = ?1")?;
    let mut docs_done = std::collections::BTreeSet::new();
    let mut places_done = std::collections::BTreeSet::new();
    let mut windows_done = std::collections::BTreeSet::new();
    // Seeds of one type and window: past a few, their anchors cover the window anyway,
    // and one query for the whole window is cheaper than one per seed.
    let mut per_window: std::collections::HashMap<(&str, i64, i64), usize> = std::collections::HashMap::new();
    for s in seeds {
        if let Some((lo, hi)) = s.days {
            *per_window.entry((s.event_type.as_str(), lo, hi)).or_default() += 1;
        }
    }
    for s in seeds {
        add_one.execute([s.id])?;
        if docs_done.insert(s.doc) {
            same_doc.execute([s.doc])?;
        }
        let crowded = |lo, hi| per_window.get(&(s.event_type.as_str(), lo, hi)).copied().unwrap_or(0) > CROWDED;
        let anchored = |lo, hi| s.anchored() && !crowded(lo, hi);
        if let Some((lo, hi)) = s.days
            && windows_done.insert(if anchored(lo, hi) {
                (s.event_type.clone(), lo, hi, s.geonameid, s.admin1.clone(), s.codes.clone())
            } else {
                (s.event_type.clone(), lo, hi, None, None, String::new())
            })
        {
            for (class, span) in crate::put::CLASS_SPAN.iter().enumerate() {
                let from = lo.saturating_sub(w).saturating_sub(*span);
                by_days.execute(params![
                    s.event_type,
                    class as i64,
                    from,
                    hi + w,
                    lo - w,
                    s.geonameid,
                    s.admin1,
                    s.codes,
                    anchored(lo, hi)
                ])?;
            }
        }
        if let Some(g) = s.geonameid
            && places_done.insert((g, s.event_type.clone(), s.days.is_none()))
        {
            undated_at.execute(params![g, s.event_type, PLACE_POOL])?;
            if s.days.is_none() {
                dated_at.execute(params![g, s.event_type, PLACE_POOL])?;
            }
        }
    }
    // Whole events, and both sides of every merge that touches the set, until nothing
    // more comes in.
    let mut merges: Vec<(String, String)> = Vec::new();
    {
        let mut st = tx.prepare("SELECT a, b FROM decisions WHERE kind = 'merge' AND state = 'active'")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        for r in rows {
            merges.push(r?);
        }
    }
    let mut size = count(tx, "temp.fuse_set")?;
    loop {
        tx.execute(
            "INSERT OR IGNORE INTO temp.fuse_set(id)
             SELECT em2.mention FROM temp.fuse_set f CROSS JOIN event_members em ON em.mention = f.id
             CROSS JOIN event_members em2 ON em2.event = em.event",
            [],
        )?;
        let mut in_set =
            tx.prepare_cached("SELECT 1 FROM mentions WHERE key = ?1 AND id IN (SELECT id FROM temp.fuse_set)")?;
        let mut add_key =
            tx.prepare_cached("INSERT OR IGNORE INTO temp.fuse_set(id) SELECT id FROM mentions WHERE key = ?1")?;
        for (a, b) in &merges {
            let (ia, ib) = (in_set.exists([a])?, in_set.exists([b])?);
            if ia != ib {
                add_key.execute([if ia { b } else { a }])?;
            }
        }
        let now = count(tx, "temp.fuse_set")?;
        if now == size {
            return Ok(());
        }
        size = now;
    }
}

/// The rare names (see `sitrep_fuse::NameStat::is_rare`) among those of the mentions,
/// counted over the whole store.
fn rare_names(tx: &Transaction<'_>, feats: &[MentionFeatures]) -> Result<std::collections::HashSet<String>> {
    let mut names: Vec<&str> = feats.iter().flat_map(|f| f.names.iter().map(String::as_str)).collect();
    names.sort_unstable();
    names.dedup();
    let mut st = tx.prepare_cached("SELECT docs, first_day, last_day FROM name_stats WHERE name = ?1")?;
    let mut out = std::collections::HashSet::new();
    for n in names {
        let stat = st
            .query_row([n], |r| {
                Ok(sitrep_fuse::NameStat {
                    docs: r.get::<_, i64>(0)?.max(0) as usize,
                    first_day: r.get(1)?,
                    last_day: r.get(2)?,
                })
            })
            .optional()?;
        if stat.is_some_and(|s| s.is_rare()) {
            out.insert(n.to_string());
        }
    }
    Ok(out)
}

/// Rebuilds what incremental fusion reads from the mentions just read: each mention's
/// day columns (a migrated store has none) and the name counts.
fn rebuild_fusion_indexes(
    tx: &Transaction<'_>,
    ms: &Mentions,
    names: &BTreeMap<&str, sitrep_fuse::NameStat>,
) -> Result<()> {
    let mut up = tx.prepare("UPDATE mentions SET day_lo = ?2, day_hi = ?3, day_class = ?4 WHERE id = ?1")?;
    for (i, f) in ms.feats.iter().enumerate() {
        let cols = crate::put::day_columns(f.date.as_deref(), f.published.as_deref());
        if ms.days[i] != cols.0 {
            up.execute(params![ms.ids[i], cols.0, cols.1, cols.2])?;
        }
    }
    tx.execute("DELETE FROM name_stats", [])?;
    let mut ins = tx.prepare("INSERT INTO name_stats(name, docs, first_day, last_day) VALUES (?1, ?2, ?3, ?4)")?;
    for (n, s) in names {
        ins.execute(params![n, s.docs as i64, s.first_day, s.last_day])?;
    }
    Ok(())
}

/// Writes fused events and their members; returns how many events.
fn write_events(
    tx: &Transaction<'_>,
    ms: &Mentions,
    fused: &[sitrep_core::FusedEvent],
    doc_contras: &BTreeMap<DocId, Vec<DocContradiction>>,
) -> Result<usize> {
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
    for ev in fused {
        let idx: Vec<usize> = ev.members.iter().map(|m| m.mention).collect();
        // Named after its first-stored mention, so the id stays when later reports join.
        let named = idx.iter().copied().min_by_key(|&i| ms.ids[i]).unwrap_or(idx[0]);
        let id = format!("E{}", ms.feats[named].key);
        let members: Vec<&MentionSummary> = idx.iter().map(|&i| &ms.summaries[i]).collect();
        let s = sitrep_fuse::meaning::summarize(&members, doc_contras);
        insert_event(&mut ins_event, &id, &s)?;
        for m in &ev.members {
            let reasons: serde_json::Map<String, Value> =
                m.reasons.iter().map(|(k, v)| (k.to_string(), Value::String(v.clone()))).collect();
            ins_member.execute(params![ms.ids[m.mention], id, m.score, Value::Object(reasons).to_string()])?;
        }
    }
    Ok(fused.len())
}

/// Every mention's features and summary; its record is parsed here, once.
fn read_mentions(tx: &Transaction<'_>, mut claims: BTreeMap<i64, Vec<ClaimFacts>>, scope: Scope) -> Result<Mentions> {
    let mut ms = Mentions { ids: Vec::new(), feats: Vec::new(), summaries: Vec::new(), days: Vec::new() };
    let mut st = tx.prepare(&format!(
        "SELECT m.id, m.doc, d.content_hash, m.key, m.event_type, m.status, m.date, d.published, m.country,
                m.admin1, m.geonameid, m.lat, m.lon, m.parties, m.killed_low, m.killed_high, d.ext_id, d.lang,
                m.date_precision, m.place, m.precision, m.record, d.names, m.day_lo
         FROM mentions m JOIN documents d ON d.id = m.doc WHERE {} ORDER BY m.key",
        scope.filter("m.id")
    ))?;
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
        ms.days.push(r.get(23)?);
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
fn read_claims(tx: &Transaction<'_>, scope: Scope) -> Result<BTreeMap<i64, Vec<ClaimFacts>>> {
    let mut claims: BTreeMap<i64, Vec<ClaimFacts>> = BTreeMap::new();
    let mut st = tx.prepare(&format!(
        "SELECT mention, kind, count, qualifier, low, high, victims_text, victims_country, victims_sector, claimant,
                claimant_country, claimant_sector
         FROM claims WHERE {} ORDER BY mention, idx",
        scope.filter("mention")
    ))?;
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
fn read_doc_contradictions(tx: &Transaction<'_>, scope: Scope) -> Result<BTreeMap<DocId, Vec<DocContradiction>>> {
    let mut out = BTreeMap::new();
    let docs = match scope {
        Scope::All => "1".to_string(),
        Scope::Set => "id IN (SELECT doc FROM mentions WHERE id IN (SELECT id FROM temp.fuse_set))".to_string(),
    };
    let mut st =
        tx.prepare(&format!("SELECT id, contradictions FROM documents WHERE contradictions IS NOT NULL AND {docs}"))?;
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
