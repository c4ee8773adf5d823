//! Invariant checks shared by the targets. Each one panics (with a message naming what
//! broke) when its invariant does not hold.

use serde_json::Value;
use sitrep_core::{Actor, Analysis, DateKind, DateMention, EventDate, NumberMention, Precision, Qualifier, Span, Text};

/// Checks that byte spans are in bounds of one text and start and end on char boundaries.
pub struct Spans<'a> {
    text: &'a str,
}

impl<'a> Spans<'a> {
    pub fn new(text: &'a str) -> Self {
        Spans { text }
    }

    /// `start <= end <= text.len()`, both ends on char boundaries.
    pub fn check(&self, s: Span, what: &str) {
        let t = self.text;
        assert!(
            s.start <= s.end && s.end <= t.len() && t.is_char_boundary(s.start) && t.is_char_boundary(s.end),
            "{what}: byte span {}..{} is not a char-aligned range of the text ({} bytes)",
            s.start,
            s.end,
            t.len()
        );
    }

    /// As [`Spans::check`], and not empty.
    pub fn check_nonempty(&self, s: Span, what: &str) {
        self.check(s, what);
        assert!(s.start < s.end, "{what}: empty span {}..{}", s.start, s.end);
    }

    pub fn actor(&self, a: &Actor, what: &str) {
        self.check(a.span, what);
        assert!(a.toks.start <= a.toks.end, "{what}: token range {:?} reversed", a.toks);
        country(a.country, what);
    }

    pub fn event_date(&self, d: &EventDate, what: &str) {
        if let Some(s) = d.span {
            self.check(s, what);
        }
        if let Some(v) = &d.value {
            date_value(v, None, d.precision, what);
        }
    }

    /// Every byte span an [`Analysis`] holds, plus the record-level invariants that do not
    /// need the JSON (statuses, qualifiers, bounds, contradiction references).
    pub fn analysis(&self, a: &Analysis) {
        for (i, e) in a.events.iter().enumerate() {
            let w = |f: &str| format!("events[{i}].{f}");
            self.check(e.trigger, &w("trigger"));
            self.check(e.evidence, &w("evidence"));
            self.event_date(&e.date, &w("date"));
            e.actors.iter().for_each(|x| self.actor(x, &w("actors[]")));
            e.recipients.iter().for_each(|x| self.actor(x, &w("recipients[]")));
            e.claimant.iter().for_each(|x| self.actor(x, &w("claimant")));
            if let Some(p) = &e.location {
                self.check(p.span, &w("location"));
            }
            assert!((0.0..=1.0).contains(&e.confidence), "events[{i}]: confidence {} outside [0, 1]", e.confidence);
            for (k, c) in e.casualties.iter().enumerate() {
                let w = |f: &str| format!("events[{i}].casualties[{k}].{f}");
                self.check(c.span, &w("span"));
                self.check(c.evidence, &w("evidence"));
                self.event_date(&c.date, &w("date"));
                self.actor(&c.victims, &w("victims"));
                c.perpetrator.iter().for_each(|x| self.actor(x, &w("perpetrator")));
                c.claimant.iter().for_each(|x| self.actor(x, &w("claimant")));
                if let (Some(lo), Some(hi)) = (c.low, c.high) {
                    assert!(lo <= hi, "events[{i}].casualties[{k}]: low {lo} > high {hi}");
                }
            }
        }
        for (i, q) in a.quantities.iter().enumerate() {
            let w = |f: &str| format!("quantities[{i}].{f}");
            self.check(q.span, &w("span"));
            self.check(q.evidence, &w("evidence"));
            self.event_date(&q.date, &w("date"));
            q.of.iter().for_each(|x| self.actor(x, &w("of")));
        }
        for (i, p) in a.places.iter().enumerate() {
            self.check_nonempty(p.span, &format!("places[{i}]"));
            if let Some(r) = &p.place {
                country(r.country, &format!("places[{i}]"));
                assert!(r.lat.is_none_or(|x| (-90.0..=90.0).contains(&x)), "places[{i}]: latitude {:?}", r.lat);
                assert!(r.lon.is_none_or(|x| (-180.0..=180.0).contains(&x)), "places[{i}]: longitude {:?}", r.lon);
                assert!(
                    matches!(r.precision, "point" | "city" | "region" | "country"),
                    "places[{i}]: precision {:?}",
                    r.precision
                );
            }
        }
        for (i, d) in a.dates.iter().enumerate() {
            self.date_mention(d, &format!("dates[{i}]"));
        }
        a.actors.iter().enumerate().for_each(|(i, x)| self.actor(x, &format!("actors[{i}]")));
        for (i, q) in a.quotes.iter().enumerate() {
            self.check(q.span, &format!("quotes[{i}]"));
            q.speaker.iter().for_each(|x| self.actor(x, &format!("quotes[{i}].speaker")));
        }
        for (i, c) in a.contradictions.iter().enumerate() {
            for r in [c.a, c.b] {
                let ok = a.events.get(r.0).is_some_and(|e| r.1 < e.casualties.len());
                assert!(ok, "contradictions[{i}]: reference {r:?} names no casualty");
            }
        }
    }

