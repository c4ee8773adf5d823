//! End-to-end tests of the readers and the walker, on fixtures written here.

use std::fs;
use std::path::{Path, PathBuf};

use sitrep_ingest::{Article, Format, Item, Problem, Walker, content_hash, decode, read_bytes};

/// A short description of an item: `A origin | id | title | published | url | source |
/// lang` or `P origin: message`.
fn show(item: &Item) -> String {
    match item {
        Item::Article(Article { doc, origin }) => format!(
            "A {origin} | {} | {} | {} | {} | {} | {}",
            doc.id,
            doc.title.as_deref().unwrap_or("-"),
            doc.published.as_deref().unwrap_or("-"),
            doc.url.as_deref().unwrap_or("-"),
            doc.source.as_deref().unwrap_or("-"),
            doc.lang.as_deref().unwrap_or("-"),
        ),
        Item::Problem(p) => format!("P {p}"),
    }
}

/// Whether `s` matches `pattern`, where `*` stands for any run of characters.
fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return pattern == s };
    let Some(mut rest) = s.strip_prefix(first) else { return false };
    for part in middle {
        let Some(at) = rest.find(part) else { return false };
        rest = &rest[at + part.len()..];
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Checks the items' descriptions against `expected`, a pattern each (see [`glob`]).
#[track_caller]
fn check(items: &[Item], expected: &[&str]) {
    let got: Vec<String> = items.iter().map(show).collect();
    let ok = got.len() == expected.len() && got.iter().zip(expected).all(|(g, e)| glob(e, g));
    assert!(ok, "got:\n{}\nexpected:\n{}", got.join("\n"), expected.join("\n"));
}

fn texts(items: &[Item]) -> Vec<&str> {
    items.iter().filter_map(Item::article).map(|a| a.doc.text.as_str()).collect()
}

fn walk(paths: &[PathBuf]) -> Vec<Item> {
    Walker::new(paths).collect()
}

fn write(dir: &Path, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(&p, bytes).unwrap();
    p
}

fn name(p: &Path) -> String {
    p.display().to_string()
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Convoy reaches the northern valley - The Example Courier</title>
<meta property="og:title" content="Convoy reaches the northern valley | The Example Courier">
<meta property="og:site_name" content="The Example Courier">
<meta property="article:published_time" content="2023-04-05T09:30:00+02:00">
<link rel="canonical" href="https://courier.example/world/convoy">
<script>alert(1)</script>
<style>.x { color: red }</style>
</head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<div class="cookie-banner"><p>We use cookies to improve your experience on our site.</p></div>
<article>
<h1>Convoy reaches the northern valley</h1>
<p>A relief convoy of twelve trucks reached the northern valley on Tuesday after three days on the mountain road, local officials said.</p>
<img src="x.png" onerror="alert('img')">
<p>The trucks carried flour, medicine and fuel for the two villages cut off since the bridge collapsed last month, according to the regional office.</p>
<p>Officials said a second convoy would leave the capital <b>next week</b>, weather permitting, and that engineers were already surveying the river crossing.</p>
<script>document.write('injected text')</script>
</article>
<footer>Copyright The Example Courier</footer>
</body>
</html>
"#;

const RSS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
<channel>
<title>Example Wire</title>
<link>https://wire.example/</link>
<description>Test feed</description>
<language>fr-fr</language>
<item>
<title>Talks resume in the border town</title>
<link>https://wire.example/a/1</link>
<guid>wire-1</guid>
<pubDate>Tue, 13 Sep 2022 22:30:00 -0300</pubDate>
<description>&lt;p&gt;Delegations met for four hours.&lt;/p&gt;&lt;p&gt;A second round is planned.&lt;/p&gt;</description>
</item>
<item>
<title>Market reopens</title>
<link>https://wire.example/a/2</link>
<description>Stalls opened again on Sunday morning.</description>
</item>
</channel>
</rss>
"#;

#[test]
fn text_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "armenia-azerbaijan-2022-09-13.txt",
        "\nShelling near the border\n\nTwo villages were shelled overnight.\n",
    );
    let n = name(&p);
    let items = walk(std::slice::from_ref(&p));
    check(&items, &[&format!("A {n} | {n} | Shelling near the border | 2022-09-13 | - | - | -")]);
    assert_eq!(texts(&items), ["\nShelling near the border\n\nTwo villages were shelled overnight.\n"]);
    // No date, or not a real one, in the name.
    let p = write(dir.path(), "notes-2022-02-30.txt", "x");
    check(&walk(&[p]), &["A * | x | - | - | - | -"]);
}

