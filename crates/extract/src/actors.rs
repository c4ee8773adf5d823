//! Actors: who acts, is acted upon or speaks.
//!
//! Built from atoms found by the data packs — group nouns with a sector ("soldats",
//! "ministère", "rebels"), demonyms in all inflected forms, country names (from the
//! geoparser), metonyms ("le Kremlin"), organisations and people — composed into noun
//! phrases: "le ministère arménien de la Défense" → ARM GOV, "Azerbaijani forces" → AZE
//! MIL, "l'armée de l'Azerbaïdjan" → AZE MIL, "Le président russe Vladimir Poutine" →
//! Vladimir Putin, RUS GOV.

use sitrep_core::{Actor, Cue, PlaceMention, Sector, TokRange, Token, Word};
use sitrep_lexicon::{Index, LangPack, global};

#[derive(Clone, Debug)]
enum Atom {
    Noun {
        sector: Option<Sector>,
    },
    Demonym {
        country: &'static str,
    },
    Country {
        country: &'static str,
    },
    /// A city or region: only locates a group ("demonstrators in Baghdad"), never an
    /// actor by itself.
    Place {
        country: &'static str,
    },
    Named {
        name: &'static str,
        country: Option<&'static str>,
        sector: Option<Sector>,
        wikidata: Option<&'static str>,
    },
}

#[derive(Clone, Debug)]
struct Found {
    toks: TokRange,
    atom: Atom,
}

/// Finds actor mentions, sorted by position and non-overlapping.
pub fn find_actors(ix: &Index<'_>, pack: &LangPack, places: &[PlaceMention]) -> Vec<Actor> {
    let mut atoms = atoms(ix, pack, places);
    atoms.sort_by(|a, b| a.toks.start.cmp(&b.toks.start).then(b.toks.end.cmp(&a.toks.end)));
    // Drop atoms inside a longer one.
    let mut kept: Vec<Found> = Vec::new();
    for a in atoms {
        if kept.last().is_some_and(|k| a.toks.start < k.toks.end) {
            continue;
        }
        kept.push(a);
    }
    compose(ix, &kept, &|k| ix.word_is(&pack.cues, k, "cue", &[Cue::NamePart.as_str()]))
}

fn atoms(ix: &Index<'_>, pack: &LangPack, places: &[PlaceMention]) -> Vec<Found> {
    let text = ix.text();
    let mut out = Vec::new();
    for s in &text.sentences {
        let r = s.toks.clone();
        for m in ix.find(&pack.nouns, r.clone()) {
            let sector =
                pack.nouns.rows_of(&m).next().and_then(|row| pack.nouns.get(row, "sector")).and_then(Sector::parse);
            out.push(Found { toks: m.toks, atom: Atom::Noun { sector } });
        }
        for m in ix.find(&pack.demonyms, r.clone()) {
            if let Some(row) = pack.demonyms.rows_of(&m).next()
                && let Some(country) = pack.demonyms.get(row, "country")
            {
                out.push(Found { toks: m.toks, atom: Atom::Demonym { country } });
            }
        }
        for m in ix.find(&pack.actors, r.clone()) {
            if let Some(row) = pack.actors.rows_of(&m).next() {
                if !text.tokens[m.toks.clone()].iter().any(Token::may_be_name) {
                    continue;
                }
                out.push(Found {
                    toks: m.toks,
                    atom: Atom::Named {
                        name: pack.actors.get(row, "name").unwrap_or(row[0]),
                        country: pack.actors.get(row, "country"),
                        sector: pack.actors.get(row, "sector").and_then(Sector::parse),
                        wikidata: pack.actors.get(row, "wikidata"),
                    },
                });
            }
        }
        let g = global();
        for (table, is_org) in [(&g.organizations, true), (&g.people, false)] {
            for m in ix.find(table, r.clone()) {
                let original = text.slice(text.span(m.toks.clone()));
                let row = table.rows_of(&m).find(|row| {
                    let lang = table.get(row, "lang");
                    let lang_ok = matches!(lang, None | Some("*")) || lang == Some(pack.code);
                    // (`cs`: an acronym that is also a word matches only as written)
                    let cs_ok = !is_org || table.get(row, "flags") != Some("cs") || original == row[0];
                    lang_ok && cs_ok
                });
                let Some(row) = row else { continue };
                if !text.tokens[m.toks.clone()].iter().any(Token::may_be_name) {
                    continue;
                }
                out.push(Found {
                    toks: m.toks,
                    atom: Atom::Named {
                        name: table.get(row, "name").unwrap_or(row[0]),
                        country: table.get(row, "country"),
                        sector: table.get(row, "sector").and_then(Sector::parse),
                        wikidata: table.get(row, "wikidata"),
                    },
                });
            }
        }
    }
    for p in places {
        if let Some(r) = &p.place
            && let Some(c) = r.country
        {
            let atom = if r.precision == "country" { Atom::Country { country: c } } else { Atom::Place { country: c } };
            out.push(Found { toks: p.toks.clone(), atom });
        }
    }
    // "ethnic Albanians", "les Turcs ethniques": an ethnic group, not a nationality.
    let ethnic = |k: usize| ix.word_is(&pack.cues, k, "cue", &[Cue::Ethnic.as_str()]);
    for f in out.iter_mut() {
        if matches!(f.atom, Atom::Demonym { .. })
            && ((f.toks.start > 0 && ethnic(f.toks.start - 1)) || ethnic(f.toks.end))
        {
            f.atom = Atom::Noun { sector: Some(Sector::Cvl) };
        }
    }
    // "pro-Iranian Hizbollah", "an anti-Syria journalist": a stance, not a nationality.
    let stance = |k: usize| ix.word_is(&pack.cues, k, "cue", &[Cue::Stance.as_str()]);
    out.retain(|f| {
        let k = f.toks.start;
        !(matches!(f.atom, Atom::Demonym { .. } | Atom::Country { .. })
            && k >= 2
            && text.tok(k - 1) == "-"
            && !text.tokens[k].space_before
            && stance(k - 2))
    });
    out
}

