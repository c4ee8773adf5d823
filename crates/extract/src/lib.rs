//! The extraction pipeline: one document in, one [`Analysis`] out.
//!
//! Stages, in order (each a pure function of the text, the language pack and the
//! earlier stages' output):
//!
//! 1. text preparation (`sitrep_text`): folding with alignment, tokens, sentences;
//!    language identification when the language is not given;
//! 2. numbers (`sitrep_numbers`), dates (`sitrep_dates`), places (`sitrep_geo`);
//! 3. [`actors`]: noun phrases naming states, forces, groups, people;
//! 4. [`claims`]: reported speech and attribution scopes;
//! 5. [`events`]: triggers, roles, status, date, location;
//! 6. [`casualties`]: tolls attached to events; [`quantities`];
//! 7. [`contradictions`] between claims.
//!
//! No I/O, no clock: the publication date is an input. Problems are reported as
//! diagnostics, never as panics or errors.

pub mod actors;
pub mod casualties;
pub mod claims;
pub mod contradictions;
pub mod cues;
pub mod events;
pub mod gate;
pub mod participants;
mod passes;
pub mod quantities;
mod quotes;
pub mod roles;
pub mod rules;

use sitrep_core::{
    Actor, Analysis, DateMention, Diagnostic, Document, EventDate, NumberMention, PlaceMention, Text, TokRange, Word,
};
use sitrep_dates::Ymd;
use sitrep_lexicon::LangPack;

/// The names of the trigger passes, in the order they run (`passes::PASSES`).
pub fn pass_names() -> Vec<&'static str> {
    passes::PASSES.iter().map(|p| p.0).collect()
}

/// Languages with a data pack (registered in the lexicon).
pub const SUPPORTED: &[&str] = sitrep_lexicon::LANGS;

/// Languages recognised (so that an unsupported one is named in a diagnostic).
static IDENTIFIED: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| sitrep_text::identifiable().chain(SUPPORTED.iter().copied()).collect());

/// The language assumed when none is identified (the pack whose settings say so).
fn fallback() -> Option<&'static str> {
    SUPPORTED
        .iter()
        .copied()
        .find(|c| sitrep_lexicon::lang_pack(c).is_some_and(|p| p.setting_is(sitrep_core::Setting::Fallback, "yes")))
}

/// Texts shorter than this (bytes) get the closed-word-class vote of
/// [`short_text_language`] before the trigram detector.
const SHORT_TEXT: usize = 600;

/// A short text's language by its words: the pack whose word lists (closed word classes,
/// date words, numbers, casualty and speech words, qualifiers, triggers) hold the most
/// of its words, when it leads every other pack by two words or more. Trigram statistics
/// guess wrong on a sentence or two ("Two soldiers were killed yesterday in Kidal." read
/// as German); the packs' own words do not. `None` for long texts and unclear votes.
fn short_text_language(text: &str) -> Option<&'static str> {
    if text.len() >= SHORT_TEXT {
        return None;
    }
    let folded = sitrep_text::fold_key(text);
    let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let mut votes: Vec<(usize, &'static str)> = SUPPORTED
        .iter()
        .filter_map(|c| sitrep_lexicon::lang_pack(c).map(|p| (c, p)))
        .map(|(c, p)| (words.iter().filter(|w| p.is_common_word(w)).count(), *c))
        .collect();
    votes.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    match votes.as_slice() {
        [(best, code), (second, _), ..] if *best >= second + 2 => Some(code),
        [(best, code)] if *best >= 2 => Some(code),
        _ => None,
    }
}

/// Analysis settings.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Force this language instead of detecting it.
    pub lang: Option<String>,
    /// Keep only events whose confidence is at least this (0 keeps every event).
    pub min_confidence: f32,
    /// Rules only: skip the learned event-or-not and typing decision (`gate`).
    pub no_gate: bool,
    /// Let the gate drop repeated event nouns it calls "not an event" (off by default:
    /// fusion pairs articles through those mentions; see `gate`).
    pub drop_repeats: bool,
}

impl Config {
    /// What made an analysis, as the store records it: this crate's version, the data
    /// packs' fingerprint, and every setting that differs from the default. Two analyses
    /// with the same identity are the same function of the text and its language hint
    /// (`lang`, a per-document input, is not part of it).
    pub fn identity(&self) -> String {
        let mut s = format!("sitrep {} data {}", env!("CARGO_PKG_VERSION"), sitrep_lexicon::DATA_FINGERPRINT);
        if self.min_confidence > 0.0 {
            s.push_str(&format!(" min-confidence={}", self.min_confidence));
        }
        if self.no_gate {
            s.push_str(" no-gate");
        }
        if self.drop_repeats {
            s.push_str(" drop-repeats");
        }
        s
    }
}

