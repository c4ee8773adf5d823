//! What a source's answer lists: the items of a feed (with the feed's own text, used
//! when the page cannot be fetched), the URLs of a sitemap (or the child sitemaps of a
//! sitemap index), or the page itself.

use sitrep_core::Document;
use sitrep_ingest::{Format, Item};

use crate::sources::SourceKind;

/// One item a source lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// Absolute URL of the item's page.
    pub url: String,
    /// The feed's own document for it (title, date, summary or full text), if any.
    pub feed_doc: Option<Document>,
}

/// What an answer is.
#[derive(Debug, PartialEq)]
pub enum Listing {
    Items(Vec<Listed>),
    /// A sitemap index: child sitemaps to read in the same poll.
    Sitemaps(Vec<String>),
    /// The answer is the article itself.
    Page,
    /// Unreadable (malformed XML, an empty feed): the reason.
    Bad(String),
}

/// Decides what kind the answer is (for `Auto`) from its type and first bytes.
pub fn kind_of(declared: SourceKind, content_type: Option<&str>, body: &[u8]) -> SourceKind {
    if declared != SourceKind::Auto {
        return declared;
    }
    let head = String::from_utf8_lossy(&body[..body.len().min(2048)]).to_ascii_lowercase();
    if head.contains("<urlset") || head.contains("<sitemapindex") {
        return SourceKind::Sitemap;
    }
    let ct = content_type.unwrap_or("").to_ascii_lowercase();
    if head.contains("<rss")
        || head.contains("<feed")
        || head.contains("<rdf:rdf")
        || ct.contains("rss")
        || ct.contains("atom")
    {
        return SourceKind::Feed;
    }
    if ct.contains("xml") && !ct.contains("html") {
        return SourceKind::Feed;
    }
    SourceKind::Page
}

/// Lists the items of an answer from `base` (the URL answered, for relative links).
pub fn list(kind: SourceKind, base: &str, body: &[u8]) -> Listing {
    match kind {
        SourceKind::Page | SourceKind::Auto => Listing::Page,
        SourceKind::Feed => feed(base, body),
        SourceKind::Sitemap => sitemap(base, body),
        SourceKind::Links => links(base, body),
    }
}

/// Whether a link looks like an article rather than a section, tag or file: on the
/// same host, not a file by its extension, and a path of three segments or more, or a
/// last segment of at least 12 characters with a hyphen or a digit (a slug or an id).
fn article_like(base: &url::Url, u: &url::Url) -> bool {
    if u.host_str() != base.host_str() || u.path() == base.path() {
        return false;
    }
    let path = u.path().trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or("");
    let ext = last.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    if ext.is_some_and(|e| !matches!(e.as_str(), "html" | "htm" | "php" | "asp" | "aspx" | "shtml")) {
        return false;
    }
    let segments = path.split('/').filter(|s| !s.is_empty()).count();
    segments >= 3 || (last.chars().count() >= 12 && last.chars().any(|c| c == '-' || c.is_ascii_digit()))
}

/// The article links of a listing page, in page order, once each.
fn links(base: &str, body: &[u8]) -> Listing {
    let Ok(b) = url::Url::parse(base) else { return Listing::Bad("a bad base URL".into()) };
    let html = String::from_utf8_lossy(body);
    let lower = html.to_ascii_lowercase();
    let mut out: Vec<Listed> = Vec::new();
    let mut at = 0;
    while let Some(i) = lower[at..].find("<a ") {
        let start = at + i;
        let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
        let tag = &html[start..end];
        at = end;
        let Some(h) = tag.to_ascii_lowercase().find("href=") else { continue };
        let v = tag[h + 5..].trim_start();
        let href = match v.chars().next() {
            Some(q @ ('"' | '\'')) => v[1..].split(q).next().unwrap_or(""),
            _ => v.split(|c: char| c.is_whitespace() || c == '>').next().unwrap_or(""),
        };
        let href = href.replace("&amp;", "&");
        let Some(u) = absolute(base, &href) else { continue };
        if url::Url::parse(&u).is_ok_and(|p| article_like(&b, &p)) && !out.iter().any(|x| x.url == u) {
            out.push(Listed { url: u, feed_doc: None });
        }
    }
    if out.is_empty() {
        return Listing::Bad("no links to article pages on this page".into());
    }
    Listing::Items(out)
}

fn absolute(base: &str, link: &str) -> Option<String> {
    let base = url::Url::parse(base).ok()?;
    let u = base.join(link.trim()).ok()?;
    matches!(u.scheme(), "http" | "https").then(|| {
        let mut u = u;
        u.set_fragment(None);
        u.to_string()
    })
}

