//! Core types shared by every sitrep stage.
//!
//! This is the only crate whose types cross crate boundaries. It holds:
//! - [`Span`]: a byte range into the *original* document text (never the folded copy);
//! - [`Text`]: the prepared view of a document (folded copy, alignment map, tokens,
//!   sentences) that analysis stages read;
//! - mentions found by the stages ([`NumberMention`], [`DateMention`], [`PlaceMention`],
//!   [`Actor`]) and the records they add up to ([`Event`], [`Casualty`], [`Quantity`],
//!   [`Contradiction`]);
//! - [`Diagnostic`]: what a stage wants the user to know, returned beside its output.
//!
//! Offsets are bytes everywhere inside sitrep; the output crate converts them to code
//! points at the edge.

mod kinds;
mod text;

pub use kinds::{
    CasualtyFlag, Cue, DateWord, EventType, Mode, Pos, QuantityKind, Sector, Setting, SpeechKind, Suffix, Word,
};
pub use text::{Sentence, Text, Token, TokenKind};

/// A byte range `[start, end)` into the original document text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(self) -> bool {
        self.end <= self.start
    }
    pub fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// A range of token indices `[start, end)` into [`Text::tokens`].
pub type TokRange = std::ops::Range<usize>;

/// Something a stage wants the user to know (skipped input, unresolved value, ...).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub stage: &'static str,
    pub message: String,
}

impl Diagnostic {
    pub fn new(stage: &'static str, message: impl Into<String>) -> Self {
        Diagnostic { stage, message: message.into() }
    }
}

/// Whether an event or a claim is today's news.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Status {
    #[default]
    Current,
    Historical,
    Future,
    Hypothetical,
    Negated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Current => "current",
            Status::Historical => "historical",
            Status::Future => "future",
            Status::Hypothetical => "hypothetical",
            Status::Negated => "negated",
        }
    }
}

/// How a number is qualified in the text ("at least 49", "some 2,000").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Qualifier {
    #[default]
    Exact,
    AtLeast,
    MoreThan,
    AtMost,
    Approx,
    Range,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Exact => "exact",
            Qualifier::AtLeast => "at_least",
            Qualifier::MoreThan => "more_than",
            Qualifier::AtMost => "at_most",
            Qualifier::Approx => "approx",
            Qualifier::Range => "range",
        }
    }
    pub fn parse(s: &str) -> Option<Qualifier> {
        Some(match s {
            "exact" => Qualifier::Exact,
            "at_least" => Qualifier::AtLeast,
            "more_than" => Qualifier::MoreThan,
            "at_most" => Qualifier::AtMost,
            "approx" => Qualifier::Approx,
            "range" => Qualifier::Range,
            _ => return None,
        })
    }
}

/// How a casualty claim reads in summaries and the API: `≥49`, `>10`, `~2000`, `10–15`,
/// `49`, `unknown`. `qualifier` is a [`Qualifier`] name (any other reads as exact).
pub fn claim_label(qualifier: &str, count: Option<u64>, low: Option<u64>, high: Option<u64>) -> String {
    let Some(n) = count else { return "unknown".into() };
    match Qualifier::parse(qualifier) {
        Some(Qualifier::AtLeast) => format!("≥{n}"),
        Some(Qualifier::MoreThan) => format!(">{n}"),
        Some(Qualifier::AtMost) => format!("≤{n}"),
        Some(Qualifier::Approx) => format!("~{n}"),
        Some(Qualifier::Range) => format!("{}–{}", low.unwrap_or(n), high.unwrap_or(n)),
        _ => n.to_string(),
    }
}

/// A number found in the text, with its qualifier and implied bounds.
#[derive(Clone, Debug, PartialEq)]
pub struct NumberMention {
    pub span: Span,
    pub toks: TokRange,
    /// The value as stated (for "between 10 and 15": 10).
    pub value: u64,
    pub qualifier: Qualifier,
    pub low: Option<u64>,
    pub high: Option<u64>,
    /// True when the value reads like a calendar year and nothing marks it as a count.
    pub year_like: bool,
}

/// Granularity of a resolved date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precision {
    Day,
    Week,
    Month,
    Year,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Day => "day",
            Precision::Week => "week",
            Precision::Month => "month",
            Precision::Year => "year",
        }
    }
}

/// TimeML-like type of a temporal expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DateKind {
    Date,
    Time,
    Duration,
    Set,
}

impl DateKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DateKind::Date => "DATE",
            DateKind::Time => "TIME",
            DateKind::Duration => "DURATION",
            DateKind::Set => "SET",
        }
    }
}

