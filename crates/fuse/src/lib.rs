//! Event fusion: which event mentions describe the same real-world event.
//!
//! Input: the language-independent features of every mention ([`MentionFeatures`]: type,
//! status, date, place, parties, killed figure) and the analysts' [`Decision`]s. Output:
//! [`FusedEvent`]s, each listing its mentions with the score and the reasons that put them
//! there. A pure, deterministic function: the same mentions in any order give the same
//! events.
//!
//! How it decides:
//! - **Blocking.** Only mentions of the same event type and the same status class meet
//!   (a historical mention joins only historical mentions, so background never attaches to
//!   today's news). Dated mentions meet only when their date intervals are at most
//!   [`Params::window_days`] apart. Undated mentions (no event date, no publication date)
//!   meet the mentions of their own document, and other articles' at the very same place
//!   (geonameid), where they must clear the threshold by [`UNDATED_MARGIN`].
//! - **Scoring.** A mention joins the best-scoring event whose score reaches
//!   [`Params::threshold`]: same day, same place (geonameid) or distance, same admin1 or
//!   country, overlapping parties, compatible killed figures, the same exact toll of ten
//!   or more, same document each add; a different country, disjoint parties or
//!   incompatible figures subtract, and so do different people named, between articles
//!   of one language (names in another language or script are no evidence either way).
//! - **Decisions.** `Merge` pairs are joined before anything else; no event ever holds the
//!   two mentions of a `Split` pair.
//!
//! Mentions are taken in (date, key) order and each compared only with the events still
//! open within the window that share an anchor with it (a place, a country or party, a
//! rare name, an article), so the work is close to linear in the number of mentions.
//!
//! What a fused event then says (tolls, contradictions across articles, actors, summary
//! lines) is computed by [`meaning::summarize`] from typed mention summaries.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sitrep_core::{Decision, FusedEvent, FusedMember, MentionFeatures, Status};
use sitrep_dates::Ymd;

pub mod meaning;

/// Tuning of the fusion rules.
#[derive(Clone, Debug)]
pub struct Params {
    /// Largest gap in days between two mentions' date intervals.
    pub window_days: i64,
    /// Smallest score for a mention to join an event.
    pub threshold: f64,
}

impl Default for Params {
    fn default() -> Self {
        Params { window_days: 1, threshold: 1.6 }
    }
}

/// The date interval `[first day, last day]` (days since 1970-01-01) of an ISO value:
/// `2022-09-13`, `2022-09`, `2022`, `2022-W37`.
pub fn interval(value: &str) -> Option<(i64, i64)> {
    let v = value.trim();
    if let Some(d) = Ymd::parse(v) {
        return Some((d.days(), d.days()));
    }
    let y: i32 = v.get(0..4)?.parse().ok()?;
    match v.len() {
        4 => Some((Ymd::new(y, 1, 1)?.days(), Ymd::new(y, 12, 31)?.days())),
        7 if v.as_bytes()[4] == b'-' => {
            let m: u32 = v.get(5..7)?.parse().ok()?;
            let first = Ymd::new(y, m, 1)?;
            Some((first.days(), first.days() + sitrep_dates::days_in_month(y, m) as i64 - 1))
        }
        8 if v.get(4..6) == Some("-W") => {
            let w: i64 = v.get(6..8)?.parse().ok()?;
            // ISO week 1 holds 4 January.
            let jan4 = Ymd::new(y, 1, 4)?;
            let monday = jan4.days() - (jan4.weekday() as i64 - 1) + (w - 1) * 7;
            Some((monday, monday + 6))
        }
        _ => None,
    }
}

