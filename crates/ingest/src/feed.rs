//! Feeds (RSS 2.0, Atom, RDF): one article per entry.

use std::borrow::Cow;

use feed_rs::model::{Entry, Feed, Text};
use sitrep_core::Document;

use crate::date::normalize_date;
use crate::html::{Mode, html_to_text, two_letter};
use crate::{Article, Error, Item, Problem, guarded};

/// Reads a feed: one article (or problem) per entry, origin `name#N` (1-based).
pub(crate) fn read_feed(bytes: &[u8], name: &str) -> Vec<Item> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return vec![Item::Problem(Problem::new(name, Error::Empty))];
    }
    let feed = match parse_feed(bytes) {
        Ok(f) => f,
        Err(e) => return vec![Item::Problem(Problem::new(name, Error::Feed(e)))],
    };
    if feed.entries.is_empty() {
        return vec![Item::Problem(Problem::new(name, Error::EmptyFeed))];
    }
    let source = feed.title.as_ref().map(plain_text).filter(|t| !t.is_empty());
    let lang = feed.language.as_deref().and_then(two_letter);
    feed.entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let origin = format!("{name}#{}", i + 1);
            match entry_document(entry, &origin, source.as_deref(), lang.as_deref()) {
                Some(doc) => Item::Article(Article { doc, origin }),
                None => Item::Problem(Problem::new(origin, Error::NoText)),
            }
        })
        .collect()
}

fn parser() -> feed_rs::parser::Parser {
    // No generated ids: they would be random (UUIDs) for entries without id or link.
    feed_rs::parser::Builder::new().id_generator(|_, _, _| String::new()).sanitize_content(false).build()
}

fn parse(bytes: &[u8]) -> Result<Feed, String> {
    guarded("feed", || parser().parse(bytes)).and_then(|r| r.map_err(|e| e.to_string()))
}

/// Parses a feed, working around false encoding declarations: UTF-8 bytes are parsed as
/// UTF-8 whatever the XML declaration says; other bytes are parsed as declared, and if
/// that fails, decoded with [`crate::decode`]'s guesses and parsed again.
fn parse_feed(bytes: &[u8]) -> Result<Feed, String> {
    if let Ok(s) = std::str::from_utf8(bytes) {
        let s = s.strip_prefix('\u{FEFF}').unwrap_or(s);
        return parse(utf8_declaration(s).as_bytes());
    }
    parse(bytes).or_else(|first| {
        let (text, _) = crate::decode::decode_note(bytes);
        parse(utf8_declaration(&text).as_bytes()).map_err(|_| first)
    })
}

/// The text with its XML declaration saying `encoding="UTF-8"`.
fn utf8_declaration(s: &str) -> Cow<'_, str> {
    let lead = s.len() - s.trim_start().len();
    let Some(decl) = s[lead..].strip_prefix("<?xml") else { return Cow::Borrowed(s) };
    let Some(end) = decl.find("?>") else { return Cow::Borrowed(s) };
    let Some(at) = decl[..end].find("encoding") else { return Cow::Borrowed(s) };
    let after = &decl[at + "encoding".len()..end];
    let Some(eq) = after.find('=') else { return Cow::Borrowed(s) };
    let value = after[eq + 1..].trim_start();
    let Some(q) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else { return Cow::Borrowed(s) };
    let Some(close) = value[1..].find(q) else { return Cow::Borrowed(s) };
    // Byte offsets of the value (between the quotes) in `s`.
    let start = lead + "<?xml".len() + at + "encoding".len() + (after.len() - value.len()) + 1;
    let stop = start + close;
    Cow::Owned(format!("{}UTF-8{}", &s[..start], &s[stop..]))
}

/// Plain text of a feed text: HTML converted, plain text with its whitespace collapsed
/// (paragraphs kept).
fn plain_text(t: &Text) -> String {
    to_text(&t.content, t.content_type.as_ref())
}

fn to_text(content: &str, content_type: &str) -> String {
    if content_type.contains("html") || content_type.contains("xml") {
        html_to_text(content, Mode::Article)
    } else {
        content
            .split("\n\n")
            .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// The article of one entry; `None` when it has no text at all.
fn entry_document(entry: &Entry, origin: &str, source: Option<&str>, lang: Option<&str>) -> Option<Document> {
    let title = entry.title.as_ref().map(plain_text).filter(|t| !t.is_empty());
    let body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref().map(|b| to_text(b, c.content_type.as_ref())))
        .filter(|b| !b.is_empty())
        .or_else(|| entry.summary.as_ref().map(plain_text))
        .filter(|b| !b.is_empty());
    let text = match (&title, body) {
        (Some(t), Some(b)) => format!("{t}\n\n{b}"),
        (Some(t), None) => t.clone(),
        (None, Some(b)) => b,
        (None, None) => return None,
    };
    let url = entry.links.first().map(|l| l.href.trim().to_string()).filter(|u| !u.is_empty());
    let id = Some(entry.id.trim().to_string()).filter(|i| !i.is_empty()).or_else(|| url.clone());
    Some(Document {
        id: id.unwrap_or_else(|| origin.to_string()),
        text,
        lang: entry.language.as_deref().and_then(two_letter).or_else(|| lang.map(str::to_string)),
        published: entry.published.or(entry.updated).and_then(|d| normalize_date(&d.date_naive().to_string())),
        title,
        url,
        source: source.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration() {
        assert_eq!(
            utf8_declaration("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss/>"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss/>"
        );
        assert_eq!(utf8_declaration(" <?xml encoding = 'latin1' ?>x"), " <?xml encoding = 'UTF-8' ?>x");
        assert_eq!(utf8_declaration("<?xml version=\"1.0\"?>"), "<?xml version=\"1.0\"?>");
        assert_eq!(utf8_declaration("<?xml encoding=\"x"), "<?xml encoding=\"x");
        assert_eq!(utf8_declaration("<rss/>"), "<rss/>");
    }
}