/// A temporal expression and its normalized value.
#[derive(Clone, Debug, PartialEq)]
pub struct DateMention {
    pub span: Span,
    pub toks: TokRange,
    pub kind: DateKind,
    /// ISO 8601 / TimeML value (`2022-09-13`, `2020`, `P6W`, `PRESENT_REF`), or `None`
    /// when it cannot be resolved (a relative date without publication date).
    pub value: Option<String>,
    pub precision: Option<Precision>,
    /// The calendar year the expression points to, when known.
    pub year: Option<i32>,
    /// Introduced by "since"/"depuis": marks a state lasting from then on.
    pub since: bool,
}

/// A reference to a gazetteer entry.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceRef {
    pub id: &'static str,
    pub name: &'static str,
    pub country: Option<&'static str>,
    pub admin1: Option<&'static str>,
    pub geonameid: Option<u64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// `point`, `city`, `region`, `country`.
    pub precision: &'static str,
}

/// A place name in the text, resolved where possible.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceMention {
    pub span: Span,
    pub toks: TokRange,
    pub place: Option<PlaceRef>,
}

/// Who acts, is acted upon, or speaks.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Actor {
    pub span: Span,
    pub toks: TokRange,
    pub name: Option<String>,
    pub country: Option<&'static str>,
    pub sector: Option<Sector>,
    pub wikidata: Option<&'static str>,
    /// Read from context, not from the text of a noun phrase ("the other side" of a
    /// two-country conflict): `span` is then the mention it was inferred from.
    pub inferred: bool,
}

/// A date attached to an event or a claim.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EventDate {
    pub span: Option<Span>,
    pub value: Option<String>,
    pub precision: Option<Precision>,
}

/// ACLED's type and sub-type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acled {
    pub event_type: &'static str,
    pub sub_event_type: &'static str,
}

/// What happened to people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CasualtyKind {
    Killed,
    Injured,
    Missing,
    Captured,
    Displaced,
    Arrested,
}

impl CasualtyKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            CasualtyKind::Killed => "killed",
            CasualtyKind::Injured => "injured",
            CasualtyKind::Missing => "missing",
            CasualtyKind::Captured => "captured",
            CasualtyKind::Displaced => "displaced",
            CasualtyKind::Arrested => "arrested",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "killed" => CasualtyKind::Killed,
            "injured" => CasualtyKind::Injured,
            "missing" => CasualtyKind::Missing,
            "captured" => CasualtyKind::Captured,
            "displaced" => CasualtyKind::Displaced,
            "arrested" => CasualtyKind::Arrested,
            _ => return None,
        })
    }
}

/// A claim about a number of people killed, hurt, taken...
#[derive(Clone, Debug, PartialEq)]
pub struct Casualty {
    pub kind: CasualtyKind,
    /// `None` when the text says the toll is unknown.
    pub count: Option<u64>,
    pub qualifier: Option<Qualifier>,
    pub low: Option<u64>,
    pub high: Option<u64>,
    pub victims: Actor,
    pub perpetrator: Option<Actor>,
    pub claimant: Option<Actor>,
    pub status: Status,
    pub date: EventDate,
    pub span: Span,
    pub evidence: Span,
    /// Index of the sentence it was read from.
    pub sentence: usize,
}

/// One event read from the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub event_type: EventType,
    pub mode: Option<Mode>,
    pub acled: Option<Acled>,
    pub status: Status,
    pub actors: Vec<Actor>,
    pub recipients: Vec<Actor>,
    pub two_sided: bool,
    pub location: Option<PlaceMention>,
    pub date: EventDate,
    pub claimant: Option<Actor>,
    pub casualties: Vec<Casualty>,
    pub trigger: Span,
    pub evidence: Span,
    pub confidence: f32,
    pub sentence: usize,
    /// For a statement of intent or refusal (AGREE, THREATEN, REJECT read from "will
    /// support", "plans to attack", "did not agree"), the event type stated as planned
    /// or refused.
    pub planned: Option<EventType>,
    /// What the trigger was (not output): facts later stages read.
    pub facts: TriggerFacts,
}

/// Facts about the trigger of an event that later stages need (not part of the output).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TriggerFacts {
    /// Named by a noun ("the attack"), not a verb.
    pub noun: bool,
    /// Named by a noun, a gerund or an infinitive: it may be another event's purpose,
    /// manner or topic (`fold_secondary`).
    pub nonfinite: bool,
}

/// A non-casualty number worth keeping (troops deployed, prisoners exchanged...).
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    pub kind: QuantityKind,
    pub count: u64,
    pub qualifier: Qualifier,
    pub of: Option<Actor>,
    pub status: Status,
    pub date: EventDate,
    pub span: Span,
    pub evidence: Span,
}

/// Reference to a casualty claim: `(event index, casualty index)`.
pub type CasualtyRef = (usize, usize);

