//! The output edge.
//!
//! Turns a [`Document`] and its [`Analysis`] into the result record described in
//! `shared/spec/output.md`. This is the only place where byte offsets become Unicode
//! code-point offsets (what Python's `str` indexing uses). Keys are emitted in a fixed
//! order and lists in the analysis' order, so the same input gives the same bytes.

mod write;

use serde::Serialize;
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
}

/// The result record for one document, borrowing from the document and its analysis.
/// Field order is the emitted key order.
#[derive(Serialize)]
pub struct Record<'a> {
    doc: DocOut<'a>,
    events: Vec<EventOut<'a>>,
    quantities: Vec<QuantityOut<'a>>,
    places: Vec<PlaceOut<'a>>,
    dates: Vec<DateMentionOut<'a>>,
    actors: Vec<ActorOut<'a>>,
    quotes: Vec<QuoteOut<'a>>,
    contradictions: Vec<ContradictionOut<'a>>,
    diagnostics: Vec<DiagnosticOut<'a>>,
}

#[derive(Serialize)]
struct DocOut<'a> {
    id: &'a str,
    lang: Option<&'a str>,
    published: Option<&'a str>,
    title: Option<&'a str>,
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct SpanOut<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct ActorOut<'a> {
    text: &'a str,
    span: SpanOut<'a>,
    name: Option<&'a str>,
    country: Option<&'a str>,
    sector: Option<&'a str>,
    wikidata: Option<&'a str>,
    /// Only written when true: a side read from context, not from a noun phrase.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inferred: bool,
}

#[derive(Serialize)]
struct DateOut<'a> {
    text: Option<&'a str>,
    value: Option<&'a str>,
    precision: Option<&'static str>,
}

#[derive(Serialize)]
struct PlaceOut<'a> {
    text: &'a str,
    span: SpanOut<'a>,
    name: Option<&'a str>,
    country: Option<&'a str>,
    admin1: Option<&'a str>,
    geonameid: Option<u64>,
    lat: Option<f64>,
    lon: Option<f64>,
    precision: Option<&'a str>,
    id: Option<&'a str>,
}

#[derive(Serialize)]
struct DateMentionOut<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    span: SpanOut<'a>,
    value: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    precision: Option<&'static str>,
}

#[derive(Serialize)]
struct VictimsOut<'a> {
    text: &'a str,
    country: Option<&'a str>,
    sector: Option<&'a str>,
}

#[derive(Serialize)]
struct CasualtyOut<'a> {
    kind: &'static str,
    count: Option<u64>,
    qualifier: Option<&'static str>,
    low: Option<u64>,
    high: Option<u64>,
    victims: VictimsOut<'a>,
    perpetrator: Option<ActorOut<'a>>,
    claimant: Option<ActorOut<'a>>,
    status: &'static str,
    date: DateOut<'a>,
    span: SpanOut<'a>,
    evidence: SpanOut<'a>,
}

#[derive(Serialize)]
struct AcledOut<'a> {
    event_type: &'a str,
    sub_event_type: &'a str,
}

#[derive(Serialize)]
struct EventOut<'a> {
    id: String,
    event_type: &'a str,
    mode: Option<&'a str>,
    acled: Option<AcledOut<'a>>,
    status: &'static str,
    actors: Vec<ActorOut<'a>>,
    recipients: Vec<ActorOut<'a>>,
    two_sided: bool,
    location: Option<PlaceOut<'a>>,
    date: DateOut<'a>,
    claimant: Option<ActorOut<'a>>,
    casualties: Vec<CasualtyOut<'a>>,
    trigger: SpanOut<'a>,
    evidence: SpanOut<'a>,
    confidence: f64,
    /// The planned or refused action of an intent/refusal event.
    #[serde(skip_serializing_if = "Option::is_none")]
    planned_event_type: Option<&'a str>,
}