/// Function words that may link the parts of one actor phrase.
fn is_link(ix: &Index<'_>, k: usize) -> bool {
    ix.is(k, Word::NameLink) || matches!(ix.text().tok(k), "'" | "-")
}

fn links_only(ix: &Index<'_>, from: usize, to: usize, max: usize) -> bool {
    to >= from && to - from <= max && (from..to).all(|k| is_link(ix, k))
}

/// `name_part(k)`: token `k` is a lower-case word that belongs to an institution's
/// name ("étrangères" in "ministère des Affaires étrangères").
fn compose(ix: &Index<'_>, atoms: &[Found], name_part: &dyn Fn(usize) -> bool) -> Vec<Actor> {
    let text = ix.text();
    let mut out: Vec<Actor> = Vec::new();
    let mut used = vec![false; atoms.len()];
    for i in 0..atoms.len() {
        if used[i] {
            continue;
        }
        used[i] = true;
        if matches!(atoms[i].atom, Atom::Place { .. }) {
            continue;
        }
        let mut toks = atoms[i].toks.clone();
        let mut actor = Actor::default();
        apply(&mut actor, &atoms[i].atom);
        // Absorb following atoms: "ministère arménien", "forces de l'Azerbaïdjan",
        // "président russe Vladimir Poutine", "Armenian defence ministry".
        let mut j = i + 1;
        while j < atoms.len() && !used[j] {
            // Links ("de la", "of the"), or up to two words before a head noun
            // ("Armenian defence ministry", "Taiwan's Vice Foreign Minister").
            let gap = toks.end..atoms[j].toks.start;
            let words = gap.clone().filter(|&k| !is_link(ix, k)).count();
            // "Opposition groups in Zimbabwe", "les rebelles au Mali": a group located in a
            // country is that country's.
            // (one word may stand between: "in south Serbia", "dans le nord du Mali").
            let possessed = toks.start > 0 && ix.is(toks.start - 1, Word::Possessive);
            let located = actor.sector.is_some()
                && actor.country.is_none()
                && !possessed
                && matches!(
                    atoms[j].atom,
                    Atom::Country { .. }
                        | Atom::Place { .. }
                        | Atom::Named { country: Some(_), sector: Some(Sector::Gov), .. }
                )
                && (atoms[j].toks.start == toks.end + 1 || atoms[j].toks.start == toks.end + 2)
                && ix.is(toks.end, Word::Locative);
            if matches!(atoms[j].atom, Atom::Place { .. }) && !located {
                break;
            }
            // "King Hassan of Morocco", "President Dos Santos of Angola": a title, a
            // name, then the country.
            let title_of = matches!(atoms[i].atom, Atom::Noun { .. })
                && j == i + 1
                && matches!(atoms[j].atom, Atom::Country { .. })
                && gap.len() >= 2
                && gap.len() <= 4
                && ix.is(atoms[j].toks.start - 1, Word::Of)
                && (gap.start..atoms[j].toks.start - 1).all(|k| text.tokens[k].cap);
            // After a country's name, lower-case words are a predicate ("Britain
            // mobilized reservists"), not modifiers, unless possessive ("Russia's defence
            // ministry").
            let predicate = matches!(atoms[i].atom, Atom::Country { .. })
                && !gap.clone().any(|k| ix.is(k, Word::Genitive))
                && gap.clone().any(|k| !is_link(ix, k) && !text.tokens[k].cap);
            let gap_ok = located
                || title_of
                || links_only(ix, toks.end, atoms[j].toks.start, 3)
                || (matches!(atoms[j].atom, Atom::Noun { .. })
                    && !predicate
                    && !matches!(atoms[i].atom, Atom::Noun { .. })
                    && gap.len() <= 4
                    && words <= 2
                    && gap.clone().all(|k| text.tokens[k].kind == sitrep_core::TokenKind::Word || is_link(ix, k)));
            let same_sentence = text.sentence_of(atoms[j].toks.start) == text.sentence_of(toks.start);
            if !gap_ok || !same_sentence || !compatible(&actor, &atoms[j].atom) {
                break;
            }
            match (&atoms[j].atom, located) {
                // "demonstrators in Baghdad": the capital only locates them.
                (Atom::Named { country, .. }, true) => actor.country = *country,
                (atom, _) => apply(&mut actor, atom),
            }
            toks.end = atoms[j].toks.end;
            used[j] = true;
            j += 1;
        }
        // "de la Défense", "des Affaires étrangères": capitalised complements.
        let sent_end = text.sentences[text.sentence_of(toks.start)].toks.end;
        let mut k = toks.end;
        while k < sent_end && is_link(ix, k) {
            k += 1;
        }
        if k > toks.end && k < sent_end && text.tokens[k].cap && actor.sector.is_some() {
            let mut e = k;
            while e < sent_end && (text.tokens[e].cap || (is_link(ix, e) && e + 1 < sent_end && text.tokens[e + 1].cap))
            {
                e += 1;
            }
            while e < sent_end && !text.tokens[e].cap && name_part(e) {
                e += 1;
            }
            // Stop short of the next atom (atoms are sorted and do not overlap).
            if atoms.get(j).is_none_or(|a| a.toks.start >= e) {
                toks.end = e;
            }
        }
        // A country named alone acts through its government ("L'Azerbaïdjan a déclaré").
        if actor.sector.is_none() && actor.name.is_none() && matches!(atoms[i].atom, Atom::Country { .. }) {
            actor.sector = Some(Sector::Gov);
        }
        actor.span = text.span(toks.clone());
        actor.toks = toks;
        out.push(actor);
    }
    distribute(ix, &mut out);
    out
}

