//! The meaning of a fused event: what its mentions say together.
//!
//! [`crate::fuse`] decides which mentions describe one event; [`summarize`] reads those
//! mentions ([`MentionSummary`], typed facts of one stored mention and its casualty
//! claims) and returns a [`FusedSummary`]:
//! - **Where and when.** Status is current if any member is; the date is the most
//!   reported day (else the first member's); the place is the most precise one in the
//!   country most members name.
//! - **Who.** Distinct actors and recipients in first-seen order ([`Party`]: by name,
//!   else country + sector, else text).
//! - **Tolls.** Claims grouped by kind and victims (country, sector), then by claimant
//!   and wording, counting articles ([`Toll`], [`TollClaim`] with its [`label`]); per
//!   kind, low/best/high summed over the victim groups (best: the median of each
//!   article's largest figure, a claimant's figure in a later-published article
//!   replacing its earlier ones: a revised toll), and one summary line per claim.
//! - **Contradictions.** Claims about the same victims in two articles that cannot both
//!   be true ([`CrossContradiction`]; a toll that grows between publication days is an
//!   update), and the articles' own contradictions that involve a member
//!   ([`DocContradiction`]).
//!
//! Pure: no I/O, no JSON. The caller (the store) persists the result; it orders
//! contradictions by their serialized form.

use std::collections::{BTreeMap, BTreeSet};

use sitrep_core::{CasualtyKind, Qualifier, Status};

/// How a claim reads: `≥49`, `>10`, `~2000`, `10–15`, `49`, `unknown` (shared with the
/// store's per-mention views, hence in `sitrep-core`).
pub use sitrep_core::claim_label as label;

/// A document's identity in the caller's store (its row id).
pub type DocId = i64;

/// An actor or recipient as the record names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Party {
    pub name: Option<String>,
    pub text: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
}

/// Who a claim is about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Victims {
    pub text: Option<String>,
    pub country: Option<String>,
    pub sector: Option<String>,
}

/// One casualty claim of a mention.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClaimFacts {
    /// A [`CasualtyKind`] name (`killed`, `injured`...).
    pub kind: String,
    /// `None` when the toll is said to be unknown.
    pub count: Option<u64>,
    /// A [`Qualifier`] name; `exact` when the record gave none.
    pub qualifier: String,
    pub low: Option<u64>,
    pub high: Option<u64>,
    pub victims: Victims,
    /// The claimant's name (else its text); `None` for the article's own voice.
    pub claimant: Option<String>,
    pub claimant_country: Option<String>,
    pub claimant_sector: Option<String>,
}

/// What the summary needs of one mention (an event of one article).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MentionSummary {
    /// Stable key (`<content hash>-<event index>`).
    pub key: String,
    pub doc: DocId,
    /// The document's external id (how articles are named in explanations).
    pub document: String,
    pub published: Option<String>,
    pub lang: Option<String>,
    /// The event's id in its record (`<doc id>#e<n>`), which document contradictions cite.
    pub event_id: Option<String>,
    pub event_type: String,
    pub status: Status,
    pub mode: Option<String>,
    pub acled_type: Option<String>,
    pub acled_sub_type: Option<String>,
    pub date: Option<String>,
    pub date_precision: Option<String>,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub place: Option<String>,
    /// `point`, `city`, `region`, `country`.
    pub precision: Option<String>,
    pub lat_lon: Option<(f64, f64)>,
    pub actors: Vec<Party>,
    pub recipients: Vec<Party>,
    /// The evidence sentence.
    pub evidence: String,
    pub claims: Vec<ClaimFacts>,
}

/// A contradiction found inside one article (its record's `contradictions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocContradiction {
    pub kind: String,
    /// Claim references (`<doc id>#e<n>/c<m>`).
    pub a: String,
    pub b: String,
    pub counts: [Option<u64>; 2],
    pub explanation: String,
}

/// Two claims from different articles that cannot both be true (a `casualty_count`
/// contradiction).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrossContradiction {
    pub counts: [Option<u64>; 2],
    pub explanation: String,
}

/// A contradiction of a fused event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contradiction {
    /// Across two articles.
    Cross(CrossContradiction),
    /// Inside the article `document`.
    Document { document: String, found: DocContradiction },
}