#[test]
fn empty_and_binary_files() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "a.txt", "");
    let blank = write(dir.path(), "b.txt", " \n\n");
    let html = write(dir.path(), "c.html", "");
    let png = write(dir.path(), "d.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0\0\0\x01\0\x08\x02\0\0\0");
    let gz = write(dir.path(), "e.gz", b"\x1f\x8b\x08\0\0\0\0\0\0\x03");
    check(
        &walk(&[empty.clone(), blank.clone(), html.clone(), png.clone(), gz.clone()]),
        &[
            &format!("P {}: empty file", name(&empty)),
            &format!("P {}: empty file", name(&blank)),
            &format!("P {}: empty file", name(&html)),
            &format!("P {}: binary data, not text: skipped", name(&png)),
            &format!("P {}: gzip-compressed input is only read as a WARC (.warc.gz): skipped", name(&gz)),
        ],
    );
}

#[test]
fn jsonl_broken_middle_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "batch.jsonl",
        concat!(
            r#"{"id": "a", "text": "First report.", "published": "2022-09-13T08:00:00Z", "title": "T1", "url": "https://x.example/1", "source": "X", "lang": "en"}"#,
            "\n",
            "{\"id\": \"b\", \"text\": \"broken\n",
            "\n",
            "   \n",
            r#"{"id": 42, "text": "Third report.", "published": "2022-02-30"}"#,
            "\n",
            r#"{"text": "No id."}"#,
            "\n",
            r#"{"id": "c"}"#,
            "\n",
            "[1, 2]\n",
            r#"{"text": 7}"#,
        ),
    );
    let n = name(&p);
    check(
        &walk(&[p]),
        &[
            &format!("A {n}:1 | a | T1 | 2022-09-13 | https://x.example/1 | X | en"),
            &format!("P {n}:2: not valid JSON (*"),
            &format!("A {n}:5 | 42 | - | - | - | - | -"),
            &format!("A {n}:6 | {n}:6 | - | - | - | - | -"),
            &format!("P {n}:7: no \"text\" field: record skipped"),
            &format!("P {n}:8: not a JSON object: record skipped"),
            &format!("P {n}:9: \"text\" is not a string: record skipped"),
        ],
    );
}

