//! The learned decision on top of the rules: for each event the rules found, is it an
//! event a reader would report, and of which PLOVER type?
//!
//! A multinomial logistic regression over sparse features of the event: what the rules
//! decided (type, mode, status, ACLED sub-type, noun or verb trigger, the roles'
//! sectors, casualties, place, date, claimant), where it stands in the document (an
//! earlier event of the same type and status, its sentence, how crowded the sentence
//! is) and lexical features (the folded trigger and the words of its sentence, each
//! prefixed with the language, so one model serves every pack). The classes are the 16
//! PLOVER roots and `_` ("not an event": a background noun, a statement's topic, a
//! repeat of the sentence's or the document's main event, a sports or metaphorical use).
//!
//! The weights are data (`data/model/events.tsv`, written by `tools/train/events.py`,
//! which records its corpora, seed and held-out figures in `data/model/README.md`),
//! compiled into the binary and parsed once on first use. Inference is a sum over the
//! event's features, microseconds per event. What the model may change is bounded:
//! - with `Config::drop_repeats` (off by default), an event it calls `_` (not an event)
//!   is dropped when its trigger is a noun without a toll of its own that repeats an
//!   earlier kept event (same type and status, no country telling them apart), and what
//!   it adds (place, date, sides) moves to that event: tolls and clauses are never lost.
//!   Off by default because cross-article fusion pairs reports through such mentions
//!   (fusion_dev pairwise F1 0.232 → 0.179 with it on; pages_dev events 0.389 → 0.406);
//! - the type stays the rules' (retyping was measured and cost more than it gave, see
//!   `data/model/README.md`): the type head decides "not an event" and the confidence;
//! - the ACLED head sets the sub-type where it is at least `acled_at` sure (all 25
//!   ACLED sub-types, or none for events ACLED does not code); the training script
//!   ships it off (`acled_at` 2) until it beats the rules' sub-types clearly;
//! - the confidence becomes the model's probability of the type kept.
//!
//! Pure: no I/O; the same events give the same decisions.

use std::collections::HashMap;
use std::sync::OnceLock;

use sitrep_core::{Acled, Event, EventType};

/// The type head: one row per feature, `feature`, then one column per class (the 16
/// PLOVER roots and `_`, not an event).
const EVENTS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/model/events.tsv"));
/// The ACLED head: columns `Event type|Sub-event type` and `_` (none).
const ACLED: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/model/acled.tsv"));

/// The column of "not an event" / "no ACLED type".
const NO_CLASS: &str = "_";

/// One softmax layer over sparse features, read from a model file.
struct Head {
    /// Column names, in order; the last is [`NO_CLASS`].
    classes: Vec<&'static str>,
    weights: HashMap<&'static str, Vec<f32>>,
    /// `# name value` lines: the decision settings the training script chose.
    settings: Vec<(&'static str, f32)>,
}

impl Head {
    fn setting(&self, name: &str) -> f32 {
        // A setting the file lacks disables the decision it governs (2 > any probability).
        self.settings.iter().find(|(n, _)| *n == name).map_or(2.0, |(_, v)| *v)
    }

    fn none(&self) -> usize {
        self.classes.iter().position(|c| *c == NO_CLASS).unwrap_or(usize::MAX)
    }

    /// The class probabilities of one event's features.
    fn probabilities(&self, features: &[String]) -> Vec<f32> {
        let mut z = vec![0f32; self.classes.len()];
        for f in features {
            if let Some(w) = self.weights.get(f.as_str()) {
                for (zi, wi) in z.iter_mut().zip(w) {
                    *zi += wi;
                }
            }
        }
        let max = z.iter().copied().fold(f32::MIN, f32::max);
        let mut sum = 0.0;
        for zi in &mut z {
            *zi = (*zi - max).exp();
            sum += *zi;
        }
        for zi in &mut z {
            *zi /= sum;
        }
        z
    }
}

fn heads() -> &'static (Head, Head) {
    static M: OnceLock<(Head, Head)> = OnceLock::new();
    M.get_or_init(|| (parse(EVENTS), parse(ACLED)))
}

/// Reads a model file: `# name value` lines set decision settings; the header names the
/// columns; a row whose cells do not parse is skipped (the test `models_parse` checks
/// there is none).
fn parse(src: &'static str) -> Head {
    let mut h = Head { classes: Vec::new(), weights: HashMap::new(), settings: Vec::new() };
    for line in src.lines() {
        if let Some(setting) = line.strip_prefix("# ") {
            let mut it = setting.split_whitespace();
            if let (Some(n), Some(Ok(v))) = (it.next(), it.next().map(str::parse::<f32>)) {
                h.settings.push((n, v));
            }
            continue;
        }
        let mut cells = line.split('\t');
        let Some(feature) = cells.next() else { continue };
        if h.classes.is_empty() {
            h.classes = cells.collect();
            continue;
        }
        let w: Result<Vec<f32>, _> = cells.map(str::parse::<f32>).collect();
        if let Some(w) = w.ok().filter(|w| w.len() == h.classes.len()) {
            h.weights.insert(feature, w);
        }
    }
    h
}

