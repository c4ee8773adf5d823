//! ACLED-style CSV rows: ACLED's column set and coding conventions, from a fused event.
//!
//! - **Actors** are named as ACLED names them: "Military Forces of Armenia", "Police
//!   Forces of Mali", "Government of Russia", "Protesters (Iraq)", "Rioters (Kenya)",
//!   "Civilians (Sudan)", "Unidentified Armed Group (Nigeria)", named groups by their
//!   usual English name; the specific group behind a generic one ("Journalists (Mexico)",
//!   an opposition party at a protest) is an associated actor. State forces acting
//!   outside their own country are external forces (inter 8), as ACLED codes them.
//! - **inter1/inter2** are ACLED's actor types (1 state forces, 2 rebel groups, 3 political
//!   militias, 4 identity militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other
//!   forces) and **interaction** their pair, the smaller first (`17`; `60` when alone).
//! - **fatalities** is the best estimate, 0 when no death is reported; sitrep's low and
//!   high bounds have columns of their own.
//! - **source_scale** says, per reporting article, whether it is in a national language
//!   of the event's country (`National`) or not (`International`).
//! - **notes** is one English sentence built from the coded fields.
//!
//! What sitrep does not know is left empty: `iso` (ACLED's numeric code), `region`,
//! `admin2`, `admin3`, `tags`, `timestamp`.

use serde_json::Value;

/// The CSV header: ACLED's columns in ACLED's order, then sitrep's own.
pub const COLUMNS: &[&str] = &[
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
    "iso3",
    "sitrep_event_type",
    "sitrep_status",
    "fatalities_low",
    "fatalities_high",
    "n_documents",
    "languages",
];

/// One reporting article: its outlet (or URL, or id) and language.
pub struct Source {
    pub name: String,
    pub lang: Option<String>,
}

/// An actor as ACLED codes it.
#[derive(Clone, Debug, PartialEq)]
struct Coded {
    name: String,
    inter: Option<u8>,
    /// The specific group behind a generic name.
    assoc: Option<String>,
    /// Whose side it is on (its country).
    country: Option<String>,
    /// An "Unidentified ..." actor (named ones come first).
    unidentified: bool,
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str).filter(|x| !x.is_empty())
}

/// `label (Country)`, or the label alone when the country is unknown.
fn of_country(label: &str, country: Option<&str>) -> String {
    match country {
        Some(c) => format!("{label} ({})", sitrep_geo::country_name(c).unwrap_or(c)),
        None => label.to_string(),
    }
}

/// `label of Country` (state institutions).
fn state(label: &str, country: Option<&str>) -> String {
    match country {
        Some(c) => format!("{label} of {}", sitrep_geo::country_name(c).unwrap_or(c)),
        None => format!("{label} (country unknown)"),
    }
}

/// ACLED's name and type of one sitrep actor (`None` for words that name no one sitrep
/// could identify); `crowd` is "Protesters" or "Rioters" in a demonstration, whose
/// non-state participants are the crowd; `violent`: state actors of political violence
/// are its forces.
fn code(a: &Value, event_country: Option<&str>, crowd: Option<(&str, u8)>, violent: bool) -> Option<Coded> {
    let c = code_as(a, event_country, crowd, violent);
    (!c.name.is_empty()).then_some(c)
}