    /// A date mention: non-empty span, and a value of the TimeML grammar that agrees with
    /// its kind and precision.
    pub fn date_mention(&self, d: &DateMention, what: &str) {
        self.check_nonempty(d.span, what);
        assert!(d.toks.start < d.toks.end, "{what}: empty token range {:?}", d.toks);
        if let Some(v) = &d.value {
            date_value(v, Some(d.kind), d.precision, what);
            let dated = d.kind == DateKind::Date
                && matches!(d.precision, Some(Precision::Day | Precision::Month | Precision::Year))
                && !v.starts_with("XXXX");
            if dated {
                let y: Option<i32> = v.get(..4).and_then(|y| y.parse().ok());
                assert_eq!(d.year, y, "{what}: year {:?} disagrees with value {v:?}", d.year);
            }
        }
    }

    /// A number mention: non-empty span, bounds as its qualifier implies.
    pub fn number(&self, n: &NumberMention, what: &str) {
        self.check_nonempty(n.span, what);
        assert!(n.toks.start < n.toks.end, "{what}: empty token range {:?}", n.toks);
        let v = Some(n.value);
        let (lo, hi) = (n.low, n.high);
        let ok = match n.qualifier {
            Qualifier::Exact => lo == v && hi == v,
            Qualifier::AtLeast | Qualifier::MoreThan => lo == v && hi.is_none(),
            Qualifier::AtMost => lo.is_none() && hi == v,
            Qualifier::Approx => lo.is_none() && hi.is_none(),
            // "entre 10 et 15": the bounds in order, the stated value one of them.
            Qualifier::Range => lo.is_some() && (lo == v || hi == v) && (hi.is_none() || lo <= hi),
        };
        assert!(ok, "{what}: {:?} {} with low {lo:?} high {hi:?}", n.qualifier, n.value);
    }

    /// The prepared text: alignment map, tokens and sentences consistent with each other.
    pub fn text(&self, t: &Text<'_>) {
        let (f, o) = (&t.folded, self.text);
        assert_eq!(t.map.len(), f.len() + 1, "Text.map has {} entries for {} folded bytes", t.map.len(), f.len());
        assert_eq!(t.map.last().map(|x| *x as usize), Some(o.len()), "Text.map does not end at the text's length");
        let mut prev = 0usize;
        for (i, &m) in t.map.iter().enumerate() {
            let m = m as usize;
            assert!(m >= prev && m <= o.len() && o.is_char_boundary(m), "Text.map[{i}] = {m} (previous {prev})");
            prev = m;
        }
        let mut prev_end = 0usize;
        for (i, k) in t.tokens.iter().enumerate() {
            let (a, b) = (k.start as usize, k.end as usize);
            assert!(
                prev_end <= a && a < b && b <= f.len() && f.is_char_boundary(a) && f.is_char_boundary(b),
                "token {i} at folded {a}..{b} (previous end {prev_end}, folded length {})",
                f.len()
            );
            prev_end = b;
        }
        let mut next = 0usize;
        for (i, s) in t.sentences.iter().enumerate() {
            assert!(
                s.toks.start == next && s.toks.start < s.toks.end,
                "sentence {i} covers tokens {:?}, expected to start at {next}",
                s.toks
            );
            next = s.toks.end;
        }
        assert_eq!(next, t.tokens.len(), "sentences cover {next} of {} tokens", t.tokens.len());
    }
}