#[test]
fn jsonl_long_lines_and_encodings() {
    let long = "word ".repeat(300_000);
    let mut data = format!("{{\"text\": \"{long}\"}}\n").into_bytes();
    data.extend_from_slice(b"{\"text\": \"caf\xe9 cr\xe8me\"}\n");
    let items = read_bytes(&data, "mem", Format::Jsonl);
    check(
        &items,
        &[
            "A mem:1 | mem:1 | - | - | - | - | -",
            "P mem:2: not valid UTF-8: read as Windows-1252 (Latin-1)",
            "A mem:2 | mem:2 | - | - | - | - | -",
        ],
    );
    assert_eq!(texts(&items), [long.as_str(), "café crème"]);
    // UTF-16 JSON Lines with a byte-order mark, and a UTF-8 byte-order mark.
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("{\"text\": \"un\"}\n{\"text\": \"deux\"}\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    assert_eq!(texts(&read_bytes(&utf16, "u", Format::Jsonl)), ["un", "deux"]);
    assert_eq!(texts(&read_bytes(b"\xEF\xBB\xBF{\"text\": \"bom\"}", "u", Format::Jsonl)), ["bom"]);
}

#[test]
fn html_page() {
    let items = read_bytes(PAGE.as_bytes(), "pages/convoy.html", Format::Html);
    check(
        &items,
        &[
            "A pages/convoy.html | pages/convoy.html | Convoy reaches the northern valley | 2023-04-05 | https://courier.example/world/convoy | The Example Courier | en",
        ],
    );
    let text = texts(&items)[0];
    for bad in ["alert", "injected", "cookies", "color: red", "onerror", "Home", "Copyright"] {
        assert!(!text.contains(bad), "{bad:?} in {text:?}");
    }
    assert!(text.contains("twelve trucks reached the northern valley on Tuesday"), "{text}");
    assert!(text.contains("said.\n\nThe trucks carried"), "{text}");
    assert!(text.contains("capital next week, weather"), "{text}");
}

#[test]
fn html_fallback_and_failures() {
    // Too little for Readability: the tag stripper still finds the text.
    let small =
        "<html><body><nav>Menu</nav><div>Rain fell.</div><div>Roads closed.</div><script>evil()</script></body></html>";
    let items = read_bytes(small.as_bytes(), "s.html", Format::Html);
    check(&items, &["A s.html | s.html | - | - | - | - | -"]);
    assert_eq!(texts(&items), ["Rain fell.\n\nRoads closed."]);
    let items = read_bytes(
        b"<html><head><title>Only</title><script>x()</script></head><body> </body></html>",
        "e.html",
        Format::Html,
    );
    check(&items, &["P e.html: no article text"]);
    // Dates from JSON-LD and <time>; Latin-1 declared in a meta tag.
    let page = b"<html><head><meta charset=\"iso-8859-1\"><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":\"2020-06-07\"}</script></head><body><p>D\xe9p\xeache de l'\xe9t\xe9.</p></body></html>";
    let items = read_bytes(page, "l.html", Format::Html);
    check(&items, &["A l.html | l.html | - | 2020-06-07 | - | - | -"]);
    assert_eq!(texts(&items), ["Dépêche de l'été."]);
    let items = read_bytes(b"<p>Vote counted.</p><time datetime=\"2019-11-12T10:00\">", "t.html", Format::Html);
    check(&items, &["A t.html | t.html | - | 2019-11-12 | - | - | -"]);
}

#[test]
fn feeds() {
    let items = read_bytes(RSS.as_bytes(), "wire.xml", Format::Feed);
    check(
        &items,
        &[
            "A wire.xml#1 | wire-1 | Talks resume in the border town | 2022-09-14 | https://wire.example/a/1 | Example Wire | fr",
            "A wire.xml#2 | https://wire.example/a/2 | Market reopens | - | https://wire.example/a/2 | Example Wire | fr",
        ],
    );
    assert_eq!(
        texts(&items),
        [
            "Talks resume in the border town\n\nDelegations met for four hours.\n\nA second round is planned.",
            "Market reopens\n\nStalls opened again on Sunday morning."
        ]
    );
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Desk</title>
  <id>urn:desk</id>
  <updated>2021-01-02T00:00:00Z</updated>
  <entry><title>Dam inspected</title><id>urn:e1</id><updated>2021-01-02T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Engineers inspected the dam.&lt;/p&gt;</content></entry>
  <entry><id>urn:e2</id><updated>2021-01-03T10:00:00Z</updated></entry>
  <entry><summary>Only a summary here.</summary></entry>
</feed>"#;
    let items = read_bytes(atom.as_bytes(), "desk.atom", Format::Feed);
    check(
        &items,
        &[
            "A desk.atom#1 | urn:e1 | Dam inspected | 2021-01-02 | - | Atom Desk | -",
            "P desk.atom#2: no article text",
            "A desk.atom#3 | desk.atom#3 | - | - | - | Atom Desk | -",
        ],
    );
    assert_eq!(texts(&items), ["Dam inspected\n\nEngineers inspected the dam.", "Only a summary here."]);
    check(
        &read_bytes(b"<rss version=\"2.0\"><channel><title>x", "bad.rss", Format::Feed),
        &["P bad.rss: not a valid feed (*"],
    );
    check(&read_bytes(b"just words", "w.rss", Format::Feed), &["P w.rss: not a valid feed (*"]);
}

#[test]
fn feeds_lying_about_their_encoding() {
    // Declared UTF-8, written in Latin-1.
    let latin1 = RSS.replace("Market reopens", "March\u{e9} rouvert");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&latin1);
    let items = read_bytes(&bytes, "l.xml", Format::Feed);
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[1].article().and_then(|a| a.doc.title.as_deref()), Some("Marché rouvert"));
    // Declared Latin-1, written in UTF-8.
    let utf8 = latin1.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    let items = read_bytes(utf8.as_bytes(), "u.xml", Format::Feed);
    assert_eq!(items[1].article().and_then(|a| a.doc.title.as_deref()), Some("Marché rouvert"));
}

