//! HTML pages: main text (Readability via `dom_smoothie`, or a tag stripper), metadata,
//! and the HTML-to-text conversion that feeds use too.

use std::borrow::Cow;

use sitrep_core::Document;

use crate::date::normalize_date;
use crate::decode::{Note, decode_note};
use crate::{Article, Error, Item, Problem, guarded};

/// Reads one HTML page: a repair note (if any), then the article or a problem.
pub(crate) fn read_html(bytes: &[u8], name: &str) -> Vec<Item> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return vec![Item::Problem(Problem::new(name, Error::Empty))];
    }
    let (html, note) = decode_html(bytes, None);
    let mut items: Vec<Item> = note.map(|n| Item::Problem(Problem::new(name, n.message))).into_iter().collect();
    items.push(match html_document(&html, name) {
        Ok(doc) => Item::Article(Article { doc, origin: name.to_string() }),
        Err(e) => Item::Problem(Problem::new(name, e)),
    });
    items
}

/// HTML bytes to text: a byte-order mark wins, then valid UTF-8, then the declared charset
/// (`declared`, from an HTTP header, else `<meta charset>`), then [`decode_note`]'s guesses.
pub(crate) fn decode_html(bytes: &[u8], declared: Option<&str>) -> (String, Option<Note>) {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) || bytes.starts_with(b"\xEF\xBB\xBF") {
        return decode_note(bytes);
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return (s.to_string(), None);
    }
    let label = declared.map(str::to_string).or_else(|| meta_charset(bytes));
    let enc = label.and_then(|l| encoding_rs::Encoding::for_label(l.trim().as_bytes()));
    if let Some(enc) = enc.filter(|e| *e != encoding_rs::UTF_8) {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        let note = had_errors
            .then(|| Note { line: None, message: format!("invalid {} bytes replaced with U+FFFD", enc.name()) });
        return (text.into_owned(), note);
    }
    decode_note(bytes)
}

/// The `charset=` of a `<meta>` in the first 4 KiB.
fn meta_charset(bytes: &[u8]) -> Option<String> {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let at = head.find("charset=")? + "charset=".len();
    let value: String = head[at..]
        .trim_start_matches(['"', '\'', ' '])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
        .collect();
    (!value.is_empty()).then_some(value)
}

/// The article in an HTML page. `id` is its id (the path, or the URL in a WARC).
pub(crate) fn html_document(html: &str, id: &str) -> Result<Document, Error> {
    let meta = Meta::scan(html);
    // Readability's cost grows faster than linearly with nesting depth: very deep or very
    // large pages go straight to the tag stripper.
    let (elements, depth) = shape(html);
    let readable = if elements <= MAX_ELEMENTS && depth <= MAX_DEPTH {
        guarded("HTML", || readability(html)).ok().flatten()
    } else {
        None
    };
    let (mut paragraphs, extra) = match readable {
        Some((content, extra)) => (html_to_paragraphs(&content, Mode::Article), Some(extra)),
        None => (Vec::new(), None),
    };
    paragraphs.retain(|p| !is_cookie_banner(p));
    if paragraphs.is_empty() {
        paragraphs = html_to_paragraphs(html, Mode::Page);
        paragraphs.retain(|p| !is_cookie_banner(p));
    }
    if paragraphs.is_empty() {
        return Err(Error::NoText);
    }
    let extra = extra.unwrap_or_default();
    let source = meta.site_name.clone().or(extra.site_name).filter(|s| !s.is_empty());
    let title = meta
        .og_title
        .clone()
        .or_else(|| meta.title.clone())
        .or(extra.title)
        .map(|t| strip_site_suffix(&collapse_ws(&t), source.as_deref()))
        .filter(|t| !t.is_empty());
    let published = meta.published().or_else(|| extra.published.as_deref().and_then(normalize_date));
    Ok(Document {
        id: id.to_string(),
        text: paragraphs.join("\n\n"),
        lang: meta.lang.clone().or_else(|| extra.lang.as_deref().and_then(two_letter)),
        published,
        title,
        url: meta.canonical.clone().or_else(|| meta.og_url.clone()).or(extra.url).filter(|u| !u.is_empty()),
        source,
    })
}

/// The most elements and the deepest nesting a page may have to go through Readability.
const MAX_ELEMENTS: usize = 100_000;
const MAX_DEPTH: usize = 1_000;