/// Runs of two or more capitalised words not at the start of the sentence ("Jassely
/// Lupoe", "Nikol Pachinian"): names that identify an incident across reports and
/// languages; runs of three words or more also give their last two words. Sentences in
/// Title Case (headlines) give none. Lowercased, at most about 24.
pub fn names(sentence: &str) -> Vec<String> {
    let words: Vec<&str> = sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let cap = |w: &str| {
        let mut cs = w.chars();
        cs.next().is_some_and(char::is_uppercase)
            && w.chars().count() >= 2
            && cs.any(char::is_lowercase)
            && sitrep_lexicon::calendar_word(w).is_none()
    };
    let mut out = Vec::new();
    // A headline in Title Case names nothing in particular.
    let caps = words.iter().filter(|w| cap(w)).count();
    if words.len() >= 4 && caps * 10 >= words.len() * 6 {
        return out;
    }
    let mut i = 1;
    while i < words.len() && out.len() < 24 {
        if cap(words[i]) && i + 1 < words.len() && cap(words[i + 1]) {
            let mut j = i;
            while j < words.len() && cap(words[j]) {
                j += 1;
            }
            out.push(words[i..j].join(" ").to_lowercase());
            // Longer runs also by their last two words (titles come first, names last):
            // "Officer Thomas Cottrell" meets "Danville police officer Thomas Cottrell".
            if j - i >= 3 {
                out.push(words[j - 2..j].join(" ").to_lowercase());
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out.sort();
    out.dedup();
    out
}

/// What an undated report must score above the threshold to join another article's
/// event (same place required): the date's evidence is missing, so the rest must carry
/// more (same place and a rare shared name do; same place, figures and parties do not).
const UNDATED_MARGIN: f64 = 0.8;

/// What the same exact killed figure (ten or more) adds.
const SAME_TOLL: f64 = 0.8;

/// How many undated events, and how many dated ones for an undated report, are compared
/// per exact place.
const UNDATED_POOL: usize = 64;

/// The feature name of killed figures in a member's reasons.
const KILLED: &str = sitrep_core::CasualtyKind::Killed.as_str();

/// Great-circle distance in kilometres.
pub fn distance_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (a.0.to_radians(), a.1.to_radians(), b.0.to_radians(), b.1.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// Why a mention joined an event: `(feature, what matched)`.
type Reasons = Vec<(&'static str, String)>;

/// What an event (a growing cluster) offers for comparison.
#[derive(Default)]
struct Profile {
    span: Option<(i64, i64)>,
    /// Single days its reports are dated (by the text or, failing that, by publication).
    days: BTreeSet<i64>,
    /// Whether each of its reports dates its incident by its text on the day the article
    /// came out ("today"): two such events a day apart are two incidents (daily attacks at
    /// one place), not one dated differently by two outlets.
    same_day_news: bool,
    docs: BTreeSet<usize>,
    geonameids: BTreeSet<u64>,
    points: Vec<(f64, f64)>,
    countries: BTreeSet<String>,
    admin1: BTreeSet<String>,
    parties: BTreeSet<String>,
    killed: Option<(u64, u64)>,
    names: BTreeSet<String>,
    /// Languages of the articles (names are compared only within one).
    langs: BTreeSet<String>,
    /// Exact killed figures of its reports.
    exact_killed: BTreeSet<u64>,
    members: Vec<usize>,
}

impl Profile {
    fn add(
        &mut self,
        m: &MentionFeatures,
        i: usize,
        doc: usize,
        span: Option<(i64, i64)>,
        rare: &dyn Fn(&str) -> bool,
    ) {
        self.names.extend(m.names.iter().filter(|n| rare(n)).cloned());
        if let Some((a, b)) = span {
            self.span = Some(self.span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
            if a == b {
                let news = m.date.is_some() && m.published.as_deref().and_then(interval) == Some((a, b));
                self.same_day_news = (self.days.is_empty() || self.same_day_news) && news;
                self.days.insert(a);
            }
        }
        self.docs.insert(doc);
        self.langs.extend(m.lang.clone());
        if let Some((lo, hi)) = m.killed
            && lo == hi
        {
            self.exact_killed.insert(lo);
        }
        self.geonameids.extend(m.geonameid);
        if let Some(p) = m.lat_lon
            && self.points.len() < 16
        {
            self.points.push(p);
        }
        self.countries.extend(m.country.clone());
        self.admin1.extend(m.admin1.clone());
        self.parties.extend(m.parties.iter().cloned());
        if let Some((lo, hi)) = m.killed {
            self.killed = Some(self.killed.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
        }
        self.members.push(i);
    }

    fn absorb(&mut self, other: Profile) {
        if let Some((a, b)) = other.span {
            self.span = Some(self.span.map_or((a, b), |(x, y)| (x.min(a), y.max(b))));
        }
        self.same_day_news = match (self.days.is_empty(), other.days.is_empty()) {
            (true, _) => other.same_day_news,
            (false, true) => self.same_day_news,
            (false, false) => self.same_day_news && other.same_day_news,
        };
        self.days.extend(other.days);
        self.docs.extend(other.docs);
        self.langs.extend(other.langs);
        self.exact_killed.extend(other.exact_killed);
        self.geonameids.extend(other.geonameids);
        for p in other.points {
            if self.points.len() < 16 {
                self.points.push(p);
            }
        }
        self.countries.extend(other.countries);
        self.admin1.extend(other.admin1);
        self.parties.extend(other.parties);
        self.names.extend(other.names);
        if let Some((lo, hi)) = other.killed {
            self.killed = Some(self.killed.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
        }
        self.members.extend(other.members);
    }
}

/// Scores how well `u` (one mention or a decided group) fits event `c`; `None` when they
/// cannot be the same event.
fn score(u: &Profile, c: &Profile, p: &Params) -> Option<(f64, Reasons)> {
    let mut s = 0.0;
    let mut why = Vec::new();
    let same_doc = u.docs.iter().any(|d| c.docs.contains(d));
    match (u.span, c.span) {
        (Some((a1, b1)), Some((a2, b2))) => {
            let gap = (a1.max(a2) - b1.min(b2)).max(0);
            if gap > p.window_days {
                return None;
            }
            // No chaining: the single days of an event stay within the window of each
            // other, whatever its newest member says.
            if let (Some(a), Some(b), Some(x), Some(y)) = (u.days.first(), u.days.last(), c.days.first(), c.days.last())
                && b.max(y) - a.min(x) > p.window_days
            {
                return None;
            }
            if u.days.iter().any(|d| c.days.contains(d)) {
                s += 1.0;
                why.push(("date", "same day".to_string()));
            } else if gap == 0 {
                s += 0.4;
                why.push(("date", "overlapping dates".to_string()));
            } else if u.same_day_news && c.same_day_news && !same_doc {
                // Each article reports an incident of its own day, a day apart: a repeated
                // incident (daily attacks at one place) unless more than place and figures
                // agree.
                why.push(("date", format!("{gap} day apart, each on its day of publication")));
            } else {
                s += 0.5;
                why.push(("date", format!("{gap} day apart")));
            }
        }
        _ if same_doc => {}
        // An undated report meets another article's only at the very same place, and must
        // then clear the threshold by [`UNDATED_MARGIN`] on the other evidence.
        _ if u.geonameids.iter().any(|g| c.geonameids.contains(g)) => {
            s -= UNDATED_MARGIN;
            why.push(("date", "undated".to_string()));
        }
        _ => return None,
    }
    if same_doc {
        s += 0.5;
        why.push(("document", "same article".to_string()));
    }
    if u.geonameids.iter().any(|g| c.geonameids.contains(g)) {
        s += 1.0;
        why.push(("place", "same place".to_string()));
    } else {
        let d = u
            .points
            .iter()
            .flat_map(|a| c.points.iter().map(move |b| distance_km(*a, *b)))
            .fold(f64::INFINITY, f64::min);
        if d <= 30.0 {
            s += 0.8;
            why.push(("place", format!("{d:.0} km")));
        } else if d <= 100.0 {
            s += 0.4;
            why.push(("place", format!("{d:.0} km")));
        } else if u.admin1.iter().any(|a| c.admin1.contains(a)) {
            s += 0.4;
            why.push(("place", "same region".to_string()));
        } else if u.countries.iter().any(|a| c.countries.contains(a)) {
            // Two located places far apart in one country are two places, not evidence.
            if d.is_finite() {
                why.push(("place", format!("same country, {d:.0} km apart")));
            } else {
                s += 0.3;
                why.push(("place", "same country".to_string()));
            }
        } else if u.countries.iter().any(|a| c.parties.contains(a)) || c.countries.iter().any(|a| u.parties.contains(a))
        {
            // Each side reports the fighting on its own territory.
            s += 0.3;
            why.push(("place", "a party's country".to_string()));
        } else if !u.countries.is_empty() && !c.countries.is_empty() {
            s -= 1.0;
            why.push(("place", "different country".to_string()));
        }
    }
    // Parties tell events apart only beyond the country where they happen: "USA" acting
    // in the USA says nothing; Azerbaijan shelling Armenia does.
    let foreign = |p: &Profile, other: &Profile| -> BTreeSet<String> {
        if p.countries.is_empty() && other.countries.is_empty() && p.parties.len() < 2 {
            return BTreeSet::new();
        }
        if p.parties.len() >= 2 {
            // Two or more countries involved: who fights whom identifies the conflict.
            return p.parties.clone();
        }
        p.parties.iter().filter(|x| !p.countries.contains(*x) && !other.countries.contains(*x)).cloned().collect()
    };
    let (up, cp) = (foreign(u, c), foreign(c, u));
    if !up.is_empty() && !cp.is_empty() {
        let common = up.intersection(&cp).count();
        let all = up.union(&cp).count();
        if common == 0 {
            s -= 0.4;
            why.push(("parties", "disjoint".to_string()));
        } else {
            let j = common as f64 / all as f64;
            s += if j >= 0.5 { 0.6 } else { 0.3 };
            why.push(("parties", format!("{common} of {all} shared")));
        }
    }
    if let (Some((l1, h1)), Some((l2, h2))) = (u.killed, c.killed) {
        let (small, large) = (h1.min(h2).max(1) as f64, l1.max(l2).max(1) as f64);
        if l1 == h1 && l2 == h2 && l1 != l2 && large < 10.0 {
            // Exact small figures that differ ("one dead", "two dead") are two incidents.
            s -= 0.6;
            why.push((KILLED, "different exact figures".to_string()));
        } else if l1 <= h2 && l2 <= h1 || large / small <= 2.0 {
            // One or two dead is what most incidents report: weak evidence.
            s += if large >= 3.0 { 0.5 } else { 0.2 };
            why.push((KILLED, "compatible figures".to_string()));
        } else if large / small > 4.0 {
            s -= 0.6;
            why.push((KILLED, "incompatible figures".to_string()));
        }
    }
    // The same exact toll of ten or more: few incidents share one.
    if let Some(k) = u.exact_killed.iter().find(|k| **k >= 10 && c.exact_killed.contains(k)) {
        s += SAME_TOLL;
        why.push(("same_toll", format!("{k}")));
    }
    if !same_doc && !u.names.is_empty() && !c.names.is_empty() {
        let common: Vec<&String> = u.names.intersection(&c.names).collect();
        // Different names count against only between articles of one language (or of
        // languages unknown).
        let one_language = u.langs.is_empty() || c.langs.is_empty() || u.langs.iter().any(|l| c.langs.contains(l));
        if common.is_empty() {
            if one_language {
                s -= 0.8;
                why.push(("names", "different people named".to_string()));
            }
        } else {
            s += if common.len() >= 2 { 1.2 } else { 0.8 };
            why.push(("names", common.iter().take(3).map(|x| x.as_str()).collect::<Vec<_>>().join(", ")));
        }
    }
    Some((s, why))
}

/// What an event can be found by: its places, countries and parties (one namespace, so
/// a party meets the country it fights in), and its rare names.
fn anchors_of(p: &Profile) -> Vec<String> {
    let mut k: Vec<String> = p.geonameids.iter().map(|g| format!("g{g}")).collect();
    k.extend(p.countries.iter().chain(&p.parties).map(|c| format!("c{c}")));
    k.extend(p.admin1.iter().map(|a| format!("a{a}")));
    k.extend(p.names.iter().map(|n| format!("n{n}")));
    k.sort();
    k.dedup();
    k
}

fn status_class(s: Status) -> u8 {
    match s {
        Status::Current | Status::Future => 0,
        Status::Historical => 1,
        Status::Hypothetical => 2,
        Status::Negated => 3,
    }
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }
    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a != b {
            self.0[a.max(b)] = a.min(b);
        }
    }
}

/// How many articles carry a proper name, and the earliest and latest of those
/// articles' first days (what makes a name rare).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NameStat {
    pub docs: usize,
    pub first_day: Option<i64>,
    pub last_day: Option<i64>,
}

impl NameStat {
    /// Whether the name is informative: few articles carry it, or the articles that do
    /// all fall within a few days (one story); a name spread over many days is an outlet
    /// or a city.
    pub fn is_rare(&self) -> bool {
        let spread = self.last_day.unwrap_or(0) - self.first_day.unwrap_or(0);
        self.docs <= 3 || (self.docs <= 30 && spread <= 3)
    }
}

/// Each name of the mentions' articles with its [`NameStat`] over these articles (an
/// article's first day is its mentions' earliest).
pub fn name_stats(mentions: &[MentionFeatures]) -> BTreeMap<&str, NameStat> {
    let docs = doc_numbers(mentions);
    let mut per_doc: BTreeMap<usize, (&[String], Option<i64>)> = BTreeMap::new();
    for (i, m) in mentions.iter().enumerate() {
        let day = first_day(m);
        let e = per_doc.entry(docs[i]).or_insert((&m.names, day));
        e.1 = match (e.1, day) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let mut stats: BTreeMap<&str, NameStat> = BTreeMap::new();
    for (names, day) in per_doc.values() {
        for n in names.iter() {
            let e = stats.entry(n.as_str()).or_default();
            e.docs += 1;
            if let Some(d) = *day {
                e.first_day = Some(e.first_day.map_or(d, |x| x.min(d)));
                e.last_day = Some(e.last_day.map_or(d, |x| x.max(d)));
            }
        }
    }
    stats
}

/// The first day (days since 1970-01-01) a mention is dated by: its event date, or else
/// its article's publication date.
pub fn first_day(m: &MentionFeatures) -> Option<i64> {
    span_of(m).map(|s| s.0)
}

/// The date interval a mention is compared by: its event date, or else its article's
/// publication date.
pub fn span_of(m: &MentionFeatures) -> Option<(i64, i64)> {
    m.date.as_deref().or(m.published.as_deref()).and_then(interval)
}

/// Each mention's article as a number (in order of first appearance).
fn doc_numbers(mentions: &[MentionFeatures]) -> Vec<usize> {
    let mut ids: HashMap<&str, usize> = HashMap::new();
    mentions
        .iter()
        .map(|m| {
            let next = ids.len();
            *ids.entry(m.doc.as_str()).or_insert(next)
        })
        .collect()
}

/// Clusters mentions into events, the rarity of names counted over these mentions.
pub fn fuse(mentions: &[MentionFeatures], decisions: &[Decision], params: &Params) -> Vec<FusedEvent> {
    let stats = name_stats(mentions);
    fuse_with(mentions, decisions, params, &|n: &str| stats.get(n).is_some_and(NameStat::is_rare))
}

/// Clusters mentions into events, with the rarity of names given (`rare`): a store that
/// fuses a part of its mentions counts names over all of them.
pub fn fuse_with(
    mentions: &[MentionFeatures],
    decisions: &[Decision],
    params: &Params,
    rare: &dyn Fn(&str) -> bool,
) -> Vec<FusedEvent> {
    let n = mentions.len();
    let by_key: HashMap<&str, usize> = mentions.iter().enumerate().map(|(i, m)| (m.key.as_str(), i)).collect();
    let docs = doc_numbers(mentions);
    let spans: Vec<Option<(i64, i64)>> = mentions.iter().map(span_of).collect();

    // Decided groups first.
    let mut uf = UnionFind((0..n).collect());
    let mut split: BTreeSet<(usize, usize)> = BTreeSet::new();
    for d in decisions {
        let (Decision::Merge(a, b) | Decision::Split(a, b)) = d;
        let (Some(&a), Some(&b)) = (by_key.get(a.as_str()), by_key.get(b.as_str())) else { continue };
        match d {
            Decision::Merge(..) => uf.union(a, b),
            Decision::Split(..) => {
                split.insert((a.min(b), a.max(b)));
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = uf.find(i);
        groups.entry(r).or_default().push(i);
    }
    // Units in (first day, smallest key) order; undated ones last.
    let mut units: Vec<Vec<usize>> = groups.into_values().collect();
    for u in &mut units {
        u.sort_by(|&a, &b| mentions[a].key.cmp(&mentions[b].key));
    }
    let start = |u: &Vec<usize>| u.iter().filter_map(|&i| spans[i].map(|s| s.0)).min().unwrap_or(i64::MAX);
    units.sort_by(|a, b| start(a).cmp(&start(b)).then_with(|| mentions[a[0]].key.cmp(&mentions[b[0]].key)));

    let cannot = |a: &[usize], b: &[usize]| {
        !split.is_empty() && a.iter().any(|&x| b.iter().any(|&y| split.contains(&(x.min(y), x.max(y)))))
    };

    let mut events: Vec<Profile> = Vec::new();
    let mut reasons: Vec<(f64, Reasons)> = vec![(0.0, Vec::new()); n];
    // Open events per block, by the last day they cover.
    let mut anchors: HashMap<((String, u8), String), Vec<usize>> = HashMap::new();
    let mut block_of: Vec<(String, u8)> = Vec::new();
    let mut by_doc: HashMap<usize, Vec<usize>> = HashMap::new();
    // Undated events by exact place (geonameid).
    let mut at_place: HashMap<((String, u8), u64), Vec<usize>> = HashMap::new();
    for unit in units {
        let first = &mentions[unit[0]];
        let block = (first.event_type.clone(), status_class(first.status));
        let mut profile = Profile::default();
        for &i in &unit {
            profile.add(&mentions[i], i, docs[i], spans[i], rare);
        }
        let decided = unit.len() > 1;
        for &i in &unit[1..] {
            reasons[i] = (0.0, vec![("decision", "merged by an analyst".to_string())]);
        }
        // Candidates: open events of the block that share an anchor with the unit (a
        // place, a country or party, a rare name) or an article. Nothing else can reach the
        // threshold (date and figures alone add up to less), so this loses no merge and
        // keeps the work near linear.
        let keys = anchors_of(&profile);
        let mut pool: BTreeSet<usize> = BTreeSet::new();
        if let Some((a, _)) = profile.span {
            for k in &keys {
                if let Some(list) = anchors.get_mut(&(block.clone(), k.clone())) {
                    list.retain(|&e| events[e].span.is_none_or(|(_, b)| b + params.window_days >= a));
                    pool.extend(list.iter().copied());
                }
            }
        }
        // Undated events meet any unit at their exact places, and an undated unit meets
        // the latest dated events there (it has no window to meet them by); the score
        // asks more of such pairs. At most UNDATED_POOL of each per place, newest first,
        // so that a busy place costs no more than a quiet one.
        for g in &profile.geonameids {
            let newest = |list: &Vec<usize>| list.iter().rev().take(UNDATED_POOL).copied().collect::<Vec<_>>();
            if let Some(list) = at_place.get(&(block.clone(), *g)) {
                pool.extend(newest(list));
            }
            if profile.span.is_none()
                && let Some(list) = anchors.get(&(block.clone(), format!("g{g}")))
            {
                pool.extend(newest(list));
            }
        }
        // And the events of its own articles.
        pool.extend(
            profile
                .docs
                .iter()
                .flat_map(|d| by_doc.get(d).into_iter().flatten())
                .copied()
                .filter(|&e| block_of[e] == block),
        );
        let mut best: Option<(usize, f64, Reasons)> = None;
        for &e in &pool {
            if cannot(&unit, &events[e].members) {
                continue;
            }
            if let Some((s, why)) = score(&profile, &events[e], params)
                && s >= params.threshold
                && best.as_ref().is_none_or(|b| s > b.1)
            {
                best = Some((e, s, why));
            }
        }
        let docs_of_unit: Vec<usize> = profile.docs.iter().copied().collect();
        let e = match best {
            Some((e, s, why)) => {
                reasons[unit[0]] = (s, why);
                events[e].absorb(profile);
                e
            }
            None => {
                if decided {
                    reasons[unit[0]] = (0.0, vec![("decision", "merged by an analyst".to_string())]);
                }
                events.push(profile);
                block_of.push(block.clone());
                events.len() - 1
            }
        };
        if events[e].span.is_none() {
            for g in &events[e].geonameids {
                let list = at_place.entry((block.clone(), *g)).or_default();
                if list.last() != Some(&e) {
                    list.push(e);
                }
            }
        } else {
            for k in keys {
                let list = anchors.entry((block.clone(), k)).or_default();
                if list.last() != Some(&e) {
                    list.push(e);
                }
            }
        }
        for d in docs_of_unit {
            let v = by_doc.entry(d).or_default();
            if !v.contains(&e) {
                v.push(e);
            }
        }
    }
    let mut out: Vec<FusedEvent> = events
        .into_iter()
        .map(|p| {
            let mut members: Vec<FusedMember> = p
                .members
                .into_iter()
                .map(|i| FusedMember { mention: i, score: reasons[i].0, reasons: std::mem::take(&mut reasons[i].1) })
                .collect();
            members.sort_by(|a, b| mentions[a.mention].key.cmp(&mentions[b.mention].key));
            FusedEvent { members }
        })
        .collect();
    out.sort_by(|a, b| mentions[a.members[0].mention].key.cmp(&mentions[b.members[0].mention].key));
    out
}

#[cfg(test)]
mod tests;
