//! The record as one line of JSON, written directly: the same bytes as serde_json's
//! `to_string` of the `#[derive(Serialize)]` structs (keys in field order, the same
//! string escapes, the same float format), at a fraction of the cost, since the JSON
//! record was about a tenth of `extract`'s time. The serde path still writes the
//! indented form and JSON values; a test compares the two on every example article.

use crate::{
    AcledOut, ActorOut, CasualtyOut, ContradictionOut, DateMentionOut, DateOut, DiagnosticOut, DocOut, EventOut,
    PlaceOut, QuantityOut, QuoteOut, Record, SpanOut, VictimsOut,
};

/// A JSON object or array being written: commas between members.
struct W<'b> {
    out: &'b mut Vec<u8>,
    first: bool,
}

impl W<'_> {
    fn key(&mut self, k: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        self.out.push(b'"');
        self.out.extend_from_slice(k.as_bytes()); // keys are plain ASCII names
        self.out.extend_from_slice(b"\":");
    }

    fn str(&mut self, k: &str, v: &str) {
        self.key(k);
        string(self.out, v);
    }

    fn opt_str(&mut self, k: &str, v: Option<&str>) {
        self.key(k);
        match v {
            Some(v) => string(self.out, v),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn u64(&mut self, k: &str, v: u64) {
        self.key(k);
        self.out.extend_from_slice(itoa::Buffer::new().format(v).as_bytes());
    }

    fn opt_u64(&mut self, k: &str, v: Option<u64>) {
        match v {
            Some(v) => self.u64(k, v),
            None => self.null(k),
        }
    }

    fn f64(&mut self, k: &str, v: f64) {
        self.key(k);
        float(self.out, v);
    }

    fn opt_f64(&mut self, k: &str, v: Option<f64>) {
        self.key(k);
        match v {
            Some(v) => float(self.out, v),
            None => self.out.extend_from_slice(b"null"),
        }
    }

    fn bool(&mut self, k: &str, v: bool) {
        self.key(k);
        self.out.extend_from_slice(if v { b"true" } else { b"false" });
    }

    fn null(&mut self, k: &str) {
        self.key(k);
        self.out.extend_from_slice(b"null");
    }

    fn obj(&mut self, k: &str, f: impl FnOnce(&mut W<'_>)) {
        self.key(k);
        object(self.out, f);
    }

    fn opt_obj<T>(&mut self, k: &str, v: &Option<T>, f: impl FnOnce(&mut W<'_>, &T)) {
        match v {
            Some(v) => self.obj(k, |w| f(w, v)),
            None => self.null(k),
        }
    }

    fn list<T>(&mut self, k: &str, items: &[T], f: impl Fn(&mut W<'_>, &T)) {
        self.key(k);
        self.out.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            object(self.out, |w| f(w, item));
        }
        self.out.push(b']');
    }
}

fn object(out: &mut Vec<u8>, f: impl FnOnce(&mut W<'_>)) {
    out.push(b'{');
    f(&mut W { out: &mut *out, first: true });
    out.push(b'}');
}

/// A JSON string as serde_json writes it: `"` and `\` escaped, control characters as
/// `\b \t \n \f \r` or `\u00XX`, everything else as is.
fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut from = 0;
    // Eight bytes at a time while none needs an escape (most text).
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut w = [0u8; 8];
        w.copy_from_slice(&bytes[i..i + 8]);
        if needs_escape(u64::from_le_bytes(w)) {
            break;
        }
        i += 8;
    }
    for (i, &b) in bytes.iter().enumerate().skip(i) {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..=0x1F => {
                out.extend_from_slice(&bytes[from..i]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
                from = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[from..i]);
        out.extend_from_slice(esc);
        from = i + 1;
    }
    out.extend_from_slice(&bytes[from..]);
    out.push(b'"');
}

/// Whether one of eight bytes is a control character, `"` or `\` (exact: the classic
/// "has a byte less than n" and "has a zero byte" tests).
fn needs_escape(x: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_space = x.wrapping_sub(ONES * 0x20) & !x & HIGHS;
    (below_space | zero(x ^ (ONES * b'"' as u64)) | zero(x ^ (ONES * b'\\' as u64))) != 0
}

/// A float as serde_json writes it (shortest round-trip form; `null` when not finite).
fn float(out: &mut Vec<u8>, v: f64) {
    if v.is_finite() {
        out.extend_from_slice(ryu::Buffer::new().format_finite(v).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

fn span(w: &mut W<'_>, s: &SpanOut<'_>) {
    w.u64("start", s.start as u64);
    w.u64("end", s.end as u64);
    w.str("text", s.text);
}

fn actor(w: &mut W<'_>, a: &ActorOut<'_>) {
    w.str("text", a.text);
    w.obj("span", |w| span(w, &a.span));
    w.opt_str("name", a.name);
    w.opt_str("country", a.country);
    w.opt_str("sector", a.sector);
    w.opt_str("wikidata", a.wikidata);
    if a.inferred {
        w.bool("inferred", true);
    }
}

fn date(w: &mut W<'_>, d: &DateOut<'_>) {
    w.opt_str("text", d.text);
    w.opt_str("value", d.value);
    w.opt_str("precision", d.precision);
}

fn place(w: &mut W<'_>, p: &PlaceOut<'_>) {
    w.str("text", p.text);
    w.obj("span", |w| span(w, &p.span));
    w.opt_str("name", p.name);
    w.opt_str("country", p.country);
    w.opt_str("admin1", p.admin1);
    w.opt_u64("geonameid", p.geonameid);
    w.opt_f64("lat", p.lat);
    w.opt_f64("lon", p.lon);
    w.opt_str("precision", p.precision);
    w.opt_str("id", p.id);
}

fn date_mention(w: &mut W<'_>, d: &DateMentionOut<'_>) {
    w.str("text", d.text);
    w.u64("start", d.start as u64);
    w.u64("end", d.end as u64);
    w.obj("span", |w| span(w, &d.span));
    w.opt_str("value", d.value);
    w.str("type", d.kind);
    w.opt_str("precision", d.precision);
}

fn victims(w: &mut W<'_>, v: &VictimsOut<'_>) {
    w.str("text", v.text);
    w.opt_str("country", v.country);
    w.opt_str("sector", v.sector);
}

fn casualty(w: &mut W<'_>, c: &CasualtyOut<'_>) {
    w.str("kind", c.kind);
    w.opt_u64("count", c.count);
    w.opt_str("qualifier", c.qualifier);
    w.opt_u64("low", c.low);
    w.opt_u64("high", c.high);
    w.obj("victims", |w| victims(w, &c.victims));
    w.opt_obj("perpetrator", &c.perpetrator, actor);
    w.opt_obj("claimant", &c.claimant, actor);
    w.str("status", c.status);
    w.obj("date", |w| date(w, &c.date));
    w.obj("span", |w| span(w, &c.span));
    w.obj("evidence", |w| span(w, &c.evidence));
}

fn acled(w: &mut W<'_>, a: &AcledOut<'_>) {
    w.str("event_type", a.event_type);
    w.str("sub_event_type", a.sub_event_type);
}

fn event(w: &mut W<'_>, e: &EventOut<'_>) {
    w.str("id", &e.id);
    w.str("event_type", e.event_type);
    w.opt_str("mode", e.mode);
    w.opt_obj("acled", &e.acled, acled);
    w.str("status", e.status);
    w.list("actors", &e.actors, actor);
    w.list("recipients", &e.recipients, actor);
    w.bool("two_sided", e.two_sided);
    w.opt_obj("location", &e.location, place);
    w.obj("date", |w| date(w, &e.date));
    w.opt_obj("claimant", &e.claimant, actor);
    w.list("casualties", &e.casualties, casualty);
    w.obj("trigger", |w| span(w, &e.trigger));
    w.obj("evidence", |w| span(w, &e.evidence));
    w.f64("confidence", e.confidence);
    if let Some(t) = e.planned_event_type {
        w.str("planned_event_type", t);
    }
}

fn quantity(w: &mut W<'_>, q: &QuantityOut<'_>) {
    w.str("kind", q.kind);
    w.u64("count", q.count);
    w.str("qualifier", q.qualifier);
    w.opt_obj("of", &q.of, actor);
    w.str("status", q.status);
    w.obj("date", |w| date(w, &q.date));
    w.obj("span", |w| span(w, &q.span));
    w.obj("evidence", |w| span(w, &q.evidence));
}

fn quote(w: &mut W<'_>, q: &QuoteOut<'_>) {
    w.str("text", q.text);
    w.obj("span", |w| span(w, &q.span));
    w.opt_obj("speaker", &q.speaker, actor);
}

fn contradiction(w: &mut W<'_>, c: &ContradictionOut<'_>) {
    w.str("kind", c.kind);
    w.str("a", &c.a);
    w.str("b", &c.b);
    w.key("counts");
    w.out.push(b'[');
    for (i, n) in c.counts.iter().enumerate() {
        if i > 0 {
            w.out.push(b',');
        }
        match n {
            Some(n) => w.out.extend_from_slice(itoa::Buffer::new().format(*n).as_bytes()),
            None => w.out.extend_from_slice(b"null"),
        }
    }
    w.out.push(b']');
    w.str("explanation", c.explanation);
}

fn diagnostic(w: &mut W<'_>, d: &DiagnosticOut<'_>) {
    w.str("stage", d.stage);
    w.str("message", d.message);
}

fn doc(w: &mut W<'_>, d: &DocOut<'_>) {
    w.str("id", d.id);
    w.opt_str("lang", d.lang);
    w.opt_str("published", d.published);
    w.opt_str("title", d.title);
    w.opt_str("url", d.url);
}

/// Appends the record, as one line of JSON without the newline, to `out`.
pub(crate) fn record(out: &mut Vec<u8>, r: &Record<'_>) {
    object(out, |w| {
        w.obj("doc", |w| doc(w, &r.doc));
        w.list("events", &r.events, event);
        w.list("quantities", &r.quantities, quantity);
        w.list("places", &r.places, place);
        w.list("dates", &r.dates, date_mention);
        w.list("actors", &r.actors, actor);
        w.list("quotes", &r.quotes, quote);
        w.list("contradictions", &r.contradictions, contradiction);
        w.list("diagnostics", &r.diagnostics, diagnostic);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_byte_escape_test_is_exact() {
        let naive = |w: [u8; 8]| w.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
        for pos in 0..8 {
            for b in 0..=255u8 {
                for fill in [b'a', 0x80, 0xFF, 0x20, 0x21] {
                    let mut w = [fill; 8];
                    w[pos] = b;
                    assert_eq!(needs_escape(u64::from_le_bytes(w)), naive(w), "{w:?}");
                }
            }
        }
    }

    #[test]
    fn strings_escape_as_serde_json() {
        for s in ["", "plain", "a\"b\\c", "tab\there\nnl\r\u{1}\u{1f}\u{7f}é“x”", "exactly8", "0123456789abcdef\u{8}"]
        {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(s).unwrap());
        }
    }
}