/// The number of elements of a page and (roughly) how deep they nest: elements whose end
/// tag may be left out (`p`, `li`, `td`, ...) do not count towards the depth.
fn shape(html: &str) -> (usize, usize) {
    let counts = |name: &str| {
        !is_void(name)
            && !is_raw_text(name)
            && !matches!(
                name,
                "p" | "li"
                    | "dt"
                    | "dd"
                    | "tr"
                    | "td"
                    | "th"
                    | "option"
                    | "optgroup"
                    | "thead"
                    | "tbody"
                    | "tfoot"
                    | "colgroup"
                    | "rb"
                    | "rt"
                    | "rp"
                    | "rtc"
                    | "caption"
                    | "html"
                    | "head"
                    | "body"
            )
    };
    let (mut elements, mut depth, mut deepest) = (0usize, 0usize, 0usize);
    for tok in Tokenizer::new(html) {
        match tok {
            Token::Start { name, self_closing, .. } => {
                elements += 1;
                if !self_closing && counts(&name) {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            Token::End { name } if counts(&name) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    (elements, deepest)
}

/// What `dom_smoothie` found beside the content.
#[derive(Default)]
struct Extra {
    title: Option<String>,
    site_name: Option<String>,
    published: Option<String>,
    lang: Option<String>,
    url: Option<String>,
}

/// The article's HTML according to Readability, or `None` when it finds none.
fn readability(html: &str) -> Option<(String, Extra)> {
    let cfg = dom_smoothie::Config { max_elements_to_parse: 100_000, ..Default::default() };
    let mut r = dom_smoothie::Readability::new(html, None, Some(cfg)).ok()?;
    let a = r.parse().ok()?;
    let extra = Extra {
        title: Some(a.title).filter(|t| !t.trim().is_empty()),
        site_name: a.site_name,
        published: a.published_time,
        lang: a.lang,
        url: a.url,
    };
    Some((a.content.to_string(), extra))
}

/// `fr-FR` → `fr`; `None` unless it starts with two ASCII letters.
pub(crate) fn two_letter(lang: &str) -> Option<String> {
    let code = lang.trim().split(['-', '_']).next()?;
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic())).then(|| code.to_ascii_lowercase())
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "Title - Site" → "Title": the part after the last separator goes when it is the site
/// name, or short (at most three words) after a longer title (at least three words).
fn strip_site_suffix(title: &str, site: Option<&str>) -> String {
    const SEPS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " » "];
    let same = |a: &str| site.is_some_and(|s| !s.trim().is_empty() && a.trim().eq_ignore_ascii_case(s.trim()));
    if let Some((at, sep)) = SEPS.iter().filter_map(|sep| title.rfind(sep).map(|i| (i, *sep))).max() {
        let (head, tail) = (&title[..at], &title[at + sep.len()..]);
        if same(tail) || (tail.split_whitespace().count() <= 3 && head.split_whitespace().count() >= 3) {
            return head.trim().to_string();
        }
    }
    if let Some((at, sep)) = SEPS.iter().filter_map(|sep| title.find(sep).map(|i| (i, *sep))).min()
        && same(&title[..at])
    {
        return title[at + sep.len()..].trim().to_string();
    }
    title.trim().to_string()
}

/// A short paragraph about cookies or consent.
fn is_cookie_banner(p: &str) -> bool {
    if p.chars().count() > 500 {
        return false;
    }
    let l = p.to_lowercase();
    if l.contains("cookie") || l.contains("we use cookies") {
        return true;
    }
    // "consentement" and "nous utilisons" also occur in news; only with web words.
    (l.contains("consentement") || l.contains("nous utilisons"))
        && ["site", "navigat", "traceur", "données", "partenaires", "publicité", "accepter", "paramétr"]
            .iter()
            .any(|w| l.contains(w))
}

/// Metadata read from the tags of a page.
#[derive(Default, Debug)]
struct Meta {
    title: Option<String>,
    og_title: Option<String>,
    site_name: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    lang: Option<String>,
    /// `(key, content)` of `<meta>` tags (key: `property`, `name` or `itemprop`, lower case).
    metas: Vec<(String, String)>,
    json_ld_date: Option<String>,
    time_pub: Option<String>,
    time_first: Option<String>,
}

impl Meta {
    fn scan(html: &str) -> Meta {
        let mut m = Meta::default();
        let mut in_json_ld = false;
        for tok in Tokenizer::new(html) {
            match tok {
                Token::Start { name, attrs, .. } => {
                    let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string());
                    match name.as_str() {
                        "html" if m.lang.is_none() => m.lang = get("lang").as_deref().and_then(two_letter),
                        "meta" => {
                            let Some(content) = get("content") else { continue };
                            for key in ["property", "name", "itemprop"] {
                                if let Some(k) = get(key) {
                                    m.metas.push((k.to_ascii_lowercase(), content.clone()));
                                }
                            }
                        }
                        "link" if m.canonical.is_none() => {
                            let canonical = get("rel").is_some_and(|r| {
                                r.split_ascii_whitespace().any(|w| w.eq_ignore_ascii_case("canonical"))
                            });
                            if canonical {
                                m.canonical = get("href").filter(|h| !h.is_empty());
                            }
                        }
                        "time" => {
                            if let Some(dt) = get("datetime") {
                                let marked = attrs.iter().any(|(n, v)| {
                                    n == "pubdate" || (n == "itemprop" && v.eq_ignore_ascii_case("datePublished"))
                                });
                                if marked && m.time_pub.is_none() {
                                    m.time_pub = Some(dt.clone());
                                }
                                if m.time_first.is_none() {
                                    m.time_first = Some(dt);
                                }
                            }
                        }
                        "script" => {
                            in_json_ld = get("type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
                        }
                        _ => {}
                    }
                }
                Token::Raw { name, content } => {
                    if name == "title" && m.title.is_none() {
                        let t = collapse_ws(&decode_entities(content));
                        m.title = (!t.is_empty()).then_some(t);
                    } else if name == "script" && in_json_ld && m.json_ld_date.is_none() {
                        m.json_ld_date = json_ld_date(content);
                    }
                }
                _ => {}
            }
        }
        let first = |keys: &[&str]| {
            keys.iter().find_map(|k| m.metas.iter().find(|(n, v)| n == k && !v.is_empty()).map(|(_, v)| v.clone()))
        };
        m.og_title = first(&["og:title", "twitter:title"]).map(|t| collapse_ws(&t));
        m.site_name = first(&["og:site_name", "application-name"]).map(|t| collapse_ws(&t));
        m.og_url = first(&["og:url"]);
        m
    }

    /// The publication date, from the most specific source that has a valid one.
    fn published(&self) -> Option<String> {
        let meta = |keys: &[&str]| {
            keys.iter().find_map(|k| self.metas.iter().filter(|(n, _)| n == k).find_map(|(_, v)| normalize_date(v)))
        };
        meta(&["article:published_time", "og:published_time", "og:article:published_time", "datepublished"])
            .or_else(|| self.json_ld_date.as_deref().and_then(normalize_date))
            .or_else(|| {
                meta(&[
                    "date",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "publication_date",
                    "dc.date",
                    "dc.date.issued",
                    "dcterms.date",
                    "dcterms.issued",
                    "dcterms.created",
                    "sailthru.date",
                    "parsely-pub-date",
                    "article.published",
                ])
            })
            .or_else(|| self.time_pub.as_deref().and_then(normalize_date))
            .or_else(|| self.time_first.as_deref().and_then(normalize_date))
    }
}

/// The first `datePublished` in a JSON-LD block (objects, arrays, `@graph`).
fn json_ld_date(content: &str) -> Option<String> {
    fn find(v: &serde_json::Value) -> Option<String> {
        match v {
            serde_json::Value::Object(o) => match o.get("datePublished") {
                Some(serde_json::Value::String(s)) => Some(s.clone()),
                _ => o.values().find_map(find),
            },
            serde_json::Value::Array(a) => a.iter().find_map(find),
            _ => None,
        }
    }
    match serde_json::from_str::<serde_json::Value>(content.trim()) {
        Ok(v) => find(&v),
        Err(_) => {
            // Broken JSON (trailing commas are common): the string after the key.
            let at = content.find("\"datePublished\"")? + "\"datePublished\"".len();
            let rest = content[at..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
            rest.find('"').map(|end| rest[..end].to_string())
        }
    }
}

/// Which elements the HTML-to-text conversion skips.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Content already chosen (an article, a feed entry): non-text elements (scripts,
    /// styles, media, controls), navigation, asides and forms go.
    Article,
    /// A whole page: headers and footers go too.
    Page,
}

fn is_skipped(name: &str, mode: Mode) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "object"
            | "canvas"
            | "select"
            | "button"
            | "textarea"
            | "title"
            | "head"
            | "datalist"
            | "nav"
            | "aside"
            | "form"
            | "menu"
            | "dialog"
    ) || (mode == Mode::Page && matches!(name, "header" | "footer"))
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
    )
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "section"
            | "article"
            | "main"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "figure"
            | "figcaption"
            | "hr"
            | "address"
            | "details"
            | "summary"
            | "fieldset"
            | "legend"
            | "form"
            | "center"
            | "body"
            | "html"
            | "hgroup"
            | "menu"
            | "dialog"
            | "option"
    )
}