/// One WARC record, uncompressed.
fn record(kind: &str, uri: &str, extra: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{kind}-{}>\r\nWARC-Date: 2024-02-03T04:05:06Z\r\nWARC-Target-URI: {uri}\r\n{extra}Content-Length: {}\r\n\r\n",
        uri.len(),
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn http(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!("HTTP/1.1 200 OK\r\n{headers}\r\n").into_bytes();
    r.extend_from_slice(body);
    r
}

fn warc_fixture() -> (Vec<u8>, usize) {
    let mut w = record("warcinfo", "", "Content-Type: application/warc-fields\r\n", b"software: test\r\n");
    w.extend(record("request", "https://a.example/x", "", b"GET /x HTTP/1.1\r\nHost: a.example\r\n\r\n"));
    let first = w.len();
    w.extend(record(
        "response",
        "https://a.example/x",
        "",
        &http("Content-Type: text/html; charset=utf-8\r\n", PAGE.as_bytes()),
    ));
    w.extend(record("response", "https://a.example/i.png", "", &http("Content-Type: image/png\r\n", b"\x89PNG")));
    let latin = b"<html><body><p>Le pont a \xe9t\xe9 rouvert mardi.</p></body></html>";
    w.extend(record(
        "response",
        "https://b.example/p",
        "",
        &http("Content-Type: text/html; charset=windows-1252\r\n", latin),
    ));
    w.extend(record("metadata", "https://b.example/p", "", b"via: x\r\n"));
    w.extend(record("resource", "file:///c.html", "Content-Type: text/html\r\n", b"<p>A resource page.</p>"));
    (w, first)
}

#[test]
fn warc_records() {
    let (w, first) = warc_fixture();
    let items = read_bytes(&w, "crawl.warc", Format::Warc);
    check(
        &items,
        &[
            &format!(
                "A crawl.warc@{first} | https://a.example/x | Convoy reaches the northern valley | 2023-04-05 | https://a.example/x | The Example Courier | en"
            ),
            "A crawl.warc@* | https://b.example/p | - | 2024-02-03 | https://b.example/p | - | -",
            "A crawl.warc@* | file:///c.html | - | 2024-02-03 | file:///c.html | - | -",
        ],
    );
    assert_eq!(texts(&items)[1], "Le pont a été rouvert mardi.");
    assert!(!texts(&items)[0].contains("alert"));
}

#[test]
fn truncated_warc() {
    let (w, _) = warc_fixture();
    let cut = w.len() - 14; // inside the last record's content
    let last = w.windows(8).rposition(|x| x == b"WARC/1.0").unwrap();
    let items = read_bytes(&w[..cut], "cut.warc", Format::Warc);
    check(
        &items,
        &[
            "A cut.warc@* | https://a.example/x | *",
            "A cut.warc@* | https://b.example/p | *",
            &format!(
                "P cut.warc@{last}: truncated WARC record (13 of 23 content bytes): rest of the WARC file skipped"
            ),
        ],
    );
    // A wrong Content-Length, and garbage instead of a record.
    let mut bad = record("response", "https://a.example/x", "", &http("Content-Type: text/html\r\n", b"<p>Text.</p>"));
    bad.extend_from_slice(b"this is not a record\r\n\r\n");
    let items = read_bytes(&bad, "g.warc", Format::Warc);
    check(&items, &["A g.warc@0 | *", "P g.warc@*"]);
    assert!(show(&items[1]).ends_with(": not a WARC record (no WARC/ version line): rest of the WARC file skipped"));
    let bad = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 2\r\n\r\nabcdef\r\n\r\n";
    check(
        &read_bytes(bad, "l.warc", Format::Warc),
        &["P l.warc@0: record not followed by CR LF CR LF (wrong Content-Length?): rest of the WARC file skipped"],
    );
    check(
        &read_bytes(b"WARC/1.0\r\nContent-Length: 99999999999999999999999\r\n\r\n", "h.warc", Format::Warc),
        &["P h.warc@0: malformed WARC record header: *"],
    );
}

#[test]
fn gzip_warc() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crawl.warc.gz");
    let mut enc = warc::WarcWriter::from_path_gzip(&path).unwrap();
    // Records through the writer, to check that it reads what the crate writes.
    let headers = warc::RawRecordHeader {
        version: "1.0".into(),
        headers: [
            (warc::WarcHeader::WarcType, b"resource".to_vec()),
            (warc::WarcHeader::RecordID, b"<urn:uuid:1>".to_vec()),
            (warc::WarcHeader::Date, b"2024-05-06T00:00:00Z".to_vec()),
            (warc::WarcHeader::TargetURI, b"https://z.example/".to_vec()),
            (warc::WarcHeader::ContentType, b"text/html".to_vec()),
            (warc::WarcHeader::ContentLength, b"23".to_vec()),
        ]
        .into_iter()
        .collect(),
    };
    enc.write_raw(headers, b"<p>Written by warc.</p>").unwrap();
    let Ok(gz) = enc.into_inner() else { panic!("cannot flush") };
    gz.finish().into_result().unwrap();
    let items = walk(std::slice::from_ref(&path));
    let n = name(&path);
    check(&items, &[&format!("A {n}@0 | https://z.example/ | - | 2024-05-06 | https://z.example/ | - | -")]);
    assert_eq!(texts(&items), ["Written by warc."]);
    // In memory, and truncated.
    let bytes = fs::read(&path).unwrap();
    check(&read_bytes(&bytes, "m.warc.gz", Format::Warc), &["A m.warc.gz@0 | https://z.example/ | *"]);
    let items = read_bytes(&bytes[..bytes.len() - 12], "t.warc.gz", Format::Warc);
    assert!(matches!(items.last(), Some(Item::Problem(p)) if p.origin.starts_with("t.warc.gz@")), "{items:?}");
}