/// The features of each event, in order (the training script reads them through the
/// `gate_features` example, so training and inference share this one function).
pub fn features(text: &str, lang: &str, events: &[Event]) -> Vec<Vec<String>> {
    let mut out = Vec::with_capacity(events.len());
    let sides: Vec<Sides> = events.iter().map(Sides::of).collect();
    for (k, e) in events.iter().enumerate() {
        let mut f: Vec<String> = Vec::with_capacity(32);
        let t = e.event_type.as_str();
        f.push("b".into());
        f.push(format!("t:{t}"));
        f.push(format!("s:{}", e.status.as_str()));
        f.push(format!("m:{}", e.mode.map_or("-", |m| m.as_str())));
        if let Some(a) = &e.acled {
            f.push(format!("ac:{}", a.sub_event_type));
        }
        let noun = if e.facts.noun { "n" } else { "v" };
        f.push(format!("pos:{noun}"));
        f.push(format!("t:{t}|pos:{noun}"));
        if e.facts.nonfinite {
            f.push("nonfinite".into());
        }
        if let Some(p) = e.planned {
            f.push(format!("planned:{}", p.as_str()));
        }
        roles(&mut f, "a0", &e.actors);
        roles(&mut f, "r0", &e.recipients);
        if e.two_sided {
            f.push("two_sided".into());
        }
        if e.claimant.is_some() {
            f.push("claimant".into());
        }
        if e.casualties.is_empty() {
            f.push(format!("t:{t}|nocas"));
        }
        for c in &e.casualties {
            f.push(format!("cas:{}", c.kind.as_str()));
            if c.count.is_some_and(|n| n >= 10) {
                f.push("cas:big".into());
            }
        }
        f.push(if e.location.is_some() { "loc".into() } else { "noloc".into() });
        if e.date.value.is_some() && e.date.span.is_some() {
            f.push("date".into());
        }
        if sides[..k].iter().any(|o| sides[k].repeats(o)) {
            f.push("dup".into());
            f.push(format!("t:{t}|dup|pos:{noun}"));
        }
        let trig = text.get(e.trigger.start..e.trigger.end).unwrap_or_default();
        let words = folded_words(trig);
        if !words.is_empty() {
            f.push(format!("w:{lang}:{}", words.join("_")));
            if let Some(last) = words.last() {
                f.push(format!("wl:{lang}:{last}"));
            }
        }
        out.push(f);
    }
    out
}

/// What tells two events apart, computed once per event: type and status, and the
/// countries of the sides and of the victims (the Armenian and the Azerbaijani dead of
/// one day's fighting are two events).
struct Sides {
    event_type: EventType,
    status: sitrep_core::Status,
    directed: bool,
    all: Vec<&'static str>,
    actors: Vec<&'static str>,
    recipients: Vec<&'static str>,
    victims: Vec<&'static str>,
}

impl Sides {
    fn of(e: &Event) -> Sides {
        fn countries<'a>(xs: impl Iterator<Item = &'a sitrep_core::Actor>) -> Vec<&'static str> {
            let mut v: Vec<&'static str> = xs.filter_map(|a| a.country).collect();
            v.sort_unstable();
            v.dedup();
            v
        }
        Sides {
            event_type: e.event_type,
            status: e.status,
            directed: !e.two_sided,
            all: countries(e.actors.iter().chain(&e.recipients)),
            actors: countries(e.actors.iter()),
            recipients: countries(e.recipients.iter()),
            victims: countries(e.casualties.iter().map(|c| &c.victims)),
        }
    }

    /// Whether the event may be a later mention of `o`'s: the same type and status, and
    /// no side or victims' country that tells them apart.
    fn repeats(&self, o: &Sides) -> bool {
        let apart = |a: &[&str], b: &[&str]| !a.is_empty() && !b.is_empty() && !a.iter().any(|x| b.contains(x));
        let directed = self.directed && o.directed;
        self.event_type == o.event_type
            && self.status == o.status
            && !apart(&self.all, &o.all)
            && !(directed && apart(&self.actors, &o.actors))
            && !(directed && apart(&self.recipients, &o.recipients))
            && !apart(&self.victims, &o.victims)
    }
}