/// Two claims in one document that cannot both be true as stated.
#[derive(Clone, Debug, PartialEq)]
pub struct Contradiction {
    pub kind: &'static str,
    pub a: CasualtyRef,
    pub b: CasualtyRef,
    pub explanation: String,
}

/// A quotation and who said it.
#[derive(Clone, Debug, PartialEq)]
pub struct Quote {
    /// The quoted words, without the quotation marks.
    pub span: Span,
    pub speaker: Option<Actor>,
}

/// A document as received.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    pub id: String,
    pub text: String,
    pub lang: Option<String>,
    /// Publication date, `YYYY-MM-DD`.
    pub published: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Who published it (outlet or feed name), where known.
    pub source: Option<String>,
}

/// Everything extracted from one document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Analysis {
    pub lang: Option<&'static str>,
    pub events: Vec<Event>,
    pub quantities: Vec<Quantity>,
    pub places: Vec<PlaceMention>,
    pub dates: Vec<DateMention>,
    /// Every actor mention (states, forces, groups, people), whether or not an event
    /// uses it.
    pub actors: Vec<Actor>,
    /// Quotations with their speaker.
    pub quotes: Vec<Quote>,
    pub contradictions: Vec<Contradiction>,
    pub diagnostics: Vec<Diagnostic>,
}

/// What event fusion knows of one event mention: language-independent features only, so
/// mentions from articles in different languages compare directly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MentionFeatures {
    /// Stable key of the mention (`<document content hash>-<event index>`).
    pub key: String,
    /// Key of the document the mention comes from.
    pub doc: String,
    pub event_type: String,
    pub status: Status,
    /// ISO 8601 date value of the event (`2022-09-13`, `2022-09`, `2022`), or null.
    pub date: Option<String>,
    /// Publication date of the document, used when the event has no date.
    pub published: Option<String>,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub geonameid: Option<u64>,
    pub lat_lon: Option<(f64, f64)>,
    /// Countries (ISO 3166-1 alpha-3) of the actors and recipients.
    pub parties: Vec<String>,
    /// Bounds of the largest killed figure the mention carries.
    pub killed: Option<(u64, u64)>,
    /// Proper names in the mention's article (people, units), written the same way in
    /// most languages.
    pub names: Vec<String>,
    /// Language of the mention's article, where known: names that differ say something
    /// only between articles of one language (another script or spelling is no evidence).
    pub lang: Option<String>,
}

/// An analyst's decision that fusion must honour.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decision {
    /// These two mentions describe the same event.
    Merge(String, String),
    /// These two mentions describe different events.
    Split(String, String),
}

/// One member of a fused event: the mention's index in the input, the score with which it
/// joined, and the features that matched (or the decision that put it there).
#[derive(Clone, Debug, PartialEq)]
pub struct FusedMember {
    pub mention: usize,
    pub score: f64,
    pub reasons: Vec<(&'static str, String)>,
}

/// A real-world event: the mentions that describe it.
#[derive(Clone, Debug, PartialEq)]
pub struct FusedEvent {
    /// Sorted by mention key; the first member's key names the event.
    pub members: Vec<FusedMember>,
}

/// Filters over fused events (store queries, the HTTP API and exports). Empty fields
/// do not filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EventQuery {
    /// First and last day (`YYYY-MM-DD`), inclusive.
    pub from: Option<String>,
    pub to: Option<String>,
    /// ISO 3166-1 alpha-3.
    pub country: Option<String>,
    pub event_type: Option<String>,
    pub status: Option<Status>,
    /// Words in an actor's or recipient's name, text or country code.
    pub actor: Option<String>,
    pub min_fatalities: Option<u64>,
    /// Full-text search over the reporting articles.
    pub text: Option<String>,
    /// `(lat, lon, km)`: events located within this radius.
    pub near: Option<(f64, f64, f64)>,
    /// The dataset as it stood at this instant (`YYYY-MM-DDTHH:MM:SS.ffffffZ`, as
    /// `sitrep_store::parse_instant` writes it), not as it is now.
    pub as_of: Option<String>,
    pub limit: usize,
    pub offset: usize,
}

impl Status {
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "current" => Status::Current,
            "historical" => Status::Historical,
            "future" => Status::Future,
            "hypothetical" => Status::Hypothetical,
            "negated" => Status::Negated,
            _ => return None,
        })
    }

    /// A status filter as every interface takes it (CLI, API, dashboard, Python): none
    /// given means current events, `any` means all; otherwise the message to show.
    pub fn filter(given: Option<&str>) -> Result<Option<Status>, String> {
        match given {
            None => Ok(Some(Status::Current)),
            Some("any") => Ok(None),
            Some(s) => Status::parse(s).map(Some).ok_or_else(|| {
                format!("status {s:?}: expected current, historical, future, hypothetical, negated or any")
            }),
        }
    }
}
