use super::*;

/// `(value, qualifier, text)` of every number found in `input`.
fn check(lang: &str, input: &str, expected: &[(u64, &str, &str)]) {
    let pack = sitrep_lexicon::lang_pack(lang).unwrap();
    let text = sitrep_text::prepare(input, &|s| pack.is_abbreviation(s));
    let got: Vec<(u64, &str, &str)> = find_numbers(&pack.index(&text), pack)
        .iter()
        .filter(|m| {
            !(m.value == 1
                && m.qualifier == Qualifier::Exact
                && m.toks.len() == 1
                && !text.tok(m.toks.start).starts_with('1'))
        })
        .map(|m| (m.value, m.qualifier.as_str(), text.slice(m.span)))
        .collect();
    assert_eq!(got, expected, "numbers in {input:?}");
}

#[test]
fn french_digits_words_and_qualifiers() {
    check("fr", "au moins 49 soldats", &[(49, "at_least", "au moins 49")]);
    check("fr", "plus de 6\u{202F}600 personnes", &[(6600, "more_than", "plus de 6\u{202F}600")]);
    check("fr", "quelque 2 000 soldats", &[(2000, "approx", "quelque 2 000")]);
    check("fr", "1,5 million de déplacés", &[(1_500_000, "exact", "1,5 million")]);
    check("fr", "quarante-neuf soldats", &[(49, "exact", "quarante-neuf")]);
    check("fr", "quatre-vingt-dix-sept blessés", &[(97, "exact", "quatre-vingt-dix-sept")]);
    check("fr", "vingt et un civils", &[(21, "exact", "vingt et un")]);
    check("fr", "une cinquantaine de morts", &[(50, "approx", "une cinquantaine")]);
    check("fr", "des dizaines de blessés", &[(20, "at_least", "dizaines")]);
    check("fr", "entre 10 et 15 morts", &[(10, "range", "entre 10 et 15")]);
}

#[test]
fn english_digits_words_and_qualifiers() {
    check("en", "at least 49 soldiers", &[(49, "at_least", "at least 49")]);
    check("en", "more than 6,600 people", &[(6600, "more_than", "more than 6,600")]);
    check("en", "ninety-nine people", &[(99, "exact", "ninety-nine")]);
    check("en", "one hundred and twenty-five", &[(125, "exact", "one hundred and twenty-five")]);
    check("en", "dozens of people", &[(24, "at_least", "dozens of")]);
    check("en", "in 2020 the war", &[(2020, "exact", "2020")]);
}

#[test]
fn years_are_marked() {
    let pack = sitrep_lexicon::lang_pack("en").unwrap();
    let text = sitrep_text::prepare("In 2020, 2,000 troops.", &|s| pack.is_abbreviation(s));
    let n = find_numbers(&pack.index(&text), pack);
    assert!(n[0].year_like);
    assert_eq!(n[1].value, 2000);
    assert!(!n[1].year_like);
}

#[test]
fn huge_numbers_do_not_overflow() {
    let pack = sitrep_lexicon::lang_pack("en").unwrap();
    let text = sitrep_text::prepare(
        "million million million million million million million million people and 99999999999999999999999 more",
        &|s| pack.is_abbreviation(s),
    );
    let n = find_numbers(&pack.index(&text), pack);
    assert!(!n.is_empty());
}

/// Found by fuzzing (`crates/fuzz`): a range written high to low keeps low <= high.
#[test]
fn reversed_ranges() {
    for (lang, input) in [("fr", "entre 50 et 10 morts"), ("en", "between 50 and 10 dead")] {
        let pack = sitrep_lexicon::lang_pack(lang).unwrap();
        let text = sitrep_text::prepare(input, &|s| pack.is_abbreviation(s));
        let m = find_numbers(&pack.index(&text), pack);
        let r = m.iter().find(|m| m.qualifier == Qualifier::Range).expect(input);
        assert_eq!((r.low, r.high), (Some(10), Some(50)), "{input}");
    }
}