fn roles(f: &mut Vec<String>, side: &str, actors: &[sitrep_core::Actor]) {
    if actors.is_empty() {
        f.push(format!("{side}:none"));
        return;
    }
    let mut sectors: Vec<&str> = actors.iter().map(|a| a.sector.map_or("-", |s| s.as_str())).collect();
    sectors.sort_unstable();
    sectors.dedup();
    for s in sectors {
        f.push(format!("{side}:{s}"));
    }
    if actors.iter().any(|a| a.country.is_some()) {
        f.push(format!("{side}:country"));
    }
    if actors.iter().all(|a| a.inferred) {
        f.push(format!("{side}:inferred"));
    }
}

/// Lower-cased, accent-folded words (letters and digits), as the packs fold them.
fn folded_words(s: &str) -> Vec<String> {
    let (folded, _) = sitrep_text::fold(s);
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !w.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

/// Applies the model to the rules' events (sorted by trigger): drops repeated event nouns
/// when `drop_repeats` is set, sets the ACLED sub-type where it is sure, and sets each
/// kept event's confidence.
pub fn apply(text: &str, lang: &str, drop_repeats: bool, events: &mut Vec<Event>) {
    let (types, acled) = heads();
    if types.weights.is_empty() || events.is_empty() {
        return;
    }
    let (drop_at, acled_at) = (types.setting("drop_at"), acled.setting("acled_at"));
    let none = types.none();
    let class = |t: EventType| types.classes.iter().position(|c| *c == t.as_str());
    let feats = features(text, lang, events);
    let mut keep = vec![true; events.len()];
    for (k, f) in feats.iter().enumerate() {
        let p = types.probabilities(f);
        // Only a noun without a toll of its own may go ("the fighting", "the attack" told
        // again), and only as a repeat of an earlier kept event: a verb is a clause of its
        // own, and a toll stays where it was read, as fusion's evidence (dropping verbs
        // and moving tolls cost the seed an event and gvdb_dev's clustering 0.11
        // pairwise F1).
        let droppable = drop_repeats
            && events[k].facts.noun
            && events[k].casualties.is_empty()
            && p.get(none).is_some_and(|&q| q >= drop_at);
        // The events kept so far may have taken a repeat's sides: read them as they are now.
        let target = || {
            let this = Sides::of(&events[k]);
            (0..k).rev().find(|&j| keep[j] && this.repeats(&Sides::of(&events[j])))
        };
        if let Some(j) = droppable.then(target).flatten() {
            // What the repeat adds stays, on the event it repeats: the place, the date or
            // the sides that event lacks (fusion pairs articles by them).
            let (before, after) = events.split_at_mut(k);
            let (into, from) = (&mut before[j], &after[0]);
            if into.location.is_none() {
                into.location.clone_from(&from.location);
            }
            if into.date.span.is_none() && from.date.span.is_some() {
                into.date.clone_from(&from.date);
            }
            if into.actors.is_empty() {
                into.actors.clone_from(&from.actors);
            }
            if into.recipients.is_empty() {
                into.recipients.clone_from(&from.recipients);
            }
            keep[k] = false;
            continue;
        }
        let e = &mut events[k];
        if let Some(c) = class(e.event_type) {
            e.confidence = p[c].clamp(0.0, 1.0);
        }
        if !acled.weights.is_empty() {
            let q = acled.probabilities(f);
            let best = (0..q.len()).max_by(|&a, &b| q[a].total_cmp(&q[b]).then(b.cmp(&a)));
            if let Some(i) = best.filter(|&i| q[i] >= acled_at) {
                e.acled = acled.classes[i]
                    .split_once('|')
                    .map(|(event_type, sub_event_type)| Acled { event_type, sub_event_type });
            }
        }
    }
    let mut k = 0;
    events.retain(|_| {
        k += 1;
        keep[k - 1]
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_parse() {
        for (name, src) in [("events.tsv", EVENTS), ("acled.tsv", ACLED)] {
            let h = parse(src);
            let rows = src.lines().filter(|l| !l.starts_with('#')).count().saturating_sub(1);
            assert_eq!(h.weights.len(), rows, "every row of data/model/{name} parses");
            assert_eq!(h.classes.last(), Some(&NO_CLASS), "{name}: the last column is {NO_CLASS}");
        }
        let (types, acled) = heads();
        for c in &types.classes[..types.classes.len() - 1] {
            assert!(EventType::parse(c).is_some(), "events.tsv: {c} is not a PLOVER root");
        }
        for c in &acled.classes[..acled.classes.len() - 1] {
            assert!(c.split_once('|').is_some(), "acled.tsv: {c} is not `type|sub-type`");
        }
        assert!((0.0..=2.0).contains(&types.setting("drop_at")), "drop_at");
    }

    #[test]
    fn probabilities_sum_to_one() {
        let (types, _) = heads();
        let p = types.probabilities(&["b".to_string(), "t:ASSAULT".to_string()]);
        let sum: f32 = p.iter().sum();
        assert!((sum - 1.0).abs() < 1e-4);
    }
}