#[test]
fn directory_order_and_progress() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "b.txt", "bee");
    write(d, "a/z.txt", "zed");
    write(d, "a/y/x.txt", "ex");
    write(d, "c.jsonl", "{\"text\": \"sea\"}\n");
    write(d, ".hidden.txt", "no");
    write(d, "B.txt", "capital");
    let mut w = Walker::new(&[d.to_path_buf()]);
    assert_eq!(w.total_bytes(), 3 + 3 + 2 + 16 + 7);
    assert_eq!(w.bytes_done(), 0);
    let mut origins = Vec::new();
    for item in w.by_ref() {
        origins.push(item.origin().strip_prefix(&name(d)).unwrap_or("?").to_string());
    }
    assert_eq!(origins, ["/B.txt", "/a/y/x.txt", "/a/z.txt", "/b.txt", "/c.jsonl:1"]);
    assert_eq!(w.bytes_done(), w.total_bytes());
}

#[test]
fn formats_sniffed_without_extension() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "1", "\n{\"text\": \"A record.\"}\n");
    write(d, "2", PAGE);
    write(d, "3", RSS);
    write(d, "4", warc_fixture().0);
    write(d, "5", "Words.");
    let n = name(d);
    check(
        &walk(&[d.to_path_buf()]),
        &[
            &format!("A {n}/1:2 | *"),
            &format!("A {n}/2 | {n}/2 | Convoy reaches the northern valley | *"),
            &format!("A {n}/3#1 | wire-1 | *"),
            &format!("A {n}/3#2 | *"),
            &format!("A {n}/4@* | https://a.example/x | *"),
            &format!("A {n}/4@* | https://b.example/p | *"),
            &format!("A {n}/4@* | file:///c.html | *"),
            &format!("A {n}/5 | {n}/5 | Words. | *"),
        ],
    );
}

#[test]
fn missing_and_repeated_paths() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", "one");
    let missing = dir.path().join("nope.txt");
    let items = walk(&[a.clone(), missing.clone(), a.clone()]);
    check(
        &items,
        &[
            "A * | one | - | - | - | -",
            &format!("P {}: cannot read: *", name(&missing)),
            &format!("P {}: same file as {}: skipped", name(&a), name(&a)),
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "top/a.txt", "alpha");
    std::os::unix::fs::symlink(d.join("top"), d.join("top/loop")).unwrap();
    std::os::unix::fs::symlink(d.join("top/a.txt"), d.join("top/b.txt")).unwrap();
    std::os::unix::fs::symlink(d.join("top/self"), d.join("top/self")).unwrap();
    let top = d.join("top");
    let items = walk(std::slice::from_ref(&top));
    let t = name(&top);
    check(
        &items,
        &[
            &format!("A {t}/a.txt | *"),
            &format!("P {t}/b.txt: same file as {t}/a.txt: skipped"),
            &format!("P {t}/loop: directory already visited (symbolic link loop?): skipped"),
            &format!("P {t}/self: cannot read: *"),
        ],
    );
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.txt", "secret");
    let b = write(dir.path(), "b.txt", "open");
    fs::set_permissions(&a, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&a).is_ok() {
        // Running with privileges that read any file: a file whose reading fails
        // (memory at address 0) stands in for it on Linux.
        let mem = PathBuf::from("/proc/self/mem");
        if cfg!(target_os = "linux") && fs::read(&mem).is_err() {
            check(&walk(&[mem, b.clone()]), &["P /proc/self/mem: cannot read: *", &format!("A {} | *", name(&b))]);
        } else {
            eprintln!("skipped: running with privileges that read any file");
        }
        return;
    }
    let items = walk(&[dir.path().to_path_buf()]);
    check(&items, &[&format!("P {}: cannot read: *", name(&a)), &format!("A {} | *", name(&b))]);
    fs::set_permissions(&a, fs::Permissions::from_mode(0o600)).unwrap();
}