fn code_as(a: &Value, event_country: Option<&str>, crowd: Option<(&str, u8)>, violent: bool) -> Coded {
    let own = s(a, "country");
    let country = own.or(event_country);
    let name = s(a, "name").or_else(|| s(a, "text")).unwrap_or("").to_string();
    let named = s(a, "name").map(str::to_string);
    let foreign = matches!((own, event_country), (Some(x), Some(y)) if x != y);
    let state_inter = if foreign { 8 } else { 1 };
    let sector = s(a, "sector").unwrap_or("");
    let is_state = matches!(sector, "MIL" | "COP" | "GOV" | "LEG" | "JUD" | "PKO" | "IGO");
    let side = country.map(str::to_string);
    let coded = |name: String, inter: u8, assoc: Option<String>| Coded {
        unidentified: name.starts_with("Unidentified "),
        name,
        inter: Some(inter),
        assoc,
        country: side.clone(),
    };
    if let Some((label, inter)) = crowd.filter(|_| !is_state) {
        let generic = ["CVL", ""].contains(&sector) && named.is_none();
        return coded(of_country(label, country), inter, (!generic && !name.is_empty()).then_some(name));
    }
    match sector {
        "MIL" => coded(state("Military Forces", country), state_inter, None),
        "COP" => coded(state("Police Forces", country), state_inter, None),
        "GOV" if violent => coded(state("Military Forces", country), state_inter, None),
        "GOV" | "LEG" | "JUD" => coded(state("Government", country), state_inter, None),
        "REB" => match named {
            Some(n) => coded(n, 2, None),
            None => coded(of_country("Unidentified Armed Group", country), 3, None),
        },
        "UAF" => coded(of_country("Unidentified Armed Group", country), 3, None),
        "CRM" => coded(of_country("Unidentified Gang", country), 3, None),
        "OPP" | "POL" => coded(named.unwrap_or_else(|| of_country("Political Group", country)), 3, None),
        "PKO" => coded(named.unwrap_or_else(|| of_country("Peacekeepers", own)), 8, None),
        "IGO" => coded(if name.is_empty() { "International Organisation".into() } else { name }, 8, None),
        "CVL" | "BUS" | "EDU" | "REL" | "REF" | "MED" | "NGO" => {
            let group = match sector {
                "MED" => Some("Journalists"),
                "REF" => Some("Refugees/IDPs"),
                "EDU" => Some("Students"),
                "NGO" => Some("Aid Workers"),
                "REL" => Some("Religious Group"),
                "BUS" => Some("Business Owners"),
                _ => None,
            };
            coded(of_country("Civilians", country), 7, group.map(|g| of_country(g, country)))
        }
        // A country acting: its forces in political violence, its government otherwise.
        _ if named.is_none() && own.is_some() => {
            coded(state(if violent { "Military Forces" } else { "Government" }, own), state_inter, None)
        }
        _ if named.is_some() => Coded { name, inter: None, assoc: None, country: side, unidentified: false },
        // Words sitrep could not identify ("people", "personnes") are no ACLED actor.
        _ => Coded { name: String::new(), inter: None, assoc: None, country: None, unidentified: false },
    }
}

/// Codes a list of actors, once each by name, identified ones first.
fn code_all(list: &Value, event_country: Option<&str>, crowd: Option<(&str, u8)>, violent: bool) -> Vec<Coded> {
    let mut out: Vec<Coded> = Vec::new();
    for a in list.as_array().into_iter().flatten() {
        let Some(c) = code(a, event_country, crowd, violent) else { continue };
        match out.iter_mut().find(|o| o.name == c.name) {
            Some(o) => {
                if o.assoc.is_none() {
                    o.assoc = c.assoc;
                }
            }
            None => out.push(c),
        }
    }
    out.sort_by_key(|c| c.unidentified);
    out
}

/// The two sides of an event as ACLED codes them.
struct Sides {
    first: Option<Coded>,
    assoc1: Vec<String>,
    second: Option<Coded>,
    assoc2: Vec<String>,
}

/// The first actor and its associates; the other side and its associates: in a battle,
/// or with nobody acted upon, the first actor of another country (two-sided fighting),
/// else the first recipient. Other actors go with the side of their country.
fn sides(e: &Value, acled_type: &str) -> Sides {
    let country = s(e, "country");
    let crowd = match acled_type {
        "Protests" => Some(("Protesters", 6)),
        "Riots" => Some(("Rioters", 5)),
        _ => None,
    };
    let violent = matches!(acled_type, "Battles" | "Explosions/Remote violence" | "Violence against civilians");
    let mut actors = code_all(&e["actors"], country, crowd, violent);
    let mut recipients = code_all(&e["recipients"], country, None, violent);
    recipients.retain(|r| !actors.iter().any(|a| a.name == r.name));
    let generic = |name: String, inter: u8| Coded {
        unidentified: name.starts_with("Unidentified "),
        name,
        inter: Some(inter),
        assoc: None,
        country: country.map(str::to_string),
    };
    if actors.is_empty() {
        match acled_type {
            "Protests" | "Riots" => {
                actors.extend(crowd.map(|(label, inter)| generic(of_country(label, country), inter)))
            }
            _ if violent => actors.push(generic(of_country("Unidentified Armed Group", country), 3)),
            _ => {}
        }
    }
    if acled_type == "Violence against civilians" && recipients.is_empty() && actors.len() < 2 {
        recipients.push(generic(of_country("Civilians", country), 7));
    }
    let mut actors = actors.into_iter();
    let first = actors.next();
    let mut rest: Vec<Coded> = actors.collect();
    let other_side = rest.iter().position(|c| c.country != first.as_ref().and_then(|f| f.country.clone()));
    let two_sided = acled_type == "Battles" || recipients.is_empty();
    let second = match other_side {
        Some(i) if two_sided => Some(rest.remove(i)),
        _ if recipients.is_empty() => (!rest.is_empty()).then(|| rest.remove(0)),
        _ => Some(recipients.remove(0)),
    };
    let (mut assoc1, mut assoc2): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    assoc1.extend(first.iter().filter_map(|f| f.assoc.clone()));
    assoc2.extend(second.iter().filter_map(|x| x.assoc.clone()));
    for c in rest.into_iter().chain(recipients) {
        let with_second = second.as_ref().is_some_and(|x| x.country == c.country)
            && first.as_ref().is_none_or(|f| f.country != c.country);
        if with_second { assoc2.push(c.name) } else { assoc1.push(c.name) }
    }
    Sides { first, assoc1, second, assoc2 }
}

