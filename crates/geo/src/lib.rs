//! Geoparsing.
//!
//! Place names are found with the compiled gazetteer (`data/gazetteer/`: countries,
//! first-level regions, cities of 15,000+ people, curated conflict regions and exonyms)
//! and resolved in two passes:
//!
//! 1. *context*: countries the article names unambiguously, and the countries of its
//!    demonyms ("azerbaïdjanaises" → AZE), regions it names;
//! 2. *resolution*: each ambiguous name goes to the candidate that best fits that
//!    context, then to the most important one (country > region > city, then population)
//!    — never simply the first match.
//!
//! A small town (under 100,000 people) of a country the article never names otherwise
//! (by the country's name, a demonym, a known organisation, a region or a large city) is
//! dropped when the article does name other countries: "l'Union" (an old name of
//! Issy-les-Moulineaux) and "la Défense" in a report on Armenia and Azerbaijan.
//!
//! Filters keep common words out: a match must contain a capitalised token; names
//! flagged `common` must be capitalised and not sentence-initial; `abbr` names match
//! case-sensitively; a single capitalised token glued to other capitalised words
//! ("Jordan Henderson", "Washington Post") is taken as part of another name.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use sitrep_core::{Cue, DateWord, PlaceMention, PlaceRef, Text, TokRange, TokenKind};
use sitrep_lexicon::{Index, LangPack, global};

/// Date words that are names (and may be town names too).
const DATE_NAMES: &[&str] = &[DateWord::Weekday.as_str(), DateWord::Month.as_str()];

/// One candidate place for a name.
struct Candidate {
    row: &'static [&'static str],
}

/// Positions of the `places.tsv` columns, resolved by name once.
struct PlaceCols {
    name: usize,
    kind: usize,
    country: usize,
    admin1: usize,
    lat: usize,
    lon: usize,
    population: usize,
    geonameid: usize,
}

/// Resolves each field's column by the field's own name (`population` → "population").
macro_rules! place_cols {
    ($t:expr; $($f:ident),*) => {
        PlaceCols { $($f: $t.col(stringify!($f)).unwrap_or(usize::MAX)),* }
    };
}

static PLACE_COLS: std::sync::LazyLock<PlaceCols> = std::sync::LazyLock::new(
    || place_cols!(global().places; name, kind, country, admin1, lat, lon, population, geonameid),
);

impl Candidate {
    /// A column of the place's `places.tsv` row (positions resolved by name).
    fn col(&self, pick: fn(&PlaceCols) -> usize) -> Option<&'static str> {
        sitrep_lexicon::field(self.row, pick(&PLACE_COLS))
    }
    fn kind(&self) -> &'static str {
        self.col(|c| c.kind).unwrap_or("")
    }
    fn country(&self) -> Option<&'static str> {
        self.col(|c| c.country)
    }
    fn admin1(&self) -> Option<&'static str> {
        self.col(|c| c.admin1)
    }
    fn population(&self) -> f64 {
        self.col(|c| c.population).and_then(|p| p.parse().ok()).unwrap_or(0.0)
    }
    fn to_ref(&self) -> PlaceRef {
        let num = |pick: fn(&PlaceCols) -> usize| self.col(pick).and_then(|v| v.parse::<f64>().ok());
        PlaceRef {
            id: self.row[0],
            name: self.col(|c| c.name).unwrap_or(self.row[0]),
            country: self.country(),
            admin1: self.admin1(),
            geonameid: self.col(|c| c.geonameid).and_then(|v| v.parse().ok()),
            lat: num(|c| c.lat),
            lon: num(|c| c.lon),
            precision: match self.kind() {
                "country" => "country",
                "admin1" | "region" => "region",
                _ => "city",
            },
        }
    }
}

/// Names of countries (by ISO 3166-1 alpha-3) and first-level divisions (by GeoNames
/// admin1 code), in English, from the gazetteer.
/// Code → name.
type NameMap = HashMap<&'static str, &'static str>;

static NAMES: std::sync::LazyLock<(NameMap, NameMap)> = std::sync::LazyLock::new(|| {
    let c = &*PLACE_COLS;
    let (mut countries, mut admin1) = (HashMap::new(), HashMap::new());
    for row in global().places.rows() {
        let f = |i: usize| sitrep_lexicon::field(row, i);
        match (f(c.kind), f(c.name)) {
            (Some("country"), Some(name)) => {
                if let Some(code) = f(c.country) {
                    countries.entry(code).or_insert(name);
                }
            }
            (Some("admin1"), Some(name)) => {
                if let Some(code) = f(c.admin1) {
                    admin1.entry(code).or_insert(name);
                }
            }
            _ => {}
        }
    }
    (countries, admin1)
});

/// The English name of a country by its ISO 3166-1 alpha-3 code ("ARM" → "Armenia").
pub fn country_name(iso3: &str) -> Option<&'static str> {
    NAMES.0.get(iso3).copied()
}

/// The name of a first-level division by its GeoNames admin1 code ("FR.11" →
/// "Île-de-France").
pub fn admin1_name(code: &str) -> Option<&'static str> {
    NAMES.1.get(code).copied()
}