/// Plain text of an HTML fragment or page, paragraphs (block elements) separated by a
/// blank line, `<br>` kept as a line break, other whitespace collapsed.
pub(crate) fn html_to_text(html: &str, mode: Mode) -> String {
    html_to_paragraphs(html, mode).join("\n\n")
}

/// The paragraphs of [`html_to_text`].
pub(crate) fn html_to_paragraphs(html: &str, mode: Mode) -> Vec<String> {
    let mut out = Paragraphs::default();
    // Open skipped elements (their text is dropped until they close).
    let mut skip: Vec<String> = Vec::new();
    let mut pre = 0usize;
    for tok in Tokenizer::new(html) {
        match tok {
            Token::Start { name, self_closing, .. } => {
                // An unclosed `<head>` must not swallow the body.
                if name == "body" {
                    skip.retain(|s| s != "head");
                }
                if is_skipped(&name, mode) {
                    // Raw-text elements come with their content in one token: nothing to track.
                    if !self_closing && !is_void(&name) && !is_raw_text(&name) {
                        skip.push(name);
                    }
                    continue;
                }
                if !skip.is_empty() {
                    continue;
                }
                if name == "br" {
                    out.line_break();
                } else if name == "pre" {
                    out.flush();
                    pre += 1;
                } else if is_block(&name) {
                    out.flush();
                } else if matches!(name.as_str(), "td" | "th" | "img") {
                    out.space = true;
                }
            }
            Token::End { name } => {
                if let Some(at) = skip.iter().rposition(|s| *s == name) {
                    skip.truncate(at);
                    continue;
                }
                if !skip.is_empty() {
                    continue;
                }
                if name == "pre" {
                    out.flush();
                    pre = pre.saturating_sub(1);
                } else if is_block(&name) || name == "br" {
                    out.flush();
                } else if matches!(name.as_str(), "td" | "th") {
                    out.space = true;
                }
            }
            Token::Text(t) => {
                if skip.is_empty() {
                    out.text(&decode_entities(t), pre > 0);
                }
            }
            Token::Raw { .. } => {}
        }
    }
    out.flush();
    out.done
}

