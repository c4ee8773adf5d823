//! Data-pack checks: every row round-trips through its compiled fst, has the header's
//! column count, and uses only allowed codes.

use super::*;
use sitrep_core::{Cue, EventType, Mode, Pos, Sector, Setting, SpeechKind};

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
        for (i, row) in t.rows().enumerate() {
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
        let rows: Vec<&[&str]> = t.rows().collect();
        for (i, row) in rows.iter().enumerate() {
            for cell in *row {
                assert_eq!(*cell, cell.trim(), "{}: row {i} has a padded cell {cell:?}", t.name);
            }
            assert_eq!(row.len(), width, "{}: row {i} {:?} has {} columns, header has {width}", t.name, row, row.len());
        }
        for w in rows.windows(2) {
            assert!(w[0][0] <= w[1][0], "{}: rows not sorted at {:?} / {:?}", t.name, w[0][0], w[1][0]);
        }
    }
}

fn check_column(t: &Table, col: &str, allowed: &[&str]) {
    check_parsed(t, col, |v| allowed.contains(&v));
}

/// Every value of a column parses (`-` is empty).
fn check_parsed(t: &Table, col: &str, ok: impl Fn(&str) -> bool) {
    let Some(c) = t.col(col) else { panic!("{}: no column {col}", t.name) };
    for row in t.rows() {
        for v in row[c].split(',') {
            assert!(v == "-" || ok(v), "{}: {col} {v:?} is not allowed (row {:?})", t.name, row);
        }
    }
}

/// Every grammar word class the code asks for has forms in every pack, unless the pack
/// declares it has none (`none` in `settings.tsv`): a class missing by accident would
/// silently switch a rule off for that language.
#[test]
fn every_pack_has_every_word_class() {
    for code in LANGS {
        let p = lang_pack(code).unwrap();
        for w in Word::ALL {
            let has = p.grammar.rows().any(|r| Word::parse(r[1]) == Some(*w));
            assert!(
                has || p.lacks(*w),
                "{code}: grammar.tsv has no `{w}` form (declare it in settings `none` if the language has none)"
            );
            assert!(!(has && p.lacks(*w)), "{code}: `{w}` has forms but is declared `none`");
        }
        for s in Suffix::ALL {
            let declared_none = p.declares_none(s.as_str());
            let has = p.suffixes.rows().any(|r| Suffix::parse(r[1]) == Some(*s));
            assert!(has || declared_none, "{code}: suffixes.tsv has no `{s}` (or declare it in settings `none`)");
        }
        for r in p.grammar.rows() {
            assert_eq!(
                sitrep_text::fold_key(r[0]).split(' ').count(),
                1,
                "{code}: grammar form {:?} is not one word",
                r[0]
            );
        }
        for key in Setting::ALL.iter().filter(|k| !matches!(k, Setting::None | Setting::Clitics | Setting::Compounds)) {
            assert!(p.setting(*key).is_some(), "{code}: settings.tsv has no {key}");
        }
        for r in p.settings.rows() {
            assert!(Setting::parse(r[0]).is_some(), "{code}: unknown setting {:?}", r[0]);
        }
        assert!(matches!(p.setting(Setting::NounCompound), Some("modifier_head" | "head_modifier")));
        assert!(matches!(p.setting(Setting::NumericDate), Some("mdy" | "dmy")));
        assert!(matches!(p.setting(Setting::MonthCapitalised), Some("yes" | "no")));
        assert!(matches!(p.setting(Setting::Fallback), Some("yes" | "no")));
    }
    assert_eq!(LANGS.iter().filter(|c| lang_pack(c).unwrap().setting_is(Setting::Fallback, "yes")).count(), 1);
}

#[test]
fn codes_are_from_the_allowed_sets() {
    for code in LANGS {
        let p = lang_pack(code).unwrap();
        check_parsed(&p.triggers, "event_type", |v| EventType::parse(v).is_some());
        check_parsed(&p.triggers, "mode", |v| Mode::parse(v).is_some());
        check_parsed(&p.triggers, "pos", |v| Pos::parse(v).is_some());
        check_column(&p.triggers, "flags", &["two_sided", "weak", "infinitive", "party"]);
        check_column(&p.casualty, "kind", CASUALTY_KINDS);
        check_parsed(&p.nouns, "sector", |v| Sector::parse(v).is_some());
        check_column(&p.nouns, "number", &["sg", "pl"]);
        check_parsed(&p.speech, "kind", |v| SpeechKind::parse(v).is_some());
        check_column(&p.qualifiers, "qualifier", &["at_least", "more_than", "at_most", "approx", "range", "exact"]);
        check_column(&p.numbers, "qualifier", &["at_least", "more_than", "at_most", "approx", "range", "exact"]);
        check_parsed(&p.actors, "sector", |v| Sector::parse(v).is_some());
        check_parsed(&p.cues, "cue", |v| Cue::parse(v).is_some());
        check_parsed(&p.grammar, "class", |v| Word::parse(v).is_some());
        check_parsed(&p.suffixes, "class", |v| Suffix::parse(v).is_some());
        for row in p.demonyms.rows() {
            assert!(row[1].len() == 3 && row[1].chars().all(|c| c.is_ascii_uppercase()), "demonym {row:?}");
        }
    }
    check_parsed(&global().organizations, "sector", |v| Sector::parse(v).is_some());
    check_parsed(&global().people, "sector", |v| Sector::parse(v).is_some());
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

/// Rows split one by one from the build's row offsets are the rows the build numbered
/// (the fst's postings point at them by number).
#[test]
fn lazy_rows_are_the_parsed_rows() {
    for t in all_tables() {
        let (header, rows) = tsv::parse(t.content);
        assert_eq!(t.header(), header.as_slice(), "{}", t.name);
        assert_eq!(t.row_count(), rows.len(), "{}", t.name);
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(t.row(i), r.as_slice(), "{}: row {i}", t.name);
            assert_eq!(t.first_field(i), r[0], "{}: row {i}", t.name);
        }
        assert!(t.row(rows.len()).is_empty());
    }
}