/// Whether `lang` (a data pack's code) is a national language of the country `iso3`
/// (the pack's `countries` setting).
pub fn national_language(lang: &str, iso3: &str) -> bool {
    sitrep_lexicon::lang_pack(lang)
        .and_then(|p| p.setting(sitrep_core::Setting::Countries))
        .is_some_and(|list| list.split(',').any(|c| c.trim() == iso3))
}

/// A name found in the text with its candidates.
struct Found {
    toks: TokRange,
    cands: Vec<Candidate>,
}

/// Finds and resolves every place name in `text`.
pub fn find_places(ix: &Index<'_>, pack: &LangPack) -> Vec<PlaceMention> {
    let text = ix.text();
    let g = global();
    let names = &g.place_names;
    let mut found: Vec<Found> = Vec::new();
    for s in &text.sentences {
        for m in ix.find(names, s.toks.clone()) {
            // "Pakistan President …", "Israel Defense Forces": a title or group noun may
            // follow a country's name.
            // So may a weekday or a month, as in wire style ("Israel Friday reimposed…").
            // (looked up only where a capitalised word is glued to the name)
            let titled = m.toks.end < s.toks.end
                && text.tokens[m.toks.end].cap
                && (ix.longest_at(&pack.nouns, m.toks.end, m.toks.end + 1).is_some()
                    || ix.word_is(&pack.dates, m.toks.end, "kind", DATE_NAMES));
            // "South Lebanon", "Northern Iraq": a compass word may precede it.
            let compass = m.toks.start > s.toks.start
                && text.tokens[m.toks.start - 1].cap
                && ix.word_is(&pack.cues, m.toks.start - 1, "cue", &[Cue::Compass.as_str()]);
            if !plausible(text, m.toks.clone(), s.toks.start, s.toks.end, titled, compass) {
                continue;
            }
            // "in March 2001", "le 5 août": a month or weekday name is a date here, not
            // one of the towns that share it.
            let date_word = m.toks.len() == 1 && ix.word_is(&pack.dates, m.toks.start, "kind", DATE_NAMES);
            if date_word {
                continue;
            }
            let mut cands = Vec::new();
            for row in names.rows_of(&m) {
                let flags = names.get(row, "flags").unwrap_or("");
                if flags.split(',').any(|f| f == "common") && !capitalised_inside(text, m.toks.clone(), s.toks.start) {
                    continue;
                }
                if flags.split(',').any(|f| f == "abbr") && text.slice(text.span(m.toks.clone())) != row[0] {
                    continue;
                }
                if let Some(p) = names.get(row, "id").and_then(|id| g.place(id)) {
                    cands.push(Candidate { row: p });
                }
            }
            if !cands.is_empty() {
                found.push(Found { toks: m.toks, cands });
            }
        }
    }
    let context = Context::build(ix, pack, &found);
    found
        .iter()
        .filter_map(|f| {
            let (_, best) = f
                .cands
                .iter()
                .map(|c| (context.score(c), c))
                .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.row[0].cmp(a.1.row[0])))?;
            // A small town of a country the article otherwise never names, in an article
            // about other countries, is a word that happens to be a town's name ("l'Union",
            // "la Défense" in a report on Armenia and Azerbaijan).
            let stray = best.kind() == "city"
                && best.population() < STRAY_POPULATION
                && !context.strong.is_empty()
                && best.country().is_none_or(|cc| !context.strong.contains(cc));
            (!stray).then(|| PlaceMention {
                span: text.span(f.toks.clone()),
                toks: f.toks.clone(),
                place: Some(best.to_ref()),
            })
        })
        .collect()
}

/// Below this population, a town needs its country in the article's strong context (see
/// [`Context::strong`]) when the article has one.
const STRAY_POPULATION: f64 = 100_000.0;

/// Countries and regions the article is about.
struct Context {
    countries: BTreeMap<&'static str, u32>,
    admin1: BTreeSet<&'static str>,
    /// Countries named as such, through a demonym, a known organisation, a region or a
    /// large city: not through a small town alone.
    strong: BTreeSet<&'static str>,
}

impl Context {
    fn build(ix: &Index<'_>, pack: &LangPack, found: &[Found]) -> Context {
        let mut countries: BTreeMap<&'static str, u32> = BTreeMap::new();
        let mut admin1 = BTreeSet::new();
        let mut strong = BTreeSet::new();
        for f in found {
            // Unambiguous, or a country name: it sets the context.
            let country_cand = f.cands.iter().find(|c| c.kind() == "country");
            let c = match (country_cand, f.cands.len()) {
                (Some(c), _) => Some(c),
                (None, 1) => f.cands.first(),
                _ => None,
            };
            if let Some(c) = c {
                if let Some(cc) = c.country() {
                    *countries.entry(cc).or_default() += 1;
                    if c.kind() != "city" || c.population() >= STRAY_POPULATION {
                        strong.insert(cc);
                    }
                }
                if matches!(c.kind(), "admin1" | "region")
                    && let Some(a) = c.admin1()
                {
                    admin1.insert(a);
                }
            }
        }
        for m in ix.find_in_sentences(&pack.demonyms) {
            for row in pack.demonyms.rows_of(&m) {
                if let Some(c) = pack.demonyms.get(row, "country") {
                    *countries.entry(c).or_default() += 1;
                    strong.insert(c);
                }
            }
        }
        // Known organisations name their country too (the CPC: CAF).
        let orgs = &global().organizations;
        for m in ix.find_in_sentences(orgs) {
            if let Some(c) = orgs.rows_of(&m).next().and_then(|row| orgs.get(row, "country")) {
                strong.insert(c);
            }
        }
        Context { countries, admin1, strong }
    }