/// ISO 3166-1 alpha-3 (three upper-case ASCII letters) when present.
pub fn country(c: Option<&str>, what: &str) {
    if let Some(c) = c {
        assert!(c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()), "{what}: country {c:?} is not alpha-3");
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// Whether `s` is `YYYY-MM-DD` (four-digit year) naming a real day.
pub fn is_ymd(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    match (digits(&s[..4], 4), digits(&s[5..7], 2), digits(&s[8..], 2)) {
        (Some(y), Some(m), Some(d)) => sitrep_dates::Ymd::new(y as i32, m, d).is_some(),
        _ => false,
    }
}

/// `XXXX-MM-DD`: a day of a month in some year (so at most the 29th of February).
fn is_yearless_day(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("XXXX-") else { return false };
    let b = rest.as_bytes();
    if b.len() != 5 || b[2] != b'-' {
        return false;
    }
    match (digits(&rest[..2], 2), digits(&rest[3..], 2)) {
        (Some(m), Some(d)) => sitrep_dates::Ymd::new(2000, m, d).is_some(),
        _ => false,
    }
}

/// The shapes a date value can take (TimeML, as `sitrep_dates` writes them) and the
/// precision each one implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// `YYYY-MM-DD`, `XXXX-MM-DD`.
    Day,
    /// `YYYY-Www`.
    Week,
    /// `YYYY-MM`.
    Month,
    /// `YYYY`.
    Year,
    /// `YYYY-MM-DDTMO` (a part of day).
    Time,
    /// `P6W`, `PT3H`, `PXD`.
    Duration,
    /// `PRESENT_REF`, `PAST_REF`, `FUTURE_REF`.
    Reference,
    /// `2022-SU`, `XXXX-WI`.
    Season,
}

fn shape(v: &str) -> Option<Shape> {
    let year = |s: &str| digits(s, 4).is_some();
    if matches!(v, "PRESENT_REF" | "PAST_REF" | "FUTURE_REF") {
        return Some(Shape::Reference);
    }
    if let Some(rest) = v.strip_prefix('P') {
        let (time, rest) = match rest.strip_prefix('T') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let n = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (amount, unit) = rest.split_at(if n == 0 && rest.starts_with('X') { 1 } else { n });
        let unit_ok = if time {
            matches!(unit, "H" | "M" | "S")
        } else {
            matches!(unit, "Y" | "Q" | "M" | "W" | "D" | "DE" | "CE" | "ML" | "WE")
        };
        return (!amount.is_empty() && unit_ok).then_some(Shape::Duration);
    }
    if let Some((day, part)) = v.split_once('T') {
        let ok = is_ymd(day) && matches!(part, "MO" | "MI" | "AF" | "EV" | "NI" | "DT");
        return ok.then_some(Shape::Time);
    }
    if is_ymd(v) || is_yearless_day(v) {
        return Some(Shape::Day);
    }
    let (y, rest) = v.split_at_checked(4)?;
    if !(year(y) || y == "XXXX") {
        return None;
    }
    if rest.is_empty() {
        return year(y).then_some(Shape::Year);
    }
    let rest = rest.strip_prefix('-')?;
    if matches!(rest, "SP" | "SU" | "FA" | "WI") {
        return Some(Shape::Season);
    }
    if !year(y) {
        return None;
    }
    if let Some(w) = rest.strip_prefix('W') {
        return digits(w, 2).filter(|w| (1..=53).contains(w)).map(|_| Shape::Week);
    }
    digits(rest, 2).filter(|m| (1..=12).contains(m)).map(|_| Shape::Month)
}