/// ACLED's disorder type of an event type.
fn disorder(acled_type: &str) -> &'static str {
    match acled_type {
        "Protests" | "Riots" => "Demonstrations",
        "Strategic developments" => "Strategic developments",
        _ => "Political violence",
    }
}

/// What happened, in words, with the actors in place (`{1}`, `{2}`).
fn phrase(sub: &str, has_second: bool) -> &'static str {
    match (sub, has_second) {
        ("Armed clash", true) => "{1} clashed with {2}",
        ("Armed clash", false) => "{1} was involved in an armed clash",
        ("Government regains territory", true) => "{1} regained territory from {2}",
        ("Non-state actor overtakes territory", true) => "{1} took territory from {2}",
        ("Government regains territory", false) => "{1} regained territory",
        ("Non-state actor overtakes territory", false) => "{1} took territory",
        ("Air/drone strike", true) => "{1} carried out an air/drone strike on {2}",
        ("Air/drone strike", false) => "{1} carried out an air/drone strike",
        ("Shelling/artillery/missile attack", true) => "{1} shelled {2}",
        ("Shelling/artillery/missile attack", false) => "{1} carried out shelling or a missile attack",
        ("Remote explosive/landmine/IED", true) => "an explosive device set by {1} hit {2}",
        ("Remote explosive/landmine/IED", false) => "an explosive device set by {1} went off",
        ("Suicide bomb", true) => "a suicide bomber of {1} struck {2}",
        ("Suicide bomb", false) => "a suicide bomber of {1} struck",
        ("Grenade", true) => "{1} threw a grenade at {2}",
        ("Grenade", false) => "{1} threw a grenade",
        ("Chemical weapon", true) => "{1} used a chemical weapon against {2}",
        ("Chemical weapon", false) => "{1} used a chemical weapon",
        ("Sexual violence", _) => "{1} committed sexual violence against {2}",
        ("Abduction/forced disappearance", _) => "{1} abducted {2}",
        ("Attack", _) => "{1} attacked {2}",
        ("Peaceful protest", true) => "{1} demonstrated against {2}",
        ("Protest with intervention", true) => "{1} demonstrated and {2} intervened",
        ("Excessive force against protesters", true) => "{2} used excessive force against {1}",
        ("Violent demonstration", true) => "{1} demonstrated violently against {2}",
        ("Mob violence", true) => "{1} attacked {2} as a mob",
        ("Peaceful protest" | "Protest with intervention" | "Excessive force against protesters", false) => {
            "{1} demonstrated"
        }
        ("Violent demonstration" | "Mob violence", false) => "{1} rioted",
        ("Agreement", true) => "{1} reached an agreement with {2}",
        ("Agreement", false) => "{1} announced an agreement",
        ("Arrests", true) => "{1} arrested {2}",
        ("Arrests", false) => "{1} made arrests",
        ("Change to group/activity", _) => "{1} changed its activity or posture",
        ("Disrupted weapons use", _) => "{1} disrupted weapons use",
        ("Headquarters or base established", _) => "{1} established a base",
        ("Looting/property destruction", true) => "{1} looted or destroyed property of {2}",
        ("Looting/property destruction", false) => "{1} looted or destroyed property",
        ("Non-violent transfer of territory", true) => "territory passed between {1} and {2} without fighting",
        ("Non-violent transfer of territory", false) => "{1} took over territory without fighting",
        (_, true) => "{1} and {2}: {sub}",
        (_, false) => "{1}: {sub}",
    }
}

/// The one-sentence note: when, who did what to whom, where, and the toll.
fn note(e: &Value, sub: &str, sides: &Sides, location: &str, fatalities: u64) -> String {
    let first = sides.first.as_ref().map_or("an unidentified actor", |c| c.name.as_str());
    let second = sides.second.as_ref().map(|c| c.name.as_str());
    let what = phrase(sub, second.is_some())
        .replace("{1}", first)
        .replace("{2}", second.unwrap_or(""))
        .replace("{sub}", &sub.to_lowercase());
    let mut out = match s(e, "date") {
        Some(d) => format!("On {d}, {what}"),
        None => {
            let mut c = what.chars();
            c.next().map(|x| x.to_uppercase().chain(c).collect()).unwrap_or_default()
        }
    };
    if !location.is_empty() {
        out.push_str(&format!(" in {location}"));
    }
    if fatalities > 0 {
        out.push_str(&format!(" ({fatalities} killed)"));
    }
    out.push('.');
    out
}