#[test]
fn text_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let words = "Le cessez-le-feu a été respecté.\n";
    let bom: Vec<u8> = [0xFF, 0xFE].into_iter().chain(words.encode_utf16().flat_map(u16::to_le_bytes)).collect();
    let no_bom: Vec<u8> = words.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let (latin, _, _) = encoding_rs::WINDOWS_1252.encode(words);
    let a = write(dir.path(), "a.txt", bom);
    let b = write(dir.path(), "b", no_bom);
    let c = write(dir.path(), "c.txt", &latin[..]);
    let d = write(
        dir.path(),
        "d.txt",
        b"A line of ordinary words.\nAnother line \x81\x8d\x90 with damaged bytes in the middle of it.",
    );
    let items = walk(&[a.clone(), b.clone(), c.clone(), d.clone()]);
    check(
        &items,
        &[
            &format!("A {} | *", name(&a)),
            &format!("P {}: no byte-order mark: read as UTF-16BE", name(&b)),
            &format!("A {} | *", name(&b)),
            &format!("P {}: not valid UTF-8: read as Windows-1252 (Latin-1)", name(&c)),
            &format!("A {} | *", name(&c)),
            &format!("P {}:2: invalid UTF-8 at byte 39: bad bytes replaced with U+FFFD and analysed anyway", name(&d)),
            &format!("A {} | *", name(&d)),
        ],
    );
    assert_eq!(texts(&items)[..3], [words, words, words]);
    assert_eq!(
        decode(b"x\x81", "n").1.as_deref(),
        Some("n:1: invalid UTF-8 at byte 1: bad bytes replaced with U+FFFD and analysed anyway")
    );
}

#[test]
fn hashes_ignore_whitespace() {
    let a = content_hash("Troops  crossed\nthe river.\n");
    assert_eq!(a, content_hash("  Troops crossed the\t\triver. "));
    assert_eq!(a.len(), 32);
    assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(a, content_hash("Troops crossed the river!"));
    assert_eq!(content_hash(""), content_hash(" \n "));
}

#[test]
fn problems_display_and_walker_is_send() {
    let p = Problem::new("f.jsonl:2", "not valid JSON");
    assert_eq!(p.to_string(), "f.jsonl:2: not valid JSON");
    let _: &dyn std::error::Error = &p;
    fn send<T: Send>() {}
    send::<Walker>();
    send::<Item>();
}

/// Every prefix of every fixture, and scrambled bytes, in every format: no panic.
#[test]
fn no_panics_on_damaged_input() {
    let (w, _) = warc_fixture();
    let fixtures: Vec<Vec<u8>> = vec![PAGE.as_bytes().to_vec(), RSS.as_bytes().to_vec(), w];
    let formats = [Format::Text, Format::Jsonl, Format::Html, Format::Feed, Format::Warc];
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for f in &fixtures {
        let step = (f.len() / 97).max(1);
        for cut in (0..f.len()).step_by(step) {
            for format in formats {
                let _ = read_bytes(&f[..cut], "p", format);
            }
        }
        for _ in 0..40 {
            let mut g = f.clone();
            for _ in 0..8 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let at = usize::try_from(seed % g.len() as u64).unwrap();
                g[at] = (seed >> 32) as u8;
            }
            for format in formats {
                let _ = read_bytes(&g, "s", format);
            }
        }
    }
}