/// Whether a value can only come from a relative expression resolved against the
/// publication date (a week, a part of a day).
pub fn needs_publication(v: &str) -> bool {
    matches!(shape(v), Some(Shape::Week | Shape::Time))
}

/// A date value: one of the TimeML shapes `sitrep_dates` produces, agreeing with the
/// mention's kind (when known) and precision.
pub fn date_value(v: &str, kind: Option<DateKind>, precision: Option<Precision>, what: &str) {
    let Some(s) = shape(v) else { panic!("{what}: date value {v:?} has no known shape") };
    let expected: &[Option<Precision>] = match s {
        Shape::Day | Shape::Time => &[Some(Precision::Day)],
        Shape::Week => &[Some(Precision::Week)],
        Shape::Month => &[Some(Precision::Month)],
        Shape::Year => &[Some(Precision::Year)],
        Shape::Duration | Shape::Reference | Shape::Season => &[None],
    };
    assert!(expected.contains(&precision), "{what}: value {v:?} ({s:?}) with precision {precision:?}");
    if let Some(k) = kind {
        let ok = match k {
            DateKind::Duration => s == Shape::Duration,
            DateKind::Time => s == Shape::Time,
            DateKind::Date => !matches!(s, Shape::Duration | Shape::Time),
            DateKind::Set => false,
        };
        assert!(ok, "{what}: value {v:?} ({s:?}) for a mention of type {}", k.as_str());
    }
}

/// Walks a JSON record: every object with integer `start` and `end` is a code-point range
/// of `chars` whose `text` (when present) is exactly those characters.
pub fn json_spans(v: &Value, chars: &[char], path: &mut String) {
    match v {
        Value::Object(o) => {
            if let (Some(s), Some(e)) = (o.get("start").and_then(Value::as_u64), o.get("end").and_then(Value::as_u64)) {
                let (s, e) = (s as usize, e as usize);
                assert!(s <= e && e <= chars.len(), "{path}: span {s}..{e} outside the text ({} chars)", chars.len());
                if let Some(t) = o.get("text").and_then(Value::as_str) {
                    let want: String = chars[s..e].iter().collect();
                    assert_eq!(t, want, "{path}: span {s}..{e} text differs from the document's characters");
                }
            }
            for (k, x) in o {
                let len = path.len();
                path.push('.');
                path.push_str(k);
                json_spans(x, chars, path);
                path.truncate(len);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                json_spans(x, chars, path);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// The field `k` of a JSON object as a string, if it is one.
pub fn str_of<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

/// An array field of a JSON object (empty when absent).
pub fn list<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        for (v, s) in [
            ("2022-09-13", Shape::Day),
            ("XXXX-02-29", Shape::Day),
            ("2022-W37", Shape::Week),
            ("2022-09", Shape::Month),
            ("2022", Shape::Year),
            ("2022-09-13TMO", Shape::Time),
            ("P6W", Shape::Duration),
            ("PT48H", Shape::Duration),
            ("PXD", Shape::Duration),
            ("P1WE", Shape::Duration),
            ("PRESENT_REF", Shape::Reference),
            ("XXXX-SU", Shape::Season),
            ("2021-WI", Shape::Season),
        ] {
            assert_eq!(shape(v), Some(s), "{v}");
        }
        for v in [
            "XXXX-02-31",
            "2022-02-29",
            "-001-01-01",
            "10000",
            "2022-13",
            "2022-W54",
            "P",
            "PT3D",
            "P3",
            "XXXX",
            "2022-09-13TXX",
            "",
            "é",
        ] {
            assert_eq!(shape(v), None, "{v}");
        }
    }
}