#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    cur: String,
    space: bool,
}

impl Paragraphs {
    fn text(&mut self, t: &str, pre: bool) {
        for c in t.chars() {
            if pre && c == '\n' {
                self.line_break();
            } else if c.is_whitespace() {
                self.space = !self.cur.is_empty() && !self.cur.ends_with('\n');
            } else if c != '\u{AD}' {
                if self.space {
                    self.cur.push(' ');
                    self.space = false;
                }
                self.cur.push(c);
            }
        }
    }

    fn line_break(&mut self) {
        if !self.cur.is_empty() && !self.cur.ends_with('\n') {
            self.cur.push('\n');
        }
        self.space = false;
    }

    fn flush(&mut self) {
        let p = self.cur.trim();
        if !p.is_empty() {
            self.done.push(p.to_string());
        }
        self.cur.clear();
        self.space = false;
    }
}

/// An HTML token. Attribute values are entity-decoded; text is not.
#[derive(Debug, PartialEq)]
pub(crate) enum Token<'a> {
    Text(&'a str),
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        self_closing: bool,
    },
    End {
        name: String,
    },
    /// The content of a raw-text element (`script`, `style`, `title`, ...), up to its end tag.
    Raw {
        name: String,
        content: &'a str,
    },
}

/// A forgiving HTML tokenizer: comments, doctypes and processing instructions are
/// dropped, a `<` that starts no tag is text, anything unterminated runs to the end.
pub(crate) struct Tokenizer<'a> {
    s: &'a str,
    pos: usize,
    raw: Option<String>,
}

