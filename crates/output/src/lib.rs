//! The output edge.
//!
//! Turns a [`Document`] and its [`Analysis`] into the result record described in
//! `shared/spec/output.md`. This is the only place where byte offsets become Unicode
//! code-point offsets (what Python's `str` indexing uses). Keys are emitted in a fixed
//! order and lists in the analysis' order, so the same input gives the same bytes.

use serde_json::{Map, Value, json};
use sitrep_core::{Actor, Analysis, Casualty, DateMention, Document, Event, EventDate, PlaceMention, Quantity, Span};

/// Converts byte offsets of one text to code-point offsets, with checkpoints every 64
/// bytes (so memory stays small on very large documents).
pub struct Offsets<'a> {
    text: &'a str,
    checkpoints: Vec<u32>,
}

const STEP: usize = 64;

impl<'a> Offsets<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut checkpoints = Vec::with_capacity(text.len() / STEP + 2);
        let mut count = 0u32;
        let bytes = text.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if i % STEP == 0 {
                checkpoints.push(count);
            }
            if (b & 0xC0) != 0x80 {
                count += 1;
            }
        }
        checkpoints.push(count);
        Offsets { text, checkpoints }
    }

    /// The code-point offset of byte offset `b` (clamped to the text).
    pub fn cp(&self, b: usize) -> usize {
        let b = b.min(self.text.len());
        let base = b / STEP;
        let mut count = self.checkpoints.get(base).copied().unwrap_or(0) as usize;
        for &byte in &self.text.as_bytes()[base * STEP..b] {
            if (byte & 0xC0) != 0x80 {
                count += 1;
            }
        }
        count
    }

    pub fn span(&self, s: Span) -> Value {
        json!({
            "start": self.cp(s.start),
            "end": self.cp(s.end),
            "text": self.text.get(s.start..s.end).unwrap_or(""),
        })
    }
}

/// The result record for one document.
pub fn to_json(doc: &Document, a: &Analysis) -> Value {
    let o = Offsets::new(&doc.text);
    let events: Vec<Value> = a.events.iter().enumerate().map(|(i, e)| event(&o, doc, i, e)).collect();
    let contradictions: Vec<Value> = a
        .contradictions
        .iter()
        .map(|c| {
            json!({
                "kind": c.kind,
                "a": format!("{}#e{}/c{}", doc.id, c.a.0 + 1, c.a.1),
                "b": format!("{}#e{}/c{}", doc.id, c.b.0 + 1, c.b.1),
                "counts": [count_of(a, c.a), count_of(a, c.b)],
                "explanation": c.explanation,
            })
        })
        .collect();
    json!({
        "doc": {
            "id": doc.id,
            "lang": a.lang.map(str::to_string).or_else(|| doc.lang.clone()),
            "published": doc.published,
            "title": doc.title,
            "url": doc.url,
        },
        "events": events,
        "quantities": a.quantities.iter().map(|q| quantity(&o, q)).collect::<Vec<_>>(),
        "places": a.places.iter().map(|p| place(&o, p)).collect::<Vec<_>>(),
        "dates": a.dates.iter().map(|d| date(&o, d)).collect::<Vec<_>>(),
        "actors": a.actors.iter().map(|x| actor(&o, x)).collect::<Vec<_>>(),
        "contradictions": contradictions,
        "diagnostics": a.diagnostics.iter().map(|d| json!({"stage": d.stage, "message": d.message})).collect::<Vec<_>>(),
    })
}

fn count_of(a: &Analysis, r: (usize, usize)) -> Value {
    a.events.get(r.0).and_then(|e| e.casualties.get(r.1)).and_then(|c| c.count).map_or(Value::Null, |n| json!(n))
}

fn actor(o: &Offsets<'_>, a: &Actor) -> Value {
    json!({
        "text": o.text.get(a.span.start..a.span.end).unwrap_or(""),
        "span": o.span(a.span),
        "name": a.name,
        "country": a.country,
        "sector": a.sector,
        "wikidata": a.wikidata,
    })
}

fn event_date(d: &EventDate, o: &Offsets<'_>) -> Value {
    json!({
        "text": d.span.map(|s| o.text.get(s.start..s.end).unwrap_or("")),
        "value": d.value,
        "precision": d.precision.map(|p| p.as_str()),
    })
}