/// Everything the stages share for one document.
pub struct Ctx<'t, 'a> {
    pub text: &'t Text<'a>,
    /// Every table's forms at every token, found in one pass.
    pub ix: sitrep_lexicon::Index<'t>,
    pub pack: &'static LangPack,
    pub numbers: Vec<NumberMention>,
    pub dates: Vec<DateMention>,
    pub places: Vec<PlaceMention>,
    pub actors: Vec<Actor>,
    pub claims: Vec<claims::Claim>,
    pub cues: cues::Cues,
    /// Casualty words of the text (one list for the conflict-context test and the
    /// casualty stage).
    pub casualty_words: Vec<sitrep_lexicon::Match>,
    /// Year against which "historical" is judged (publication year, else the latest
    /// year the text mentions).
    pub ref_year: i32,
    pub default_date: EventDate,
    /// The country an article is about, when one clearly dominates: unnamed armies,
    /// governments, police and victims are taken to be its own.
    pub dominant: Option<&'static str>,
}

/// Documents longer than this are analysed in pieces cut at paragraph (else sentence,
/// else word) boundaries, so memory stays bounded on very large inputs.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Analyses one document.
pub fn analyze(doc: &Document, config: &Config) -> Analysis {
    if doc.text.len() <= CHUNK_BYTES {
        return analyze_one(doc, config);
    }
    let mut total = Analysis::default();
    let mut config = config.clone();
    let mut base = 0;
    for piece in chunks(&doc.text, CHUNK_BYTES) {
        let sub = Document { text: piece.to_string(), ..doc.clone() };
        let mut a = analyze_one(&sub, &config);
        if config.lang.is_none() {
            config.lang = a.lang.map(str::to_string);
        }
        shift(&mut a, base, total.events.len());
        total.lang = total.lang.or(a.lang);
        total.events.extend(a.events);
        total.quantities.extend(a.quantities);
        total.places.extend(a.places);
        total.dates.extend(a.dates);
        total.actors.extend(a.actors);
        total.quotes.extend(a.quotes);
        total.contradictions.extend(a.contradictions);
        for d in a.diagnostics {
            if !total.diagnostics.contains(&d) {
                total.diagnostics.push(d);
            }
        }
        base += piece.len();
    }
    total.diagnostics.push(Diagnostic::new(
        "input",
        format!("document of {} bytes analysed in pieces of at most {CHUNK_BYTES} bytes", doc.text.len()),
    ));
    total
}