/// Lowest, best and highest figure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bounds {
    pub low: u64,
    pub best: u64,
    pub high: u64,
}

/// One wording of a toll by one claimant, and how many articles carry it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TollClaim {
    /// Up to three names of the claimant, joined by ` / `.
    pub claimant: Option<String>,
    pub claimant_country: Option<String>,
    pub claimant_sector: Option<String>,
    pub qualifier: String,
    pub count: Option<u64>,
    pub low: Option<u64>,
    pub high: Option<u64>,
    pub documents: usize,
    pub label: String,
}

/// The claims about one kind of casualty of one victim group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toll {
    pub kind: String,
    pub victims: Victims,
    pub claims: Vec<TollClaim>,
}

/// What a fused event says, from all its mentions.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FusedSummary {
    pub event_type: String,
    pub mode: Option<String>,
    pub acled_type: Option<String>,
    pub acled_sub_type: Option<String>,
    pub status: Status,
    pub date: Option<String>,
    pub date_precision: Option<String>,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub place: Option<String>,
    pub lat_lon: Option<(f64, f64)>,
    pub precision: Option<String>,
    /// Killed and injured over all victim groups.
    pub killed: Option<Bounds>,
    pub injured: Option<Bounds>,
    pub n_mentions: usize,
    pub n_documents: usize,
    /// Distinct languages, sorted.
    pub langs: Vec<String>,
    pub actors: Vec<Party>,
    pub recipients: Vec<Party>,
    /// Names, texts and countries of the parties, joined by ` | ` (for text search).
    pub parties_text: String,
    /// The first member's evidence sentence.
    pub headline: String,
    pub tolls: Vec<Toll>,
    /// One line per toll claim: `killed UKR civilian: ≥49 (the ministry, 2 articles)`.
    pub summary: Vec<String>,
    /// In the order found; duplicates possible.
    pub contradictions: Vec<Contradiction>,
}

/// A claim with the mention it belongs to.
#[derive(Clone, Copy)]
struct Claim<'a> {
    m: &'a MentionSummary,
    c: &'a ClaimFacts,
}

/// Summarizes the members of one fused event (in member order; the first one gives the
/// type, mode, ACLED type and headline). `doc_contras` holds each document's own
/// contradictions.
pub fn summarize(members: &[&MentionSummary], doc_contras: &BTreeMap<DocId, Vec<DocContradiction>>) -> FusedSummary {
    let Some(first) = members.first() else { return FusedSummary::default() };
    let status = if members.iter().any(|m| m.status == Status::Current) { Status::Current } else { first.status };
    let (date, date_precision) = choose_date(members);
    let loc = choose_location(members);
    let mut actors = Vec::new();
    let mut recipients = Vec::new();
    for m in members {
        collect_parties(&m.actors, &mut actors);
        collect_parties(&m.recipients, &mut recipients);
    }
    let claims: Vec<Claim<'_>> = members.iter().flat_map(|&m| m.claims.iter().map(move |c| Claim { m, c })).collect();
    let (tolls, summary, killed, injured) = tolls(&claims);
    let mut contradictions: Vec<Contradiction> =
        cross_contradictions(&claims).into_iter().map(Contradiction::Cross).collect();
    for m in members {
        doc_contradictions(m, doc_contras, &mut contradictions);
    }
    FusedSummary {
        event_type: first.event_type.clone(),
        mode: first.mode.clone(),
        acled_type: first.acled_type.clone(),
        acled_sub_type: first.acled_sub_type.clone(),
        status,
        date,
        date_precision,
        country: loc.and_then(|m| m.country.clone()),
        admin1: loc.and_then(|m| m.admin1.clone()),
        place: loc.and_then(|m| m.place.clone()),
        lat_lon: loc.and_then(|m| m.lat_lon),
        precision: loc.and_then(|m| m.precision.clone()),
        killed,
        injured,
        n_mentions: members.len(),
        n_documents: members.iter().map(|m| m.doc).collect::<BTreeSet<_>>().len(),
        langs: members.iter().filter_map(|m| m.lang.clone()).collect::<BTreeSet<_>>().into_iter().collect(),
        parties_text: parties_text(&actors, &recipients),
        actors,
        recipients,
        headline: first.evidence.clone(),
        tolls,
        summary,
        contradictions,
    }
}