/// "Armenian and Azerbaijani forces", "les forces arméniennes et azerbaïdjanaises": a
/// bare demonym coordinated with a phrase that has a head noun shares that noun's sector.
fn distribute(ix: &Index<'_>, actors: &mut [Actor]) {
    let text = ix.text();
    let bare = |a: &Actor| a.country.is_some() && a.sector.is_none() && a.name.is_none() && a.toks.len() == 1;
    for i in 0..actors.len().saturating_sub(1) {
        let (a, b) = (&actors[i], &actors[i + 1]);
        let conj = b.toks.start == a.toks.end + 1 && (ix.is(a.toks.end, Word::Conj) || text.tok(a.toks.end) == ",");
        if !conj {
            continue;
        }
        if bare(a) && b.country.is_some() && b.sector.is_some() {
            actors[i].sector = actors[i + 1].sector;
        } else if bare(b) && a.country.is_some() && a.sector.is_some() {
            actors[i + 1].sector = actors[i].sector;
        }
    }
}

/// Whether an atom can join the phrase built so far.
fn compatible(actor: &Actor, atom: &Atom) -> bool {
    match atom {
        // (a head noun with no sector of its own joins any phrase: "Afghan rebel leaders")
        Atom::Noun { sector } => sector.is_none() || actor.sector.is_none(),
        Atom::Demonym { country } | Atom::Country { country } | Atom::Place { country } => {
            actor.country.is_none_or(|c| c == *country)
        }
        Atom::Named { country, .. } => {
            actor.name.is_none() && (actor.country.is_none() || country.is_none() || actor.country == *country)
        }
    }
}

fn apply(actor: &mut Actor, atom: &Atom) {
    match atom {
        Atom::Noun { sector } => {
            if actor.sector.is_none() {
                actor.sector = *sector;
            }
        }
        Atom::Demonym { country } => actor.country = Some(country),
        Atom::Country { country } | Atom::Place { country } => actor.country = Some(country),
        Atom::Named { name, country, sector, wikidata } => {
            actor.name = Some(name.to_string());
            if country.is_some() {
                actor.country = *country;
            }
            if sector.is_some() {
                actor.sector = *sector;
            }
            actor.wikidata = *wikidata;
        }
    }
}