fn feed(base: &str, body: &[u8]) -> Listing {
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for item in sitrep_ingest::read_bytes(body, base, Format::Feed) {
        match item {
            Item::Article(a) => {
                let Some(url) = a.doc.url.as_deref().and_then(|l| absolute(base, l)) else {
                    problems.push(format!("{}: an entry without a link", a.origin));
                    continue;
                };
                if !items.iter().any(|x: &Listed| x.url == url) {
                    items.push(Listed { url, feed_doc: Some(a.doc) });
                }
            }
            Item::Problem(p) => problems.push(p.to_string()),
        }
    }
    if items.is_empty() {
        return Listing::Bad(problems.into_iter().next().unwrap_or_else(|| "no entries".into()));
    }
    Listing::Items(items)
}

/// The text of every `<loc>` element, entities decoded (sitemaps are flat: no XML parser
/// is needed, and a malformed one still gives its well-formed entries).
fn locs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("<loc>") {
        rest = &rest[i + 5..];
        let Some(j) = rest.find("</loc>") else { break };
        let v = rest[..j].trim();
        let v = v.strip_prefix("<![CDATA[").and_then(|v| v.strip_suffix("]]>")).unwrap_or(v);
        out.push(
            v.replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&apos;", "'"),
        );
        rest = &rest[j + 6..];
    }
    out
}

fn sitemap(base: &str, body: &[u8]) -> Listing {
    let text = String::from_utf8_lossy(body);
    let index = text.contains("<sitemapindex");
    if !index && !text.contains("<urlset") {
        return Listing::Bad("not a sitemap (no <urlset> or <sitemapindex>)".into());
    }
    let mut urls: Vec<String> = locs(&text).iter().filter_map(|l| absolute(base, l)).collect();
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.clone()));
    if index {
        return Listing::Sitemaps(urls);
    }
    if urls.is_empty() {
        return Listing::Bad("a sitemap without <loc> entries".into());
    }
    Listing::Items(urls.into_iter().map(|url| Listed { url, feed_doc: None }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_sniffed() {
        assert_eq!(kind_of(SourceKind::Auto, None, b"<?xml version=\"1.0\"?><rss>"), SourceKind::Feed);
        assert_eq!(kind_of(SourceKind::Auto, Some("application/xml"), b"<urlset>"), SourceKind::Sitemap);
        assert_eq!(kind_of(SourceKind::Auto, Some("text/html"), b"<!doctype html>"), SourceKind::Page);
        assert_eq!(kind_of(SourceKind::Page, None, b"<rss>"), SourceKind::Page);
    }

    #[test]
    fn feed_links_are_absolute_and_once() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>/a.html#top</link><description>Text a.</description></item>
<item><title>A again</title><link>https://news.test/a.html</link><description>Text a.</description></item>
<item><title>B</title><link>b.html</link><description>Text b.</description></item>
</channel></rss>"#;
        let Listing::Items(items) = list(SourceKind::Feed, "https://news.test/feed/rss.xml", rss) else { panic!() };
        let urls: Vec<&str> = items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(urls, ["https://news.test/a.html", "https://news.test/feed/b.html"]);
        assert_eq!(items[0].feed_doc.as_ref().unwrap().title.as_deref(), Some("A"));
    }

    #[test]
    fn a_listing_page_gives_its_article_links() {
        let html = br#"<html><body><a href="/">Home</a><a href="/world/">World</a>
<a class="x" href="/world/africa/2024/03/04/gunmen-attack-gao">Gao</a>
<a href='/news/dakar-students-march-123.html'>Dakar</a><a href="/logo.png">logo</a>
<a href="https://other.test/world/africa/2024/x">elsewhere</a><a href="/tag/mali">Mali</a>
<a href="/world/africa/2024/03/04/gunmen-attack-gao#comments">again</a></body></html>"#;
        let Listing::Items(items) = list(SourceKind::Links, "https://n.test/world/", html) else { panic!() };
        let urls: Vec<&str> = items.iter().map(|i| i.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://n.test/world/africa/2024/03/04/gunmen-attack-gao",
                "https://n.test/news/dakar-students-march-123.html"
            ]
        );
    }

    #[test]
    fn sitemaps_and_bad_answers() {
        let sm = b"<urlset><url><loc>https://n.test/1?a=1&amp;b=2</loc></url><url><loc> /2 </loc></url></urlset>";
        let Listing::Items(items) = list(SourceKind::Sitemap, "https://n.test/sitemap.xml", sm) else { panic!() };
        assert_eq!(items[0].url, "https://n.test/1?a=1&b=2");
        assert_eq!(items[1].url, "https://n.test/2");
        let idx = b"<sitemapindex><sitemap><loc>https://n.test/s1.xml</loc></sitemap></sitemapindex>";
        assert_eq!(
            list(SourceKind::Sitemap, "https://n.test/", idx),
            Listing::Sitemaps(vec!["https://n.test/s1.xml".into()])
        );
        assert!(matches!(list(SourceKind::Feed, "https://n.test/", b"<rss><channel><item><title>x"), Listing::Bad(_)));
        assert!(matches!(list(SourceKind::Sitemap, "https://n.test/", b"<html>"), Listing::Bad(_)));
    }
}