/// The most reported day-precision date, else the first member's date; and the
/// precision of the first member that gives it.
fn choose_date(members: &[&MentionSummary]) -> (Option<String>, Option<String>) {
    let date = vote(members.iter().filter_map(|m| m.date.clone().filter(|d| d.len() == 10)))
        .or_else(|| members.iter().find_map(|m| m.date.clone()));
    let precision = date
        .as_ref()
        .and_then(|d| members.iter().find(|m| m.date.as_ref() == Some(d)).and_then(|m| m.date_precision.clone()));
    (date, precision)
}

/// The most precise located member in the country most members name.
fn choose_location<'a>(members: &[&'a MentionSummary]) -> Option<&'a MentionSummary> {
    let rank = |p: Option<&str>| match p {
        Some("point") => 0,
        Some("city") => 1,
        Some("region") => 2,
        Some("country") => 3,
        _ => 4,
    };
    let main_country = vote(members.iter().filter_map(|m| m.country.clone()));
    members
        .iter()
        .filter(|m| m.country.is_some() || m.lat_lon.is_some())
        .filter(|m| main_country.is_none() || m.country == main_country)
        .min_by_key(|m| (rank(m.precision.as_deref()), m.key.clone()))
        .copied()
}

/// The most frequent value (the smallest among ties).
fn vote<I: Iterator<Item = String>>(it: I) -> Option<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for x in it {
        *counts.entry(x).or_default() += 1;
    }
    let max = counts.values().copied().max()?;
    counts.into_iter().find(|(_, c)| *c == max).map(|(k, _)| k)
}

/// Adds the parties not yet in `out` (the same name, else the same country and sector
/// among unnamed ones, else the same text), in first-seen order.
fn collect_parties(parties: &[Party], out: &mut Vec<Party>) {
    for v in parties {
        let same = |b: &Party| {
            if v.name.is_some() {
                b.name == v.name
            } else if v.country.is_some() || v.sector.is_some() {
                b.name.is_none() && b.country == v.country && b.sector == v.sector
            } else {
                b.text == v.text
            }
        };
        if !out.iter().any(same) {
            out.push(v.clone());
        }
    }
}