    fn score(&self, c: &Candidate) -> f64 {
        let mut s = match c.kind() {
            "country" => 6.0,
            "region" => 4.5,
            "admin1" => 3.5,
            _ => 0.0,
        };
        s += (c.population() + 1.0).log10() * 0.6;
        if let Some(cc) = c.country()
            && let Some(n) = self.countries.get(cc)
        {
            s += 3.0 + (*n as f64).min(5.0) * 0.2;
        }
        if let Some(a) = c.admin1()
            && c.kind() == "city"
            && self.admin1.contains(a)
        {
            s += 2.5;
        }
        s
    }
}

/// Shape checks that keep ordinary words and parts of other names out.
fn plausible(text: &Text<'_>, toks: TokRange, sent_start: usize, sent_end: usize, titled: bool, compass: bool) -> bool {
    if !(toks.start..toks.end).any(|k| text.tokens[k].may_be_name()) {
        return false;
    }
    let single = toks.len() == 1;
    if single && text.tokens[toks.start].kind != TokenKind::Word {
        return false;
    }
    // Glued to another capitalised word: "Jordan Henderson", "Washington Post".
    let next_cap = toks.end < sent_end
        && !titled
        && text.tokens[toks.end].cap
        && text.tokens[toks.end].kind == TokenKind::Word
        && text.tokens[toks.end].space_before
        && !text.tokens[toks.end].newline_before;
    let prev_cap = toks.start > sent_start
        && !compass
        && text.tokens[toks.start - 1].cap
        && text.tokens[toks.start - 1].kind == TokenKind::Word
        && text.tokens[toks.start].space_before;
    if single && (next_cap || (prev_cap && toks.start - 1 > sent_start)) {
        return false;
    }
    true
}

/// Capitalised, and not merely because it starts the sentence.
fn capitalised_inside(text: &Text<'_>, toks: TokRange, sent_start: usize) -> bool {
    let t = &text.tokens[toks.start];
    if !t.cap {
        return false;
    }
    let mut k = toks.start;
    while k > sent_start && text.tokens[k - 1].kind == TokenKind::Punct {
        k -= 1;
    }
    k > sent_start
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(lang: &str, input: &str, expected: &[(&str, Option<&str>)]) {
        let pack = sitrep_lexicon::lang_pack(lang).unwrap();
        let text = sitrep_text::prepare(input, &|s| pack.is_abbreviation(s));
        let got: Vec<(&str, Option<&str>)> = find_places(&pack.index(&text), pack)
            .iter()
            .map(|p| (text.slice(p.span), p.place.as_ref().and_then(|r| r.country)))
            .collect();
        assert_eq!(got, expected, "places in {input:?}");
    }

    #[test]
    fn resolves_by_context() {
        check(
            "fr",
            "Des combats au Haut-Karabakh, entre l'Arménie et l'Azerbaïdjan.",
            &[("Haut-Karabakh", Some("AZE")), ("Arménie", Some("ARM")), ("Azerbaïdjan", Some("AZE"))],
        );
        check("en", "A shooting in Paris, Texas, left two dead.", &[("Paris", Some("USA")), ("Texas", Some("USA"))]);
        check("en", "Protesters marched in Paris on Saturday.", &[("Paris", Some("FRA"))]);
    }

    #[test]
    fn keeps_common_words_and_person_names_out() {
        check("en", "Police said Jordan Henderson was not hurt.", &[]);
        // A month is a date here, not the Cambridgeshire town.
        check("en", "The truce signed in March 2001 did not hold.", &[]);
    }

    /// A small town of a country the article never names, in an article about other
    /// countries, is a word that happens to be its name; alone, such a town is kept.
    #[test]
    fn stray_small_towns_are_dropped() {
        check(
            "fr",
            "L'Arménie et l'Azerbaïdjan, autrefois dans l'Union soviétique, s'accusent, d'après un communiqué du ministère de la Défense à Erevan.",
            &[("Arménie", Some("ARM")), ("Azerbaïdjan", Some("AZE")), ("Erevan", Some("ARM"))],
        );
        check("en", "Two people were shot dead in Manassas on Monday.", &[("Manassas", Some("USA"))]);
        check("fr", "Des combattants de la CPC ont pris Bria lundi.", &[("Bria", Some("CAF"))]);
    }

    #[test]
    fn allows_a_weekday_or_a_compass_word_beside_a_country() {
        check("en", "Israel Friday closed the crossings.", &[("Israel", Some("ISR"))]);
        check("en", "Troops moved into South Lebanon overnight.", &[("Lebanon", Some("LBN"))]);
    }
}