fn place(o: &Offsets<'_>, p: &PlaceMention) -> Value {
    let mut m = Map::new();
    m.insert("text".into(), json!(o.text.get(p.span.start..p.span.end).unwrap_or("")));
    m.insert("span".into(), o.span(p.span));
    let r = p.place.as_ref();
    m.insert("name".into(), json!(r.map(|r| r.name)));
    m.insert("country".into(), json!(r.and_then(|r| r.country)));
    m.insert("admin1".into(), json!(r.and_then(|r| r.admin1)));
    m.insert("geonameid".into(), json!(r.and_then(|r| r.geonameid)));
    m.insert("lat".into(), json!(r.and_then(|r| r.lat)));
    m.insert("lon".into(), json!(r.and_then(|r| r.lon)));
    m.insert("precision".into(), json!(r.map(|r| r.precision)));
    m.insert("id".into(), json!(r.map(|r| r.id)));
    Value::Object(m)
}

fn date(o: &Offsets<'_>, d: &DateMention) -> Value {
    let s = o.span(d.span);
    json!({
        "text": o.text.get(d.span.start..d.span.end).unwrap_or(""),
        "start": s["start"],
        "end": s["end"],
        "span": s,
        "value": d.value,
        "type": d.kind.as_str(),
        "precision": d.precision.map(|p| p.as_str()),
    })
}

fn casualty(o: &Offsets<'_>, c: &Casualty) -> Value {
    json!({
        "kind": c.kind.as_str(),
        "count": c.count,
        "qualifier": c.qualifier.map(|q| q.as_str()),
        "low": c.low,
        "high": c.high,
        "victims": {
            "text": o.text.get(c.victims.span.start..c.victims.span.end).unwrap_or(""),
            "country": c.victims.country,
            "sector": c.victims.sector,
        },
        "perpetrator": c.perpetrator.as_ref().map(|a| actor(o, a)),
        "claimant": c.claimant.as_ref().map(|a| actor(o, a)),
        "status": c.status.as_str(),
        "date": event_date(&c.date, o),
        "span": o.span(c.span),
        "evidence": o.span(c.evidence),
    })
}

fn event(o: &Offsets<'_>, doc: &Document, i: usize, e: &Event) -> Value {
    json!({
        "id": format!("{}#e{}", doc.id, i + 1),
        "event_type": e.event_type,
        "mode": e.mode,
        "acled": e.acled.as_ref().map(|a| json!({"event_type": a.event_type, "sub_event_type": a.sub_event_type})),
        "status": e.status.as_str(),
        "actors": e.actors.iter().map(|a| actor(o, a)).collect::<Vec<_>>(),
        "recipients": e.recipients.iter().map(|a| actor(o, a)).collect::<Vec<_>>(),
        "two_sided": e.two_sided,
        "location": e.location.as_ref().map(|p| place(o, p)),
        "date": event_date(&e.date, o),
        "claimant": e.claimant.as_ref().map(|a| actor(o, a)),
        "casualties": e.casualties.iter().map(|c| casualty(o, c)).collect::<Vec<_>>(),
        "trigger": o.span(e.trigger),
        "evidence": o.span(e.evidence),
        "confidence": (e.confidence as f64 * 100.0).round() / 100.0,
    })
}

/// Quantities as JSON (exposed for tests).
pub fn quantity(o: &Offsets<'_>, q: &Quantity) -> Value {
    json!({
        "kind": q.kind,
        "count": q.count,
        "qualifier": q.qualifier.as_str(),
        "of": q.of.as_ref().map(|a| actor(o, a)),
        "status": q.status.as_str(),
        "date": event_date(&q.date, o),
        "span": o.span(q.span),
        "evidence": o.span(q.evidence),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_points() {
        let text = "é".repeat(100) + "abc";
        let o = Offsets::new(&text);
        assert_eq!(o.cp(0), 0);
        assert_eq!(o.cp(2), 1);
        assert_eq!(o.cp(200), 100);
        assert_eq!(o.cp(203), 103);
        assert_eq!(o.cp(10_000), 103);
    }
}