/// ACLED's source scale of the reporting articles ("National", "International" or both,
/// "National-International").
fn source_scale(sources: &[Source], country: Option<&str>) -> String {
    let Some(country) = country else { return String::new() };
    let (mut national, mut international) = (false, false);
    for src in sources {
        match src.lang.as_deref() {
            Some(l) if sitrep_geo::national_language(l, country) => national = true,
            Some(_) => international = true,
            None => {}
        }
    }
    match (national, international) {
        (true, true) => "National-International",
        (true, false) => "National",
        (false, true) => "International",
        (false, false) => "",
    }
    .to_string()
}

/// The CSV cells of an event (see [`COLUMNS`]); `None` for an event ACLED has no
/// category for.
pub fn row(e: &Value, sources: &[Source]) -> Option<Vec<String>> {
    let acled_type = s(&e["acled"], "event_type")?;
    let sub = s(&e["acled"], "sub_event_type").unwrap_or("");
    let g = |k: &str| s(e, k).unwrap_or("").to_string();
    let country = s(e, "country");
    let sides = sides(e, acled_type);
    let inter = |c: &Option<Coded>| c.as_ref().and_then(|c| c.inter);
    let (i1, i2) = (inter(&sides.first), inter(&sides.second));
    let interaction = match (i1, i2) {
        (Some(a), Some(b)) => format!("{}{}", a.min(b), a.max(b)),
        (Some(a), None) => format!("{a}0"),
        _ => String::new(),
    };
    let civilian =
        acled_type == "Violence against civilians" || (acled_type == "Explosions/Remote violence" && i2 == Some(7));
    let fat = |k: &str| e["fatalities"].get(k).and_then(Value::as_u64);
    let fatalities = fat("best").unwrap_or(0);
    let date = g("date");
    let country_name = country.map(|c| sitrep_geo::country_name(c).unwrap_or(c).to_string()).unwrap_or_default();
    let admin1 = s(e, "admin1").map(|a| sitrep_geo::admin1_name(a).unwrap_or(a).to_string()).unwrap_or_default();
    let place = s(e, "place").map(str::to_string);
    let location = place.clone().unwrap_or_else(|| country_name.clone());
    let mut shown: Vec<String> = Vec::new();
    for x in [place.clone().unwrap_or_default(), admin1.clone(), country_name.clone()] {
        if !x.is_empty() && shown.last() != Some(&x) {
            shown.push(x);
        }
    }
    let geo_precision = match (s(e, "geo_precision"), place.is_some()) {
        (Some("point" | "city"), _) => "1",
        (Some("region"), _) => "2",
        (_, _) if !location.is_empty() => "3",
        _ => "",
    };
    let time_precision = match s(e, "date_precision") {
        Some("day") => "1",
        Some("week") => "2",
        Some(_) => "3",
        None => "",
    };
    let num = |v: &Value| v.as_f64().map(|x| x.to_string()).unwrap_or_default();
    let name = |c: &Option<Coded>| c.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let code = |i: Option<u8>| i.map(|x| x.to_string()).unwrap_or_default();
    let names: Vec<&str> = sources.iter().map(|x| x.name.as_str()).collect();
    Some(vec![
        g("id"),
        date.clone(),
        date.get(..4).unwrap_or("").to_string(),
        time_precision.into(),
        disorder(acled_type).into(),
        acled_type.into(),
        sub.into(),
        name(&sides.first),
        sides.assoc1.join("; "),
        code(i1),
        name(&sides.second),
        sides.assoc2.join("; "),
        code(i2),
        interaction,
        if civilian { "Civilian targeting".into() } else { String::new() },
        String::new(),
        String::new(),
        country_name,
        admin1,
        String::new(),
        String::new(),
        location,
        num(&e["lat"]),
        num(&e["lon"]),
        geo_precision.into(),
        names.join("; "),
        source_scale(sources, country),
        note(e, sub, &sides, &shown.join(", "), fatalities),
        fatalities.to_string(),
        String::new(),
        String::new(),
        g("country"),
        g("event_type"),
        g("status"),
        fat("low").map(|x| x.to_string()).unwrap_or_default(),
        fat("high").map(|x| x.to_string()).unwrap_or_default(),
        e["n_documents"].to_string(),
        e["langs"]
            .as_array()
            .map(|l| l.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(";"))
            .unwrap_or_default(),
    ])
}
