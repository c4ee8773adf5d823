use super::*;

/// `(text, value)` of every date in `input` published on `published`.
fn check(lang: &str, published: Option<&str>, input: &str, expected: &[(&str, Option<&str>)]) {
    let pack = sitrep_lexicon::lang_pack(lang).unwrap();
    let text = sitrep_text::prepare(input, &|s| pack.is_abbreviation(s));
    let ix = pack.index(&text);
    let numbers = sitrep_numbers::find_numbers(&ix, pack);
    let got: Vec<(String, Option<String>)> = find_dates(&ix, pack, &numbers, published.and_then(Ymd::parse))
        .into_iter()
        .map(|d| (text.slice(d.span).to_string(), d.value))
        .collect();
    let expected: Vec<(String, Option<String>)> =
        expected.iter().map(|(t, v)| (t.to_string(), v.map(str::to_string))).collect();
    assert_eq!(got, expected, "dates in {input:?}");
}

#[test]
fn french_dates() {
    let p = Some("2022-09-13");
    check("fr", p, "tués mardi.", &[("mardi", Some("2022-09-13"))]);
    check("fr", p, "un cessez-le-feu mardi matin", &[("mardi matin", Some("2022-09-13TMO"))]);
    check("fr", p, "Hier soir, il a plu.", &[("Hier soir", Some("2022-09-12TEV"))]);
    check("fr", p, "le 13 septembre 2022", &[("le 13 septembre 2022", Some("2022-09-13"))]);
    check("fr", p, "le 1er mai", &[("le 1er mai", Some("2022-05-01"))]);
    check("fr", p, "en 2020 et depuis 1994", &[("2020", Some("2020")), ("1994", Some("1994"))]);
    check("fr", p, "une guerre de six semaines", &[("six semaines", Some("P6W"))]);
    check("fr", p, "l'an dernier", &[("l'an dernier", Some("2021"))]);
    check("fr", p, "le 31 février", &[("le 31 février", None)]);
    check("fr", None, "tués mardi.", &[("mardi", None)]);
}

#[test]
fn english_dates() {
    let p = Some("2022-09-13");
    check("en", p, "on Tuesday morning", &[("Tuesday morning", Some("2022-09-13TMO"))]);
    check("en", p, "on Sunday", &[("Sunday", Some("2022-09-11"))]);
    check("en", p, "September 13, 2022", &[("September 13, 2022", Some("2022-09-13"))]);
    check("en", p, "Jan. 27", &[("Jan. 27", Some("2022-01-27"))]);
    check("en", p, "yesterday", &[("yesterday", Some("2022-09-12"))]);
    check("en", p, "last week", &[("last week", Some("2022-W36"))]);
    check("en", p, "the 2020 war", &[("2020", Some("2020"))]);
    check("en", p, "it may rain", &[]);
}

/// Found by fuzzing (`crates/fuzz`): impossible days without a year, signed years, and
/// relative dates past year 9999 have no value.
#[test]
fn fuzz_regressions() {
    check("fr", None, "le 31 février", &[("le 31 février", None)]);
    check("fr", None, "le 29 février", &[("le 29 février", Some("XXXX-02-29"))]);
    check("en", Some("9999-12-31"), "tomorrow", &[("tomorrow", None)]);
    assert_eq!(Ymd::parse("-001-05-05"), None);
    // Impossible days are not dates, and their year is not read alone.
    check("en", None, "on 2022-02-30 and 32/13/2022", &[("2022-02-30", None), ("32/13/2022", None)]);
    check("fr", None, "le 30/02/2022", &[("30/02/2022", None)]);
    check("en", None, "on 31 February 2022", &[("31 February 2022", None)]);
    check("en", None, "call 504-471-2789", &[]);
    check(
        "en",
        None,
        "on 13/09/2018 and 09/13/2018",
        &[("13/09/2018", Some("2018-09-13")), ("09/13/2018", Some("2018-09-13"))],
    );
    assert_eq!(Ymd::parse("+999-01-01"), None);
    assert_eq!(Ymd::parse("2022-09-13T08:00"), Ymd::new(2022, 9, 13));
}