/// Splits `text` into pieces of at most `max` bytes, each ending at a line break, a
/// sentence end or a space when one is found in the piece's second half.
pub fn chunks(text: &str, max: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while rest.len() > max {
        let mut cut = max;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let window = &rest[..cut];
        let half = cut / 2;
        let at = window
            .rfind('\n')
            .filter(|&i| i > half)
            .or_else(|| window.rfind(". ").filter(|&i| i > half).map(|i| i + 1))
            .or_else(|| window.rfind(' ').filter(|&i| i > half));
        let end = at.map_or(cut, |i| i + 1);
        out.push(&rest[..end]);
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Moves every span of `a` by `base` bytes and every event reference by `events`.
fn shift(a: &mut Analysis, base: usize, events: usize) {
    use sitrep_core::Span;
    let s = |x: &mut Span| {
        x.start += base;
        x.end += base;
    };
    fn actor(x: &mut Actor, base: usize) {
        x.span.start += base;
        x.span.end += base;
    }
    let date = |d: &mut EventDate| {
        if let Some(x) = d.span.as_mut() {
            x.start += base;
            x.end += base;
        }
    };
    for e in &mut a.events {
        s(&mut e.trigger);
        s(&mut e.evidence);
        date(&mut e.date);
        e.actors.iter_mut().chain(e.recipients.iter_mut()).chain(e.claimant.iter_mut()).for_each(|x| actor(x, base));
        if let Some(l) = e.location.as_mut() {
            s(&mut l.span);
        }
        for c in &mut e.casualties {
            s(&mut c.span);
            s(&mut c.evidence);
            date(&mut c.date);
            actor(&mut c.victims, base);
            c.perpetrator.iter_mut().chain(c.claimant.iter_mut()).for_each(|x| actor(x, base));
        }
    }
    for q in &mut a.quantities {
        s(&mut q.span);
        s(&mut q.evidence);
        date(&mut q.date);
        q.of.iter_mut().for_each(|x| actor(x, base));
    }
    a.places.iter_mut().for_each(|p| s(&mut p.span));
    a.actors.iter_mut().for_each(|x| actor(x, base));
    for q in &mut a.quotes {
        s(&mut q.span);
        q.speaker.iter_mut().for_each(|x| actor(x, base));
    }
    a.dates.iter_mut().for_each(|d| s(&mut d.span));
    for c in &mut a.contradictions {
        c.a.0 += events;
        c.b.0 += events;
    }
}

fn analyze_one(doc: &Document, config: &Config) -> Analysis {
    let mut analysis = Analysis::default();
    let diag = &mut analysis.diagnostics;
    if doc.text.trim().is_empty() {
        diag.push(Diagnostic::new("input", "empty text: nothing to analyse"));
        return analysis;
    }
    let requested = config.lang.clone().or_else(|| doc.lang.clone()).map(|l| l.to_ascii_lowercase());
    let lang = match requested {
        Some(l) => match SUPPORTED.iter().find(|s| **s == l) {
            Some(s) => Some(*s),
            None => {
                diag.push(Diagnostic::new(
                    "lang",
                    format!("no data pack for language {l:?}; supported: {}", SUPPORTED.join(", ")),
                ));
                return analysis;
            }
        },
        None => match short_text_language(&doc.text).or_else(|| sitrep_text::detect_language(&doc.text, &IDENTIFIED)) {
            Some(l) if SUPPORTED.contains(&l) => Some(l),
            Some(l) => {
                diag.push(Diagnostic::new(
                    "lang",
                    format!("detected language {l:?} has no data pack; supported: {}", SUPPORTED.join(", ")),
                ));
                return analysis;
            }
            None => {
                let f = fallback();
                diag.push(Diagnostic::new(
                    "lang",
                    format!(
                        "language not identified; assuming {}",
                        f.and_then(sitrep_lexicon::lang_pack)
                            .and_then(|p| p.setting(sitrep_core::Setting::Name))
                            .unwrap_or("-")
                    ),
                ));
                f
            }
        },
    };
    let Some(pack) = lang.and_then(sitrep_lexicon::lang_pack) else {
        return analysis;
    };
    analysis.lang = lang;
    let published = match doc.published.as_deref() {
        Some(p) => match Ymd::parse(p) {
            Some(d) => Some(d),
            None => {
                diag.push(Diagnostic::new(
                    "dates",
                    format!("publication date {p:?} is not YYYY-MM-DD: relative dates left unresolved"),
                ));
                None
            }
        },
        None => None,
    };
    let text = sitrep_text::prepare(&doc.text, &|s| pack.is_abbreviation(s));
    let ix = pack.index(&text);
    let mut numbers = sitrep_numbers::find_numbers(&ix, pack);
    numbers.retain(|n| {
        let sane = n.value <= sitrep_numbers::MAX_COUNT;
        // Said only for figures in digits ("9223372036854775807", "10^400"): "3.5 billion"
        // is an amount of money more often than a mistake.
        let written = doc.text.get(n.span.start..n.span.end).unwrap_or_default();
        if !sane && !written.chars().any(char::is_alphabetic) {
            let shown = if n.value == u64::MAX { "too large to represent".to_string() } else { n.value.to_string() };
            analysis.diagnostics.push(Diagnostic::new(
                "numbers",
                format!(
                    "figure {written:?} at bytes {}..{} ({shown}) is above 10^9: not read as a count",
                    n.span.start, n.span.end
                ),
            ));
        }
        sane
    });
    let dates = sitrep_dates::find_dates(&ix, pack, &numbers, published);
    for d in dates.iter().filter(|d| d.kind == sitrep_core::DateKind::Date && d.value.is_none()) {
        let shown = doc.text.get(d.span.start..d.span.end).unwrap_or_default();
        if shown.bytes().any(|b| b.is_ascii_digit()) {
            analysis.diagnostics.push(Diagnostic::new(
                "dates",
                format!("{shown:?} at bytes {}..{} is not a date (no such day): ignored", d.span.start, d.span.end),
            ));
        }
    }
    let places = sitrep_geo::find_places(&ix, pack);
    let actors = actors::find_actors(&ix, pack, &places);
    let dominant = dominant_country(&actors, &places);
    // A place inside an actor's name ("le ministère de la Défense", "Union européenne")
    // is not a place mention.
    let mut places = places;
    // A group located somewhere ("demonstrators in Baghdad") keeps its place.
    let locative = |k: usize| k > 0 && ix.is(k - 1, Word::Locative);
    let inside = Inside::new(actors.iter().filter(|a| a.sector.is_some()).map(|a| a.toks.clone()));
    places.retain(|p| {
        p.place.as_ref().is_some_and(|r| r.precision == "country")
            || locative(p.toks.start)
            || !inside.strictly(p.toks.clone())
    });
    let claims = claims::find_claims(&ix, pack, &actors);
    let cues = cues::Cues::find(&ix, pack);
    let casualty_words = ix.find_in_sentences(&pack.casualty);
    let ref_year = published.map(|p| p.y).or_else(|| dates.iter().filter_map(|d| d.year).max()).unwrap_or(i32::MAX);
    let default_date = events::published_date(published.map(|p| p.iso()).as_deref());
    let cx = Ctx {
        text: &text,
        ix,
        pack,
        numbers,
        dates,
        places,
        actors,
        claims,
        cues,
        casualty_words,
        ref_year,
        default_date,
        dominant,
    };

    let triggers = events::triggers(&cx);
    let mut evs = events::build(&cx, &triggers);
    let displaced = casualties::attach(&cx, &mut evs);
    rules::complete(&cx, &mut evs);
    events::drop_topics(&mut evs);
    events::recode_intent(&cx, &mut evs);
    evs.sort_by_key(|e| (e.trigger.start, e.trigger.end));
    events::fold_secondary(&mut evs);
    let mut evs = events::merge_duplicates(evs);
    evs.sort_by_key(|e| (e.trigger.start, e.trigger.end));
    participants::enforce(&text, &mut evs);
    // Quantities read the rules' events (a deployment's troops stay a quantity when the
    // gate drops the deployment as background).
    let mut quantities = quantities::find(&cx, &evs);
    if !config.no_gate {
        gate::apply(&doc.text, lang.unwrap_or_default(), config.drop_repeats, &mut evs);
    }
    if config.min_confidence > 0.0 {
        evs.retain(|e| e.confidence >= config.min_confidence);
    }
    quantities.extend(displaced);
    analysis.contradictions = contradictions::find(&evs);
    analysis.quotes = quotes::find(&cx);
    analysis.events = evs;
    analysis.quantities = quantities;
    let Ctx { places, dates, actors, .. } = cx;
    analysis.places = places;
    analysis.dates = dates;
    analysis.actors = actors;
    analysis
}

/// Token ranges, answering "does one of them strictly contain this range?" in
/// logarithmic time (a check of every place against every actor was quadratic in a
/// large document).
struct Inside {
    /// Starts, sorted.
    starts: Vec<usize>,
    /// `reach[i]`: the largest end among the first `i + 1` ranges by start.
    reach: Vec<usize>,
}

impl Inside {
    fn new(ranges: impl Iterator<Item = TokRange>) -> Inside {
        let mut v: Vec<TokRange> = ranges.collect();
        v.sort_by_key(|r| (r.start, r.end));
        let mut reach = Vec::with_capacity(v.len());
        let mut best = 0;
        for r in &v {
            best = best.max(r.end);
            reach.push(best);
        }
        Inside { starts: v.iter().map(|r| r.start).collect(), reach }
    }

    /// Whether some range covers `r` and is longer: it starts at or before `r` and ends
    /// after it, or starts before it and ends with it.
    fn strictly(&self, r: TokRange) -> bool {
        let reach = |n: usize| if n == 0 { 0 } else { self.reach[n - 1] };
        let at_or_before = self.starts.partition_point(|&s| s <= r.start);
        let before = self.starts.partition_point(|&s| s < r.start);
        reach(at_or_before) > r.end || reach(before) >= r.end.max(1)
    }
}

/// The items (sorted by start token) that start inside `range`.
pub(crate) fn starting_in<T>(items: &[T], start: impl Fn(&T) -> usize, range: TokRange) -> &[T] {
    let a = items.partition_point(|x| start(x) < range.start);
    let b = items.partition_point(|x| start(x) < range.end);
    &items[a..b.max(a)]
}

/// The country an article is about: the only one it names, or one named at least twice
/// as often as any other (places and actors together).
fn dominant_country(actors: &[Actor], places: &[PlaceMention]) -> Option<&'static str> {
    let mut counts: std::collections::BTreeMap<&'static str, u32> = Default::default();
    let place_countries = places.iter().filter_map(|p| p.place.as_ref().and_then(|r| r.country));
    for c in place_countries.chain(actors.iter().filter_map(|a| a.country)) {
        *counts.entry(c).or_default() += 1;
    }
    let mut v: Vec<_> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    match v.as_slice() {
        [(c, _)] => Some(*c),
        [(c, n), (_, m), ..] if *n >= 3 * *m => Some(*c),
        _ => None,
    }
}