#[derive(Serialize)]
struct QuantityOut<'a> {
    kind: &'a str,
    count: u64,
    qualifier: &'static str,
    of: Option<ActorOut<'a>>,
    status: &'static str,
    date: DateOut<'a>,
    span: SpanOut<'a>,
    evidence: SpanOut<'a>,
}

#[derive(Serialize)]
struct ContradictionOut<'a> {
    kind: &'a str,
    a: String,
    b: String,
    counts: [Option<u64>; 2],
    explanation: &'a str,
}

#[derive(Serialize)]
struct QuoteOut<'a> {
    text: &'a str,
    span: SpanOut<'a>,
    speaker: Option<ActorOut<'a>>,
}

#[derive(Serialize)]
struct DiagnosticOut<'a> {
    stage: &'a str,
    message: &'a str,
}

/// Builds the record (cheap: it borrows).
pub fn record<'a>(doc: &'a Document, a: &'a Analysis) -> Record<'a> {
    let o = Offsets::new(&doc.text);
    let count_of = |r: (usize, usize)| a.events.get(r.0).and_then(|e| e.casualties.get(r.1)).and_then(|c| c.count);
    Record {
        doc: DocOut {
            id: &doc.id,
            lang: a.lang.or(doc.lang.as_deref()),
            published: doc.published.as_deref(),
            title: doc.title.as_deref(),
            url: doc.url.as_deref(),
        },
        events: a.events.iter().enumerate().map(|(i, e)| event(&o, doc, i, e)).collect(),
        quantities: a.quantities.iter().map(|q| quantity(&o, q)).collect(),
        places: a.places.iter().map(|p| place(&o, p)).collect(),
        dates: a.dates.iter().map(|d| date(&o, d)).collect(),
        actors: a.actors.iter().map(|x| actor(&o, x)).collect(),
        quotes: a
            .quotes
            .iter()
            .map(|q| QuoteOut {
                text: slice(&o, q.span),
                span: span(&o, q.span),
                speaker: q.speaker.as_ref().map(|x| actor(&o, x)),
            })
            .collect(),
        contradictions: a
            .contradictions
            .iter()
            .map(|c| ContradictionOut {
                kind: c.kind,
                a: format!("{}#e{}/c{}", doc.id, c.a.0 + 1, c.a.1),
                b: format!("{}#e{}/c{}", doc.id, c.b.0 + 1, c.b.1),
                counts: [count_of(c.a), count_of(c.b)],
                explanation: &c.explanation,
            })
            .collect(),
        diagnostics: a.diagnostics.iter().map(|d| DiagnosticOut { stage: d.stage, message: &d.message }).collect(),
    }
}

/// The record as one line of JSON.
pub fn to_string(doc: &Document, a: &Analysis) -> String {
    let mut out = Vec::with_capacity(1024 + 8 * doc.text.len().min(1 << 20));
    write::record(&mut out, &record(doc, a));
    // Every piece written is a `&str` or ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// The record as one line of JSON through serde (what [`to_string`] must equal).
pub fn to_string_serde(doc: &Document, a: &Analysis) -> String {
    serde_json::to_string(&record(doc, a)).unwrap_or_default()
}

/// The record as indented JSON.
pub fn to_string_pretty(doc: &Document, a: &Analysis) -> String {
    serde_json::to_string_pretty(&record(doc, a)).unwrap_or_default()
}

/// The record as a JSON value (for tests and tools).
pub fn to_json(doc: &Document, a: &Analysis) -> serde_json::Value {
    serde_json::to_value(record(doc, a)).unwrap_or_default()
}

fn slice<'a>(o: &Offsets<'a>, s: Span) -> &'a str {
    o.text.get(s.start..s.end).unwrap_or("")
}

fn span<'a>(o: &Offsets<'a>, s: Span) -> SpanOut<'a> {
    SpanOut { start: o.cp(s.start), end: o.cp(s.end), text: slice(o, s) }
}