fn parties_text(actors: &[Party], recipients: &[Party]) -> String {
    actors
        .iter()
        .chain(recipients)
        .flat_map(|a| [&a.name, &a.text, &a.country].map(|x| x.as_deref().unwrap_or("")))
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The interval of values a claim allows (`None` for an unknown toll).
fn interval(c: &ClaimFacts) -> Option<(u64, u64)> {
    let n = c.count?;
    Some(match Qualifier::parse(&c.qualifier) {
        Some(Qualifier::AtLeast) => (n, u64::MAX),
        Some(Qualifier::MoreThan) => (n.saturating_add(1), u64::MAX),
        Some(Qualifier::AtMost) => (0, n),
        Some(Qualifier::Approx) => (n - n / 5, n + n / 5),
        Some(Qualifier::Range) => (c.low.unwrap_or(n), c.high.unwrap_or(n)),
        _ => (n, n),
    })
}

/// Victim country and sector, space-separated (`UKR civilian`).
fn victims_code(v: &Victims) -> String {
    [v.country.as_deref(), v.sector.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
}

type TollsOut = (Vec<Toll>, Vec<String>, Option<Bounds>, Option<Bounds>);

/// Groups claims by (kind, victims) and claimant; returns the toll groups, the summary
/// lines, and the killed and injured bounds over all victim groups.
fn tolls(claims: &[Claim<'_>]) -> TollsOut {
    type GroupKey = (String, Option<String>, Option<String>);
    let mut groups: BTreeMap<GroupKey, Vec<Claim<'_>>> = BTreeMap::new();
    for c in claims {
        let v = &c.c.victims;
        groups.entry((c.c.kind.clone(), v.country.clone(), v.sector.clone())).or_default().push(*c);
    }
    let mut out = Vec::new();
    let mut summary = Vec::new();
    let mut totals: BTreeMap<String, Bounds> = BTreeMap::new();
    for ((kind, country, sector), cs) in &groups {
        let victims = Victims {
            text: cs.iter().find_map(|c| c.c.victims.text.clone()),
            country: country.clone(),
            sector: sector.clone(),
        };
        let list = toll_claims(cs);
        let code = victims_code(&victims);
        for t in &list {
            let who = t.claimant.as_deref().unwrap_or("the article's own voice");
            let n = t.documents;
            let articles = if n == 1 { format!("{n} article") } else { format!("{n} articles") };
            let sep = if code.is_empty() { "" } else { " " };
            summary.push(format!("{kind}{sep}{code}: {} ({who}, {articles})", t.label));
        }
        out.push(Toll { kind: kind.clone(), victims, claims: list });
        if let Some(b) = group_bounds(cs) {
            let t = totals.entry(kind.clone()).or_default();
            *t = Bounds {
                low: t.low.saturating_add(b.low),
                best: t.best.saturating_add(b.best),
                high: t.high.saturating_add(b.high),
            };
        }
    }
    let total = |k: CasualtyKind| totals.get(k.as_str()).copied();
    (out, summary, total(CasualtyKind::Killed), total(CasualtyKind::Injured))
}

/// The claims of one victim group by (claimant, wording), counting documents. The same
/// claimant reads differently in each language ("Armenian defence ministry", "ministère
/// arménien"): its country and sector identify it.
fn toll_claims(cs: &[Claim<'_>]) -> Vec<TollClaim> {
    type ClaimKey = (Option<String>, String, Option<u64>, Option<u64>, Option<u64>);
    let mut by: BTreeMap<ClaimKey, (BTreeSet<DocId>, &ClaimFacts, BTreeSet<String>)> = BTreeMap::new();
    for &Claim { m, c } in cs {
        let who = claimant_key(c);
        let e = by
            .entry((who, c.qualifier.clone(), c.count, c.low, c.high))
            .or_insert_with(|| (BTreeSet::new(), c, BTreeSet::new()));
        e.0.insert(m.doc);
        e.2.extend(c.claimant.clone());
    }
    by.into_iter()
        .map(|((_, qualifier, count, low, high), (docs, c, names))| TollClaim {
            claimant: (!names.is_empty()).then(|| names.iter().take(3).cloned().collect::<Vec<_>>().join(" / ")),
            claimant_country: c.claimant_country.clone(),
            claimant_sector: c.claimant_sector.clone(),
            label: label(&qualifier, count, low, high),
            qualifier,
            count,
            low,
            high,
            documents: docs.len(),
        })
        .collect()
}

/// Who makes a claim, the same across languages: its country and sector where known,
/// else its sector, else its name in lower case; `None` for the article's own voice.
fn claimant_key(c: &ClaimFacts) -> Option<String> {
    match (&c.claimant, &c.claimant_country, &c.claimant_sector) {
        (None, ..) => None,
        (Some(_), Some(cc), s) => Some(format!("{cc} {}", s.as_deref().unwrap_or("")).trim().to_string()),
        (Some(t), None, Some(s)) => Some(s.clone()).filter(|_| !t.is_empty()),
        (Some(t), None, None) => Some(t.to_lowercase()),
    }
}

/// Bounds of one victim group: lowest and highest stated, best = median of each
/// article's largest figure. A claimant's figures in an article published later replace
/// its earlier ones for the best figure (a revised toll: the army's 12 on Monday and 19
/// on Tuesday give 19); low and high still span every figure stated, and the claims keep
/// the history. `None` when no claim gives a figure.
fn group_bounds(cs: &[Claim<'_>]) -> Option<Bounds> {
    let counted: Vec<&ClaimFacts> = cs.iter().map(|c| c.c).filter(|c| c.count.is_some()).collect();
    if counted.is_empty() {
        return None;
    }
    let n = |c: &ClaimFacts| c.count.unwrap_or(0);
    let low = counted.iter().map(|c| c.low.unwrap_or(n(c)).min(n(c))).min().unwrap_or(0);
    let high = counted.iter().map(|c| c.high.unwrap_or(0).max(n(c))).max().unwrap_or(0);
    // Each counted claim with its claimant and publication day, and each claimant's
    // latest day.
    let dated: Vec<(&Claim<'_>, Option<(String, &str)>)> = cs
        .iter()
        .filter(|c| c.c.count.is_some())
        .map(|c| (c, claimant_key(c.c).zip(c.m.published.as_deref())))
        .collect();
    let mut latest: BTreeMap<&str, &str> = BTreeMap::new();
    for (k, p) in dated.iter().filter_map(|(_, kp)| kp.as_ref()) {
        let e = latest.entry(k.as_str()).or_insert(p);
        *e = (*e).max(p);
    }
    let superseded =
        |kp: &Option<(String, &str)>| kp.as_ref().is_some_and(|(k, p)| latest.get(k.as_str()).is_some_and(|l| l > p));
    let mut per_doc: BTreeMap<DocId, u64> = BTreeMap::new();
    for (c, _) in dated.iter().filter(|(_, kp)| !superseded(kp)) {
        let e = per_doc.entry(c.m.doc).or_default();
        *e = (*e).max(n(c.c));
    }
    let v: Vec<u64> = {
        let mut v: Vec<u64> = per_doc.into_values().collect();
        v.sort_unstable();
        v
    };
    Some(Bounds { low, best: v[(v.len() - 1) / 2], high })
}

/// (claimant, count, qualifier) of both claims, and the kind.
type PairKey<'a> = (Option<&'a str>, Option<u64>, &'a str, Option<&'a str>, Option<u64>, &'a str, &'a str);

/// Claims about the same victims in different articles that cannot both be true; one
/// entry per pair of (claimant, figure) wordings, and no more pairs once 20 are found.
fn cross_contradictions(claims: &[Claim<'_>]) -> Vec<CrossContradiction> {
    let mut out = Vec::new();
    let mut seen: BTreeSet<PairKey<'_>> = BTreeSet::new();
    for (i, x) in claims.iter().enumerate() {
        if out.len() >= 20 {
            break;
        }
        let a = x.c;
        for y in &claims[i + 1..] {
            let b = y.c;
            if x.m.doc == y.m.doc
                || a.kind != b.kind
                || a.victims.country != b.victims.country
                || a.victims.sector != b.victims.sector
            {
                continue;
            }
            // A toll that grows from one day to the next is an update, not a contradiction.
            if a.claimant == b.claimant && x.m.published != y.m.published {
                continue;
            }
            let (Some((al, ah)), Some((bl, bh))) = (interval(a), interval(b)) else { continue };
            let key = (
                a.claimant.as_deref(),
                a.count,
                a.qualifier.as_str(),
                b.claimant.as_deref(),
                b.count,
                b.qualifier.as_str(),
                a.kind.as_str(),
            );
            if (ah < bl || bh < al) && seen.insert(key) {
                let who = |c: &ClaimFacts| c.claimant.clone().unwrap_or_else(|| "own voice".into());
                out.push(CrossContradiction {
                    counts: [a.count, b.count],
                    explanation: format!(
                        "{} {}: {} ({}, {}) vs {} ({}, {})",
                        a.kind,
                        victims_code(&a.victims),
                        label(&a.qualifier, a.count, a.low, a.high),
                        who(a),
                        x.m.document,
                        label(&b.qualifier, b.count, b.low, b.high),
                        who(b),
                        y.m.document,
                    ),
                });
            }
        }
    }
    out
}

/// The document's own contradictions that involve this mention's event.
fn doc_contradictions(
    m: &MentionSummary,
    doc_contras: &BTreeMap<DocId, Vec<DocContradiction>>,
    out: &mut Vec<Contradiction>,
) {
    let Some(event_id) = &m.event_id else { return };
    let prefix = format!("{event_id}/");
    for c in doc_contras.get(&m.doc).into_iter().flatten() {
        if c.a.starts_with(&prefix) || c.b.starts_with(&prefix) {
            out.push(Contradiction::Document { document: m.document.clone(), found: c.clone() });
        }
    }
}

#[cfg(test)]
mod tests;
