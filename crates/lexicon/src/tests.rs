//! Data-pack checks: every row round-trips through its compiled fst, has the header's
//! column count, and uses only allowed codes.

use super::*;

const EVENT_TYPES: &[&str] = &[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
];
const SECTORS: &[&str] = &[
    "GOV", "MIL", "REB", "CVL", "COP", "PKO", "OPP", "MED", "REF", "JUD", "LEG", "BUS", "EDU", "REL", "IGO", "NGO",
    "UAF", "CRM", "POL",
];
const CASUALTY_KINDS: &[&str] = &["killed", "injured", "missing", "captured", "displaced", "arrested"];

fn all_tables() -> Vec<&'static Table> {
    let mut v: Vec<&'static Table> = Vec::new();
    for code in LANGS {
        v.extend(lang_pack(code).unwrap().tables());
    }
    let g = global();
    v.extend([&g.organizations, &g.people, &g.place_names, &g.places]);
    v
}

#[test]
fn every_row_round_trips() {
    for t in all_tables() {
        if t.name == "gazetteer_places" {
            continue; // keyed by id, matched through names
        }
        for (i, row) in t.rows().iter().enumerate() {
            let key = sitrep_text::fold_key(row[0]);
            assert!(!key.is_empty(), "{}: row {i} has an empty form", t.name);
            assert!(t.lookup(&key).contains(&i), "{}: row {i} ({:?}) is not found by its form", t.name, row[0]);
        }
    }
}

#[test]
fn rows_have_the_header_width_and_are_sorted() {
    for t in all_tables() {
        let width = t.header().len();
        let rows = t.rows();
        for (i, row) in rows.iter().enumerate() {
            for cell in row {
                assert_eq!(*cell, cell.trim(), "{}: row {i} has a padded cell {cell:?}", t.name);
            }
            assert_eq!(row.len(), width, "{}: row {i} {:?} has {} columns, header has {width}", t.name, row, row.len());
        }
        for w in rows.windows(2) {
            assert!(w[0][0] <= w[1][0], "{}: rows not sorted at {:?} / {:?}", t.name, w[0][0], w[1][0]);
        }
    }
}

/// Every cue class some stage reads (a misspelt class would silently match nothing).
const CUE_CLASSES: &[&str] = &[
    "antecedent",
    "aux",
    "aux_sg",
    "cease",
    "clause",
    "compass",
    "condition",
    "conditional",
    "court",
    "det",
    "ethnic",
    "exchange",
    "future",
    "historical",
    "hypothetical",
    "labour",
    "light",
    "metaphor",
    "name_part",
    "negation",
    "prep",
    "prisoner",
    "pronoun",
    "pronoun_sg",
    "purpose",
    "sport",
    "stance",
    "toll",
    "unknown_toll",
];

fn check_column(t: &Table, col: &str, allowed: &[&str]) {
    let Some(c) = t.col(col) else { panic!("{}: no column {col}", t.name) };
    for row in t.rows() {
        for v in row[c].split(',') {
            assert!(v == "-" || allowed.contains(&v), "{}: {col} {v:?} is not allowed (row {:?})", t.name, row);
        }
    }
}

#[test]
fn codes_are_from_the_allowed_sets() {
    for code in LANGS {
        let p = lang_pack(code).unwrap();
        check_column(&p.triggers, "event_type", EVENT_TYPES);
        check_column(&p.triggers, "pos", &["V", "P", "N", "M"]);
        check_column(&p.triggers, "flags", &["two_sided", "weak", "infinitive", "party"]);
        check_column(&p.casualty, "kind", CASUALTY_KINDS);
        check_column(&p.nouns, "sector", SECTORS);
        check_column(&p.nouns, "number", &["sg", "pl"]);
        check_column(&p.speech, "kind", &["say", "say_that", "according", "hedge", "deny", "accuse"]);
        check_column(&p.qualifiers, "qualifier", &["at_least", "more_than", "at_most", "approx", "range", "exact"]);
        check_column(&p.numbers, "qualifier", &["at_least", "more_than", "at_most", "approx", "range", "exact"]);
        check_column(&p.actors, "sector", SECTORS);
        check_column(&p.cues, "cue", CUE_CLASSES);
        for row in p.demonyms.rows() {
            assert!(row[1].len() == 3 && row[1].chars().all(|c| c.is_ascii_uppercase()), "demonym {row:?}");
        }
    }
    check_column(&global().organizations, "sector", SECTORS);
    check_column(&global().people, "sector", SECTORS);
}

#[test]
fn place_names_point_at_places() {
    let g = global();
    for row in g.place_names.rows() {
        assert!(g.place(row[1]).is_some(), "name {:?} points at unknown place {}", row[0], row[1]);
    }
}

#[test]
fn finds_multiword_and_stem_forms() {
    let fr = lang_pack("fr").unwrap();
    let text =
        sitrep_text::prepare("Au moins 49 soldats ont été tués dans un bombardement.", &|s| fr.is_abbreviation(s));
    let q = fr.qualifiers.find(&text, 0..text.tokens.len());
    assert_eq!(q.first().map(|m| text.folded_of(m.toks.clone())), Some("au moins"));
    let c = fr.casualty.find(&text, 0..text.tokens.len());
    assert!(c.iter().any(|m| text.folded_of(m.toks.clone()) == "tues"));
}

#[test]
fn the_index_agrees_with_direct_walks() {
    assert_eq!(INDEXED_TABLES, LANG_FILES.len() + INDEXED_GLOBAL.len());
    for (lang, sample) in [
        (
            "fr",
            "Le ministère arménien de la Défense a déclaré qu'au moins 49 soldats avaient été tués dans un bombardement par les troupes azerbaïdjanaises à Erevan mardi.",
        ),
        (
            "en",
            "Russian forces shelled Kharkiv on Tuesday, killing at least 12 civilians and wounding dozens, the Ukrainian army said; peace talks in Istanbul stalled.",
        ),
    ] {
        index_agrees(lang, sample);
    }
}

fn index_agrees(lang: &str, sample: &str) {
    let pack = lang_pack(lang).unwrap();
    let text = sitrep_text::prepare(sample, &|s| pack.is_abbreviation(s));
    let ix = pack.index(&text);
    let all = 0..text.tokens.len();
    let g = global();
    for t in pack.tables().into_iter().chain([&g.organizations, &g.people, &g.place_names]) {
        assert_eq!(ix.find(t, all.clone()), t.find(&text, all.clone()), "{}", t.name);
        for i in all.clone() {
            assert_eq!(
                ix.longest_at(t, i, text.tokens.len()),
                t.longest_at(&text, i, text.tokens.len()),
                "{} at {i}",
                t.name
            );
            assert_eq!(ix.longest_at(t, i, i + 1), t.longest_at(&text, i, i + 1), "{} at {i} (short limit)", t.name);
        }
    }
}