impl<'a> Tokenizer<'a> {
    pub fn new(s: &'a str) -> Tokenizer<'a> {
        Tokenizer { s, pos: 0, raw: None }
    }

    /// Skips to just after the next `>` (or to the end).
    fn skip_past(&mut self, from: usize, needle: &str) {
        let rest = &self.s[self.pos..];
        self.pos += rest.get(from..).and_then(|r| r.find(needle)).map_or(rest.len(), |i| from + i + needle.len());
    }
}

fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "title"
            | "textarea"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

/// Where `</name` starts in `s` (any case), if anywhere.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut from = 0;
    while let Some(k) = s.get(from..).and_then(|r| r.find("</")) {
        let at = from + k;
        let after = &b[at + 2..];
        if after.len() >= name.len()
            && after[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && after.get(name.len()).is_none_or(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C' | b'/' | b'>'))
        {
            return Some(at);
        }
        from = at + 2;
    }
    None
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0C')
}

impl<'a> Iterator for Tokenizer<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(name) = self.raw.take() {
            let rest = &self.s[self.pos..];
            let end = if name == "plaintext" { rest.len() } else { find_end_tag(rest, &name).unwrap_or(rest.len()) };
            self.pos += end;
            return Some(Token::Raw { name, content: &rest[..end] });
        }
        loop {
            let rest = &self.s[self.pos..];
            let b = rest.as_bytes();
            let first = *b.first()?;
            if first != b'<' {
                let end = rest.find('<').unwrap_or(rest.len());
                self.pos += end;
                return Some(Token::Text(&rest[..end]));
            }
            match b.get(1) {
                Some(b'!') if rest.starts_with("<!--") => self.skip_past(4, "-->"),
                Some(b'!' | b'?') => self.skip_past(1, ">"),
                Some(b'/') if b.get(2).is_some_and(u8::is_ascii_alphabetic) => {
                    let mut i = 2;
                    while i < b.len() && !is_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
                        i += 1;
                    }
                    let name = rest[2..i].to_ascii_lowercase();
                    self.skip_past(i, ">");
                    return Some(Token::End { name });
                }
                Some(b'/') => self.skip_past(1, ">"),
                Some(c) if c.is_ascii_alphabetic() => return Some(self.start_tag()),
                _ => {
                    self.pos += 1;
                    return Some(Token::Text("<"));
                }
            }
        }
    }
}

impl<'a> Tokenizer<'a> {
    /// A start tag at `self.pos` (which is `<` followed by a letter).
    fn start_tag(&mut self) -> Token<'a> {
        let rest = &self.s[self.pos..];
        let b = rest.as_bytes();
        let mut i = 1;
        while i < b.len() && !is_space(b[i]) && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let name = rest[1..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        let mut self_closing = false;
        loop {
            while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
                self_closing = b[i] == b'/' && b.get(i + 1) == Some(&b'>');
                i += 1;
            }
            if i >= b.len() {
                break;
            }
            if b[i] == b'>' {
                i += 1;
                break;
            }
            self_closing = false;
            let start = i;
            i += 1; // at least one byte: `=` may start a name
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'>' | b'/' | b'=') {
                i += 1;
            }
            let key = rest[start..i].to_ascii_lowercase();
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let mut value = "";
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let end = rest[i + 1..].find(char::from(q)).map_or(b.len(), |k| i + 1 + k);
                        value = &rest[i + 1..end];
                        i = (end + 1).min(b.len());
                    }
                    _ => {
                        let start = i;
                        while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                            i += 1;
                        }
                        value = &rest[start..i];
                    }
                }
            }
            attrs.push((key, decode_entities(value).into_owned()));
        }
        self.pos += i;
        if is_raw_text(&name) && !(self_closing && name != "script") {
            self.raw = Some(name.clone());
        }
        Token::Start { name, attrs, self_closing }
    }
}

