use super::*;

/// A mention: `key doc type status date country geonameid parties killed`, `-` for none.
fn m(spec: &str) -> MentionFeatures {
    let f: Vec<&str> = spec.split_whitespace().collect();
    let opt = |s: &str| (s != "-").then(|| s.to_string());
    MentionFeatures {
        key: f[0].into(),
        doc: f[1].into(),
        event_type: f[2].into(),
        status: match f[3] {
            "historical" => Status::Historical,
            "negated" => Status::Negated,
            _ => Status::Current,
        },
        date: opt(f[4]),
        published: None,
        country: opt(f[5]),
        admin1: None,
        geonameid: f[6].parse().ok(),
        lat_lon: None,
        parties: if f[7] == "-" { vec![] } else { f[7].split(',').map(str::to_string).collect() },
        killed: f[8].parse().ok().map(|k| (k, k)),
        names: f
            .get(9)
            .filter(|n| **n != "-")
            .map(|n| n.split(',').map(|x| x.replace('_', " ")).collect())
            .unwrap_or_default(),
        lang: f.get(10).map(|l| l.to_string()),
    }
}

/// Fuses the mentions and returns the events as groups of keys, e.g. `a b | c`.
fn check(specs: &[&str], decisions: &[Decision], expected: &str) {
    let ms: Vec<MentionFeatures> = specs.iter().map(|s| m(s)).collect();
    let events = fuse(&ms, decisions, &Params::default());
    let got: Vec<String> = events
        .iter()
        .map(|e| e.members.iter().map(|x| ms[x.mention].key.as_str()).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(got.join(" | "), expected, "{specs:#?}");
    // Same result whatever the input order.
    let mut rev = ms.clone();
    rev.reverse();
    let again = fuse(&rev, decisions, &Params::default());
    let got2: Vec<String> = again
        .iter()
        .map(|e| e.members.iter().map(|x| rev[x.mention].key.as_str()).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(got2.join(" | "), expected, "order dependence");
}

#[test]
fn same_event_two_articles_two_languages() {
    // fr and en reports of the same shelling: same day, same country, same parties.
    check(
        &[
            "fr-0 fr ASSAULT current 2022-09-13 ARM 616052 ARM,AZE 49",
            "en-0 en ASSAULT current 2022-09-13 ARM - ARM,AZE 49",
        ],
        &[],
        "en-0 fr-0",
    );
}

#[test]
fn different_events_stay_apart() {
    check(
        &[
            // a week apart
            "a a ASSAULT current 2022-09-13 ARM - ARM,AZE 49",
            "b b ASSAULT current 2022-09-20 ARM - ARM,AZE 49",
            // same day, other type
            "c c PROTEST current 2022-09-13 ARM - ARM -",
            // same day, other country and parties
            "d d ASSAULT current 2022-09-13 UKR - RUS,UKR -",
        ],
        &[],
        "a | b | c | d",
    );
}

#[test]
fn history_never_joins_today() {
    check(
        &[
            "now now ASSAULT current 2022-09-13 ARM - ARM,AZE 49",
            "bg now ASSAULT historical 2020 ARM - ARM,AZE 6600",
            "bg2 other ASSAULT historical 2020 AZE - ARM,AZE 6500",
            "now2 other ASSAULT current 2022-09-13 AZE - ARM,AZE 50",
        ],
        &[],
        "bg bg2 | now now2",
    );
}

#[test]
fn one_country_one_day_is_not_enough() {
    // Two unrelated incidents in one country on one day, no shared place or parties.
    check(&["x x ASSAULT current 2011-03-20 CAF - - -", "y y ASSAULT current 2011-03-20 CAF - - -"], &[], "x | y");
}

#[test]
fn incompatible_tolls_split() {
    check(
        &[
            "p p ASSAULT current 2016-01-23 USA 4887398 - 1",
            "q q ASSAULT current 2016-01-23 USA 4887398 - 14",
            "r r ASSAULT current 2016-01-23 USA 4887398 - 1",
        ],
        &[],
        "p r | q",
    );
}

#[test]
fn analyst_decisions_win() {
    let specs = [
        "fr-0 fr ASSAULT current 2022-09-13 ARM 616052 ARM,AZE 49",
        "en-0 en ASSAULT current 2022-09-13 ARM - ARM,AZE 49",
        "z z ASSAULT current 2022-09-14 UKR - UKR -",
    ];
    check(&specs, &[Decision::Split("en-0".into(), "fr-0".into())], "en-0 | fr-0 | z");
    check(&specs, &[Decision::Merge("z".into(), "fr-0".into())], "en-0 fr-0 z");
    // A split between members of a merged group leaves the other joins alone.
    check(
        &specs,
        &[Decision::Merge("z".into(), "fr-0".into()), Decision::Split("en-0".into(), "z".into())],
        "en-0 | fr-0 z",
    );
}

#[test]
fn undated_mentions_meet_other_articles_only_at_one_place_on_strong_evidence() {
    check(
        &[
            "a1 a ASSAULT current - ARM 616052 ARM,AZE 49",
            "a2 a ASSAULT current - ARM 616052 ARM,AZE 49",
            // same town, parties and toll: the same incident
            "b1 b ASSAULT current - ARM 616052 ARM,AZE 49",
            // same town and parties, another toll
            "c1 c ASSAULT current - ARM 616052 ARM,AZE 3",
            // no town: nothing to meet at
            "d1 d ASSAULT current - ARM - ARM,AZE 49",
        ],
        &[],
        "a1 a2 b1 | c1 | d1",
    );
}

#[test]
fn names_tell_same_city_incidents_apart() {
    check(
        &[
            "la1 la1 ASSAULT current 2016-01-13 USA 5368361 USA 1 joel_gonzalez",
            "la2 la2 ASSAULT current 2016-01-13 USA 5368361 USA 1 maria_lopez",
            "la3 la3 ASSAULT current 2016-01-13 USA 5368361 USA 1 joel_gonzalez,lapd_south",
        ],
        &[],
        "la1 la3 | la2",
    );
    assert_eq!(
        names("Police said Jassely Lupoe, 5, was shot by Officer John Smith-Jones on Main St."),
        ["jassely lupoe", "john smith-jones", "main st", "officer john smith-jones"]
    );
    assert_eq!(names("Ohio Deputy Sues The Family Of Man He Wounded In Raid"), Vec::<String>::new());
    assert_eq!(names("Nikol Pachinian a parlé."), Vec::<String>::new());
}

#[test]
fn intervals() {
    assert_eq!(interval("1970-01-02"), Some((1, 1)));
    assert_eq!(interval("1970-02"), Some((31, 58)));
    assert_eq!(interval("1970"), Some((0, 364)));
    assert_eq!(interval("1970-W01"), Some((-3, 3)));
    assert_eq!(interval("1970-13"), None);
    assert_eq!(interval("x"), None);
    assert_eq!(interval("é"), None);
    assert!((distance_km((40.18, 44.51), (40.41, 49.87)) - 455.0).abs() < 10.0);
}

#[test]
fn undated_reports_meet_at_the_same_place_on_strong_evidence() {
    check(
        &[
            // Undated, same town, same exact toll of 84 and a rare name in common: one
            // incident.
            "a a ASSAULT current - FRA 2990440 - 84 Lahouaiej_Bouhlel en",
            "b b ASSAULT current - FRA 2990440 - 84 Lahouaiej_Bouhlel tr",
            // Undated, same town and toll, nothing else shared: not enough without a date.
            "c c ASSAULT current - FRA 2990440 - 84 - fr",
            // Undated, a different toll: kept apart.
            "d d ASSAULT current - FRA 2990440 - 3 Lahouaiej_Bouhlel de",
            // Undated, the same toll and name in another town: kept apart.
            "e e ASSAULT current - FRA 2988507 - 84 Lahouaiej_Bouhlel it",
        ],
        &[],
        "a b | c | d | e",
    );
}

#[test]
fn names_that_differ_count_against_only_within_one_language() {
    // Same day, same town, compatible small tolls, each article quoting its own official.
    let pair = |la: &str, lb: &str| {
        [
            format!("a a ASSAULT current 2022-07-14 UKR 689558 - 2 Ihor_Klymenko {la}"),
            format!("b b ASSAULT current 2022-07-14 UKR 689558 - 2 Kyrylo_Tymoshenko {lb}"),
        ]
    };
    let across = pair("en", "pt");
    check(&[&across[0], &across[1]], &[], "a b");
    let within = pair("en", "en");
    check(&[&within[0], &within[1]], &[], "a | b");
}

#[test]
fn the_same_exact_toll_is_evidence() {
    // Two days apart is outside the window whatever the toll; a day apart in the same
    // country, the same toll of 23 tips the balance.
    check(
        &[
            "a a ASSAULT current 2022-07-14 UKR - - 23",
            "b b ASSAULT current 2022-07-15 UKR - - 23",
            "c c ASSAULT current 2022-07-14 UKR - - 4",
            "d d ASSAULT current 2022-07-15 UKR - - 5",
        ],
        &[],
        "a b | c | d",
    );
}

#[test]
fn daily_attacks_at_one_place_stay_separate_events() {
    // Seven attacks in Kabul on seven days, three killed each, one article a day, each
    // dating its own attack: seven events, not one dated the first day.
    let ms: Vec<MentionFeatures> = (0..7)
        .map(|d| {
            let day = format!("2022-09-{:02}", 5 + d);
            let mut x = m(&format!("k{d} d{d} ASSAULT current {day} AFG 1138958 - 3"));
            x.published = Some(day);
            x
        })
        .collect();
    assert_eq!(fuse(&ms, &[], &Params::default()).len(), 7);
    // Two outlets dating one overnight clash a day apart (published the same day) are
    // one event.
    let mut a = m("a0 da ASSAULT current 2022-09-05 AFG 1138958 - 3");
    let mut b = m("b0 db ASSAULT current 2022-09-06 AFG 1138958 - 3");
    a.published = Some("2022-09-06".into());
    b.published = Some("2022-09-06".into());
    assert_eq!(fuse(&[a, b], &[], &Params::default()).len(), 1);
}

#[test]
fn an_event_span_is_bounded_whatever_its_newest_member() {
    // Articles dated only by publication, a day apart each: a report a day late joins
    // yesterday's event, but the chain stops there (an event's days stay within the
    // window of each other).
    let ms: Vec<MentionFeatures> = (0..5)
        .map(|d| {
            let mut x = m(&format!("k{d} d{d} ASSAULT current - AFG 1138958 - 3"));
            x.published = Some(format!("2022-09-{:02}", 5 + d));
            x
        })
        .collect();
    let events = fuse(&ms, &[], &Params::default());
    for e in &events {
        let days: Vec<i64> = e.members.iter().filter_map(|x| first_day(&ms[x.mention])).collect();
        let (lo, hi) = (days.iter().min().unwrap(), days.iter().max().unwrap());
        assert!(hi - lo <= 1, "an event spans {lo}..{hi}");
    }
    assert_eq!(events.len(), 3, "k0 k1 | k2 k3 | k4");
}

#[test]
fn a_report_a_day_later_with_a_shared_name_still_joins() {
    // Two articles dating the same attack a day apart (time zones, "last night"), with a
    // rare name in common: one event.
    check(
        &[
            "a0 da ASSAULT current 2022-09-05 AFG 1138958 - 3 jassely_lupoe",
            "b0 db ASSAULT current 2022-09-06 AFG 1138958 - 3 jassely_lupoe",
        ],
        &[],
        "a0 b0",
    );
}

#[test]
fn fuse_with_counts_names_as_told() {
    // A name common in the whole store (not rare) is no evidence, even where the mentions
    // fused carry it once each: same day and country alone stay apart.
    let specs = [
        "a0 da ASSAULT current 2022-09-05 AFG - - - jassely_lupoe",
        "b0 db ASSAULT current 2022-09-05 AFG - - - jassely_lupoe",
    ];
    let ms: Vec<MentionFeatures> = specs.iter().map(|s| m(s)).collect();
    assert_eq!(fuse(&ms, &[], &Params::default()).len(), 1);
    assert_eq!(fuse_with(&ms, &[], &Params::default(), &|_| false).len(), 2);
}

#[test]
fn two_far_places_in_one_country_are_two_events() {
    // Kidal and Gao, the same day, 13 and 14 killed: the same country says nothing when
    // both places are known and hundreds of kilometres apart.
    let mut a = m("a0 da ASSAULT current 2023-03-17 MLI 2455290 - 13");
    let mut b = m("b0 db ASSAULT current 2023-03-17 MLI 2457163 - 14");
    a.lat_lon = Some((18.44, 1.41));
    b.lat_lon = Some((16.27, -0.04));
    assert_eq!(fuse(&[a.clone(), b.clone()], &[], &Params::default()).len(), 2);
    // Without the second place, the country is weak evidence as before.
    b.geonameid = None;
    b.lat_lon = None;
    let one = fuse(&[a, b], &[], &Params::default());
    assert!(one.iter().flat_map(|e| &e.members).any(|x| x.reasons.iter().any(|r| r.1 == "same country")));
}