fn actor<'a>(o: &Offsets<'a>, a: &'a Actor) -> ActorOut<'a> {
    ActorOut {
        text: slice(o, a.span),
        span: span(o, a.span),
        name: a.name.as_deref(),
        country: a.country,
        sector: a.sector.map(|s| s.as_str()),
        wikidata: a.wikidata,
        inferred: a.inferred,
    }
}

fn event_date<'a>(d: &'a EventDate, o: &Offsets<'a>) -> DateOut<'a> {
    DateOut { text: d.span.map(|s| slice(o, s)), value: d.value.as_deref(), precision: d.precision.map(|p| p.as_str()) }
}

fn place<'a>(o: &Offsets<'a>, p: &'a PlaceMention) -> PlaceOut<'a> {
    let r = p.place.as_ref();
    PlaceOut {
        text: slice(o, p.span),
        span: span(o, p.span),
        name: r.map(|r| r.name),
        country: r.and_then(|r| r.country),
        admin1: r.and_then(|r| r.admin1),
        geonameid: r.and_then(|r| r.geonameid),
        lat: r.and_then(|r| r.lat),
        lon: r.and_then(|r| r.lon),
        precision: r.map(|r| r.precision),
        id: r.map(|r| r.id),
    }
}

fn date<'a>(o: &Offsets<'a>, d: &'a DateMention) -> DateMentionOut<'a> {
    let s = span(o, d.span);
    DateMentionOut {
        text: slice(o, d.span),
        start: s.start,
        end: s.end,
        span: s,
        value: d.value.as_deref(),
        kind: d.kind.as_str(),
        precision: d.precision.map(|p| p.as_str()),
    }
}

fn casualty<'a>(o: &Offsets<'a>, c: &'a Casualty) -> CasualtyOut<'a> {
    CasualtyOut {
        kind: c.kind.as_str(),
        count: c.count,
        qualifier: c.qualifier.map(|q| q.as_str()),
        low: c.low,
        high: c.high,
        victims: VictimsOut {
            text: slice(o, c.victims.span),
            country: c.victims.country,
            sector: c.victims.sector.map(|s| s.as_str()),
        },
        perpetrator: c.perpetrator.as_ref().map(|a| actor(o, a)),
        claimant: c.claimant.as_ref().map(|a| actor(o, a)),
        status: c.status.as_str(),
        date: event_date(&c.date, o),
        span: span(o, c.span),
        evidence: span(o, c.evidence),
    }
}

fn event<'a>(o: &Offsets<'a>, doc: &Document, i: usize, e: &'a Event) -> EventOut<'a> {
    EventOut {
        id: format!("{}#e{}", doc.id, i + 1),
        event_type: e.event_type.as_str(),
        mode: e.mode.map(|m| m.as_str()),
        acled: e.acled.as_ref().map(|a| AcledOut { event_type: a.event_type, sub_event_type: a.sub_event_type }),
        status: e.status.as_str(),
        actors: e.actors.iter().map(|a| actor(o, a)).collect(),
        recipients: e.recipients.iter().map(|a| actor(o, a)).collect(),
        two_sided: e.two_sided,
        location: e.location.as_ref().map(|p| place(o, p)),
        date: event_date(&e.date, o),
        claimant: e.claimant.as_ref().map(|a| actor(o, a)),
        casualties: e.casualties.iter().map(|c| casualty(o, c)).collect(),
        trigger: span(o, e.trigger),
        evidence: span(o, e.evidence),
        confidence: (e.confidence as f64 * 100.0).round() / 100.0,
        planned_event_type: e.planned.map(|t| t.as_str()),
    }
}

fn quantity<'a>(o: &Offsets<'a>, q: &'a Quantity) -> QuantityOut<'a> {
    QuantityOut {
        kind: q.kind.as_str(),
        count: q.count,
        qualifier: q.qualifier.as_str(),
        of: q.of.as_ref().map(|a| actor(o, a)),
        status: q.status.as_str(),
        date: event_date(&q.date, o),
        span: span(o, q.span),
        evidence: span(o, q.evidence),
    }
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