/// Replaces character references (`&amp;`, `&#233;`, `&#xE9;`, common named ones).
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match entity(rest) {
            Some((text, len)) => {
                out.push_str(&text);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The reference at the start of `s` (which starts with `&`): its text and byte length.
fn entity(s: &str) -> Option<(Cow<'static, str>, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let hex = matches!(b.get(2), Some(b'x' | b'X'));
        let start = if hex { 3 } else { 2 };
        let mut end = start;
        while end < b.len()
            && end - start < 8
            && (if hex { b[end].is_ascii_hexdigit() } else { b[end].is_ascii_digit() })
        {
            end += 1;
        }
        if end == start {
            return None;
        }
        let n = u32::from_str_radix(&s[start..end], if hex { 16 } else { 10 }).ok()?;
        let len = if b.get(end) == Some(&b';') { end + 1 } else { end };
        let c = match n {
            // Windows-1252 code points, as browsers read them.
            0x80..=0x9F => {
                let byte = [u8::try_from(n).unwrap_or(b'?')];
                encoding_rs::WINDOWS_1252.decode_without_bom_handling(&byte).0.chars().next().unwrap_or('\u{FFFD}')
            }
            0 => '\u{FFFD}',
            _ => char::from_u32(n).unwrap_or('\u{FFFD}'),
        };
        return Some((Cow::Owned(c.to_string()), len));
    }
    let mut end = 1;
    while end < b.len() && end <= 32 && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    if b.get(end) != Some(&b';') {
        return None;
    }
    let text = named_entity(&s[1..end])?;
    Some((Cow::Borrowed(text), end + 1))
}

fn named_entity(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" | "AMP" => "&",
        "lt" | "LT" => "<",
        "gt" | "GT" => ">",
        "quot" | "QUOT" => "\"",
        "apos" => "'",
        "nbsp" => "\u{A0}",
        "shy" => "",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "thinsp" => "\u{2009}",
        "zwnj" => "\u{200C}",
        "zwj" => "\u{200D}",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "sbquo" => "‚",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "laquo" => "«",
        "raquo" => "»",
        "lsaquo" => "‹",
        "rsaquo" => "›",
        "prime" => "′",
        "Prime" => "″",
        "bull" => "•",
        "middot" => "·",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "plusmn" => "±",
        "times" => "×",
        "divide" => "÷",
        "minus" => "−",
        "frac12" => "½",
        "frac14" => "¼",
        "frac34" => "¾",
        "sup2" => "²",
        "sup3" => "³",
        "micro" => "µ",
        "para" => "¶",
        "sect" => "§",
        "euro" => "€",
        "pound" => "£",
        "yen" => "¥",
        "cent" => "¢",
        "dollar" => "$",
        "percnt" => "%",
        "num" => "#",
        "commat" => "@",
        "iexcl" => "¡",
        "iquest" => "¿",
        "ordf" => "ª",
        "ordm" => "º",
        "dagger" => "†",
        "Dagger" => "‡",
        "larr" => "←",
        "rarr" => "→",
        "uarr" => "↑",
        "darr" => "↓",
        "Agrave" => "À",
        "Aacute" => "Á",
        "Acirc" => "Â",
        "Atilde" => "Ã",
        "Auml" => "Ä",
        "Aring" => "Å",
        "AElig" => "Æ",
        "Ccedil" => "Ç",
        "Egrave" => "È",
        "Eacute" => "É",
        "Ecirc" => "Ê",
        "Euml" => "Ë",
        "Igrave" => "Ì",
        "Iacute" => "Í",
        "Icirc" => "Î",
        "Iuml" => "Ï",
        "Ntilde" => "Ñ",
        "Ograve" => "Ò",
        "Oacute" => "Ó",
        "Ocirc" => "Ô",
        "Otilde" => "Õ",
        "Ouml" => "Ö",
        "Oslash" => "Ø",
        "OElig" => "Œ",
        "Scaron" => "Š",
        "Ugrave" => "Ù",
        "Uacute" => "Ú",
        "Ucirc" => "Û",
        "Uuml" => "Ü",
        "Yacute" => "Ý",
        "Yuml" => "Ÿ",
        "Zcaron" => "Ž",
        "szlig" => "ß",
        "agrave" => "à",
        "aacute" => "á",
        "acirc" => "â",
        "atilde" => "ã",
        "auml" => "ä",
        "aring" => "å",
        "aelig" => "æ",
        "ccedil" => "ç",
        "egrave" => "è",
        "eacute" => "é",
        "ecirc" => "ê",
        "euml" => "ë",
        "igrave" => "ì",
        "iacute" => "í",
        "icirc" => "î",
        "iuml" => "ï",
        "ntilde" => "ñ",
        "ograve" => "ò",
        "oacute" => "ó",
        "ocirc" => "ô",
        "otilde" => "õ",
        "ouml" => "ö",
        "oslash" => "ø",
        "oelig" => "œ",
        "scaron" => "š",
        "ugrave" => "ù",
        "uacute" => "ú",
        "ucirc" => "û",
        "uuml" => "ü",
        "yacute" => "ý",
        "yuml" => "ÿ",
        "zcaron" => "ž",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entities() {
        assert_eq!(
            decode_entities("a &amp; b &lt;c&gt; &#233;&#xE9;&eacute; &#150; &bogus; &"),
            "a & b <c> ééé – &bogus; &"
        );
        assert_eq!(decode_entities("&#0;&#xD800;&#99999999;"), "\u{FFFD}\u{FFFD}\u{FFFD}");
        assert_eq!(decode_entities("&#"), "&#");
    }

    #[test]
    fn tokens() {
        let toks: Vec<Token> =
            Tokenizer::new("<!DOCTYPE html><P class=\"x\" data-a='1 &amp; 2' hidden>a<b><!-- c --></p><br/>").collect();
        assert_eq!(
            toks,
            vec![
                Token::Start {
                    name: "p".into(),
                    attrs: vec![
                        ("class".into(), "x".into()),
                        ("data-a".into(), "1 & 2".into()),
                        ("hidden".into(), String::new())
                    ],
                    self_closing: false
                },
                Token::Text("a"),
                Token::Start { name: "b".into(), attrs: vec![], self_closing: false },
                Token::End { name: "p".into() },
                Token::Start { name: "br".into(), attrs: vec![], self_closing: true },
            ]
        );
        let toks: Vec<Token> = Tokenizer::new("<script>if (a</b) x()</SCRIPT >t").collect();
        assert_eq!(toks[1], Token::Raw { name: "script".into(), content: "if (a</b) x()" });
        assert_eq!(toks[3], Token::Text("t"));
        // Unterminated things do not loop or panic.
        for s in ["<", "<a", "<a b='", "<!--", "</", "</a", "<a =>", "<é>", "a < b", "<a\u{e9}=\u{e9}>", "<x y=\"é"] {
            let _ = Tokenizer::new(s).count();
            let _ = html_to_text(s, Mode::Page);
        }
    }

    #[test]
    fn text_conversion() {
        let t = html_to_text(
            "<html><head><title>T</title><style>p{}</style></head><body><nav>Menu</nav>\
             <h1>Head&shy;line</h1><p>One <b>bold</b>\n  word.<br>Next line.</p><div>Two</div>\
             <table><tr><td>a</td><td>b</td></tr></table><script>alert(1)</script><pre>x\ny</pre></body></html>",
            Mode::Page,
        );
        assert_eq!(t, "Headline\n\nOne bold word.\nNext line.\n\nTwo\n\na b\n\nx\ny");
    }

    #[test]
    fn titles_and_banners() {
        assert_eq!(strip_site_suffix("Troops cross the river - Daily Planet", None), "Troops cross the river");
        assert_eq!(
            strip_site_suffix("Troops cross the river | The Daily Planet News", Some("The Daily Planet News")),
            "Troops cross the river"
        );
        assert_eq!(strip_site_suffix("Russia - Ukraine talks", None), "Russia - Ukraine talks");
        assert_eq!(strip_site_suffix("Planet | Troops cross", Some("Planet")), "Troops cross");
        assert!(is_cookie_banner("We use cookies to improve your experience."));
        assert!(is_cookie_banner("Nous utilisons des traceurs pour mesurer l'audience du site."));
        assert!(!is_cookie_banner("« Nous utilisons tous les moyens », a dit le ministre."));
        assert_eq!(two_letter("fr-FR").as_deref(), Some("fr"));
        assert_eq!(two_letter("EN").as_deref(), Some("en"));
        assert_eq!(two_letter("fil"), None);
    }

    #[test]
    fn dates_from_metadata() {
        let m = Meta::scan(
            r#"<html lang="en-GB"><head><script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2021-03-04T10:00:00Z"}]}</script>
            <meta name="date" content="2020-01-01"></head><body><time datetime="2019-05-06">x</time></body></html>"#,
        );
        assert_eq!(m.published().as_deref(), Some("2021-03-04"));
        assert_eq!(m.lang.as_deref(), Some("en"));
        let m = Meta::scan(r#"<meta name="date" content="2020-01-01"><time datetime="2019-05-06">"#);
        assert_eq!(m.published().as_deref(), Some("2020-01-01"));
        let m = Meta::scan(r#"<time datetime="2019-05-06">a</time><time pubdate datetime="2018-07-08">"#);
        assert_eq!(m.published().as_deref(), Some("2018-07-08"));
        assert_eq!(json_ld_date(r#"{"datePublished": "2017-01-02",}"#).as_deref(), Some("2017-01-02"));
    }
}
