//! Seed corpora: small hand-written inputs per target (news-like sentences in French,
//! English and Spanish, HTML with scripts and deep nesting, feeds, a WARC written by hand,
//! broken JSON Lines, odd Unicode), plus one input over 1 MiB for the analysis' chunking.

use crate::LANGS;

/// `[lang byte][published]\n[text]`, the layout [`crate::Input::split`] reads.
pub fn encode_input(lang: Option<&str>, published: Option<&str>, text: &str) -> Vec<u8> {
    let b = LANGS.iter().position(|l| *l == lang).unwrap_or(0) as u8;
    let mut out = vec![b];
    out.extend_from_slice(published.unwrap_or("").as_bytes());
    out.push(b'\n');
    out.extend_from_slice(text.as_bytes());
    out
}

/// The seed inputs of a target (empty for an unknown name). Some are large (over 1 MiB):
/// the fuzzers' corpus export skips those.
pub fn seeds(target: &str) -> Vec<Vec<u8>> {
    match target {
        "extract" | "numbers_dates" => articles(target == "numbers_dates"),
        "jsonl" => jsonl(),
        "html" => html(),
        "feed" => feeds(),
        "warc" => warcs(),
        "decode" => decode(),
        "api_params" => api_params(),
        _ => Vec::new(),
    }
}

const FR: &str = "Au moins 49 soldats arméniens ont été tués mardi 13 septembre 2022 dans des bombardements \
azerbaïdjanais sur Djermouk, a annoncé le ministère arménien de la Défense. « Nous ne céderons pas », a déclaré \
Nikol Pachinian devant le Parlement. Selon Bakou, une cinquantaine de militaires azerbaïdjanais ont été blessés. \
La guerre de 2020 avait fait plus de 6 500 morts en six semaines. Des négociations auront lieu mardi prochain à \
Bruxelles.";

const EN: &str = "At least 12 civilians were killed and dozens injured when Russian missiles struck Kharkiv on \
Tuesday morning, the regional governor said. Between 10 and 15 soldiers are missing since 2014, according to \
Ukraine's defence ministry. Some 2,000 troops were deployed last week; police arrested 37 protesters in Kyiv \
yesterday. \"We will respond,\" President Zelensky said on September 13, 2022.";

const ES: &str = "Al menos 20 personas murieron el lunes en un ataque con drones en Jartum, según el ejército \
sudanés. Unas 3.000 familias fueron desplazadas desde el 15 de abril de 2023. Entre 5 y 8 policías resultaron \
heridos ayer por la noche en Bogotá.";

fn articles(numbers: bool) -> Vec<Vec<u8>> {
    let fr = Some("fr");
    let en = Some("en");
    let es = Some("es");
    let mut v = vec![
        encode_input(fr, Some("2022-09-14"), FR),
        encode_input(None, Some("2022-09-14"), FR),
        encode_input(en, Some("2022-09-14"), EN),
        encode_input(None, None, EN),
        encode_input(es, Some("2023-05-02"), ES),
        encode_input(None, Some("2023-05-02T10:00:00Z"), ES),
        // Impossible and absurd values.
        encode_input(
            fr,
            None,
            "Le 31 février, 1e9999 manifestants ont défilé ; entre 50 et 10 personnes ont été tuées.",
        ),
        encode_input(fr, Some("2022-03-01"), "Le 31 février 2022, le 29 février 2023 et le 30/02/2022, rien."),
        encode_input(
            en,
            Some("2022-09-14"),
            "Police said 1e9999 people attended; 99999999999999999999999 were arrested on 31/02/2022 and \
             2022-13-45. Some 18446744073709551616 soldiers were killed. 999 999 999 999 999 999 999 died.",
        ),
        encode_input(en, Some("9999-12-31"), "Tomorrow, next week and next year, 5 soldiers will be killed."),
        encode_input(fr, Some("0001-01-01"), "Hier, la semaine dernière et l'an dernier, 3 soldats ont été tués."),
        encode_input(es, Some("-001-05-05"), "Ayer murieron 4 soldados."),
        encode_input(fr, Some("not a date \u{0}\u{7f}"), "Hier matin, 7 civils ont été tués à Gaza."),
        // Invisible and direction characters, emoji, combining marks.
        encode_input(
            fr,
            Some("2023-10-08"),
            "Des\u{200B} frappes\u{200D} ont tué 7 civils \u{202E}à Gaza\u{202C} hier\u{FEFF}. \u{200F}מחבלים\u{200F} \
             \u{AD}quarante\u{AD}-neuf morts.",
        ),
        encode_input(en, Some("2022-05-01"), "🔥🔥 Three soldiers 👮 were killed 💥 in Donetsk 🇺🇦 last week. 👨‍👩‍👧 fled."),
        encode_input(en, None, "Kyiv: e\u{301}\u{301}\u{301} 5 dead, ﬁve injured; Ⅻ missing; ８ wounded; ٣ killed."),
        encode_input(
            fr,
            Some("2022-09-14"),
            "quatre-vingt-dix-sept morts, soixante et onze blessés, 1,5 million de déplacés.",
        ),
        encode_input(en, Some("2022-09-14"), "Twenty-one people died. Hundreds fled. Nearly 6,600 were detained."),
        // Quotes, brackets and separators in odd numbers.
        encode_input(fr, None, &"« « « Il a dit ".repeat(200)),
        encode_input(en, None, &"\"".repeat(999)),
        encode_input(None, None, ""),
        encode_input(None, None, " \n\t\u{A0}\u{2028}"),
        encode_input(en, None, &"1 2 3 4 5 6 7 8 9 10 ".repeat(300)),
        encode_input(fr, None, &"tués blessés morts ".repeat(500)),
        encode_input(
            en,
            Some("2022-09-14"),
            "\r\n\r\nAt least 3 killed.\r\n\r\n\r\nOn Monday.\u{2029}On Friday evening.",
        ),
    ];
    if numbers {
        v.extend([
            encode_input(
                fr,
                Some("2022-09-14"),
                "une cinquantaine, des dizaines, 6 600, 6,600, 2.000, 1,5 million, 2 millions, entre 10 et 15, au \
                 moins 49, plus de 100, près de 300, mardi prochain, hier soir, ce matin, la semaine dernière, le \
                 mois prochain, l'an dernier, six semaines, plusieurs jours, 48 heures, 30 minutes, en mai 2021, \
                 octobre 98, depuis 1994, cet été, actuellement, 13/09/2022, 2022-09-13.",
            ),
            encode_input(
                en,
                Some("2022-01-02"),
                "last Wednesday, next Tuesday, this morning, three days, a few days, two decades, a weekend, \
                 09/13/2022, in May 2021, since March, the 2020 war, dozens, hundreds, more than 1,000, up to 40.",
            ),
            encode_input(
                es,
                Some("2024-02-29"),
                "el pasado martes, hace tres días, la próxima semana, en invierno, entre 5 y 8, unas 3.000, 1,5 millones.",
            ),
            encode_input(fr, None, "mardi, hier, ce soir, la semaine dernière, en hiver, le 3 mai."),
        ]);
    } else {
        // Over 1 MiB on one line (sentences, no line break): the analysis goes through its
        // pieces, cut at sentence ends.
        v.push(encode_input(
            fr,
            Some("2022-09-14"),
            &megabyte_line("Au moins 3 soldats ont été tués à Donetsk hier. "),
        ));
    }
    v
}

/// `unit` repeated to just over 1 MiB.
fn megabyte_line(unit: &str) -> String {
    unit.repeat((1 << 20) / unit.len() + 2)
}

fn jsonl() -> Vec<Vec<u8>> {
    let good = r#"{"id": "a1", "text": "At least 12 civilians were killed in Kharkiv.", "published": "2022-09-13T10:00:00+02:00", "lang": "en", "title": "T", "url": "https://x.test/a", "source": "X"}"#;
    let mut v: Vec<Vec<u8>> = [
        format!(
            "{good}\n{{\"id\": 7, \"text\": \"Au moins 49 soldats tués.\", \"published\": \"13 septembre 2022\"}}\n"
        ),
        format!("{good}\n{{not json\n[1, 2]\n{{\"text\": 1}}\n{{\"id\": \"x\"}}\n\n   \n{good}"),
        format!("\u{FEFF}{good}\r\n{{\"text\": \"\", \"published\": \"2022-02-30\"}}\r\n"),
        r#"{"text": "x", "published": "Tue, 13 Sep 2022 08:00:00 GMT", "id": 1e999}"#.to_string(),
        r#"{"text": "x", "published": 20220913, "id": null, "lang": 5}"#.to_string(),
        r#"{"text": "\u0000\ud800 \"quoted\" \\", "published": "99999-01-01"}"#.to_string(),
        format!("{{\"text\": \"{}\"}}", "a".repeat(5000)),
        "{\"text\": \"mar. 13 sept. 2022\", \"published\": \"mar. 13 sept. 2022\"}\n{\"text\":".to_string(),
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_string(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    v.push(b"{\"text\": \"D\xe9fil\xe9 \xe0 midi\"}\n{\"text\": \"ok\xff\"}\n".to_vec());
    v.push(format!("{{\"text\": \"{}\"}}\n{good}", megabyte_line("Twelve civilians were killed. ")).into_bytes());
    v.push(format!("{good}\n").encode_utf16().flat_map(u16::to_le_bytes).collect());
    v.push([0xFF, 0xFE].into_iter().chain(good.encode_utf16().flat_map(u16::to_le_bytes)).collect());
    v
}

const PAGE: &str = r#"<!DOCTYPE html>
<html lang="fr-FR"><head><meta charset="utf-8"><title>Bombardements à Djermouk - Le Journal</title>
<meta property="og:title" content="Au moins 49 soldats tués">
<meta property="og:site_name" content="Le Journal">
<meta property="article:published_time" content="2022-09-13T08:00:00+02:00">
<link rel="canonical" href="https://journal.test/a">
<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2022-09-13T10:00:00Z",}]}</script>
<script>document.write("<p>never</p>"); var a = "</p>";</script><style>p { color: red }</style></head>
<body><nav>Accueil | Monde</nav><header>Le Journal</header>
<article><h1>Au moins 49 soldats tués</h1>
<p>Au moins 49 soldats arméniens ont été tués <b>mardi</b> dans des bombardements, a annoncé le ministère.<br>
Selon Bakou, une cinquantaine de militaires ont été blessés.</p>
<img src="x" onerror="alert('pwned')"><p>Des négociations auront lieu &laquo;&nbsp;bientôt&nbsp;&raquo; &amp; ailleurs&hellip;</p>
<pre>ligne 1
  ligne 2</pre><table><tr><td>a</td><td>b</td></tr></table>
<p>Nous utilisons des cookies pour améliorer votre navigation sur le site.</p>
<time datetime="2022-09-13" pubdate>13 septembre</time></article>
<aside>Lire aussi</aside><footer>© Le Journal</footer><script>alert(1)</script></body></html>"#;

fn html() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = [
        PAGE.to_string(),
        "<p>Hello<script>alert(1)".to_string(),
        "<p>a</p><script>x</script <p>b</p><SCRIPT>y</SCRIPT\t>c<script/>d</script>e".to_string(),
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &#x3C;b&#x3E; &amp;&#0;&#xD800;&#99999999;&#150;&shy;&bogus;</p>"
            .to_string(),
        "<html><body><plaintext><script>x</script></plaintext>after".to_string(),
        "<textarea><script>x</script></textarea><p>kept</p><!-- <script>y</script> -->".to_string(),
        "<svg><script>x</script><![CDATA[<p>cdata</p>]]></svg><math><mi>m</mi></math><p>ok</p>".to_string(),
        "<noscript><p>no script</p></noscript><iframe><p>frame</p></iframe><template><p>t</p></template>".to_string(),
        "<!-- unclosed comment <p>hidden".to_string(),
        "<p title=\"unclosed><p>text".to_string(),
        "<head><title>Only a title</title></head>".to_string(),
        "<p>We use cookies.</p>".to_string(),
        "<<script></script>script>x</p><a href=x <script>y</script>".to_string(),
        "<!DOCTYPE html><html><body><p>\u{200B}\u{202E}مرحبا\u{202C} 🔥 e\u{301}</p></body></html>".to_string(),
        "<div>a".repeat(1200) + &"</div>".repeat(1200),
        "<div>".repeat(150) + "<p>Au moins 3 morts.</p>" + &"</div>".repeat(150),
        "<b>".repeat(3000) + "bold",
        "<p>x</p>".repeat(2000),
        "<html><head><meta name=\"date\" content=\"2022-02-30\"><meta name=\"dc.date\" content=\"13 septembre 2022\">\
         </head><body><p>Texte.</p></body></html>"
            .to_string(),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    v.push(
        b"<html><head><meta charset=\"iso-8859-1\"></head><body><p>D\xe9fil\xe9 \xe0 midi.</p></body></html>".to_vec(),
    );
    v.push(
        b"<html><head><meta charset=\"shift_jis\"></head><body><p>\x82\xa0\x82\xa2\x82\xa4 \xff\xfe</p></body></html>"
            .to_vec(),
    );
    v.push([0xFF, 0xFE].into_iter().chain(PAGE.encode_utf16().flat_map(u16::to_le_bytes)).collect());
    v.push("<p>sans BOM</p>".encode_utf16().flat_map(u16::to_le_bytes).collect());
    v
}

fn feeds() -> Vec<Vec<u8>> {
    let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Le Journal</title><language>fr-FR</language>
<item><title>Au moins 49 soldats tués</title><link>https://journal.test/a</link><guid>a1</guid>
<description>&lt;p&gt;Au moins 49 soldats ont été tués &lt;b&gt;mardi&lt;/b&gt;.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<pubDate>Tue, 13 Sep 2022 08:00:00 GMT</pubDate></item>
<item><title></title><description></description></item>
<item><description><![CDATA[<p>Sans titre, 3 blessés.</p><img src=x onerror=alert(1)>]]></description><pubDate>not a date</pubDate></item>
</channel></rss>"#;
    let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title type="text">Wire</title><id>urn:wire</id>
<updated>2022-09-13T08:00:00Z</updated>
<entry><title type="html">Missiles &amp;lt;b&amp;gt;strike&amp;lt;/b&amp;gt; Kharkiv</title><id>urn:1</id>
<updated>2022-09-13T08:00:00Z</updated><published>2022-09-12T23:59:59-05:00</published>
<content type="html">&lt;p&gt;At least 12 civilians were killed.&lt;/p&gt;</content></entry>
<entry><title type="text">Plain   text
  title</title><id> </id><updated>0999-01-01T00:00:00Z</updated>
<content type="text">Line one.

Line   two.</content><link href=" https://wire.test/2 "/></entry>
<entry><id>urn:3</id><updated>+10000-01-01T00:00:00Z</updated><summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>x&#173;y</p></div></summary></entry>
</feed>"#;
    let rdf = r#"<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="x"><title>R</title><link>http://r.test</link><description>d</description></channel>
<item rdf:about="http://r.test/1"><title>Entre 5 y 8 policías heridos</title><link>http://r.test/1</link></item></rdf:RDF>"#;
    let mut v: Vec<Vec<u8>> = [
        rss.to_string(),
        atom.to_string(),
        rdf.to_string(),
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Empty</title></channel></rss>".to_string(),
        "<?xml version=\"1.0\"?><rss><channel><item><title>Broken".to_string(),
        "<rss><channel><item><title>No declaration</title></item></channel></rss>".to_string(),
        "<?xml version=\"1.0\" encoding=\"bogus\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>t</title></entry></feed>"
            .to_string(),
        "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY x \"&#38;#60;\">]><rss><channel><item><title>&x;</title></item></channel></rss>"
            .to_string(),
        format!("<?xml version=\"1.0\"?><rss><channel>{}</channel></rss>", "<item><title>t</title></item>".repeat(300)),
        "<?xml version=\"1.0\"?>".to_string() + &"<a>".repeat(2000),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect();
    v.push(
        b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss version=\"2.0\"><channel><item><title>D\xe9fil\xe9 \xe0 midi</title></item></channel></rss>"
            .to_vec(),
    );
    v.push(
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\"><channel><item><title>Latin \xe9 but says UTF-8</title></item></channel></rss>"
            .to_vec(),
    );
    v.push([0xFF, 0xFE].into_iter().chain(rss.encode_utf16().flat_map(u16::to_le_bytes)).collect());
    v
}

/// One WARC record: version line, headers (with `Content-Length`), blank line, body,
/// CR LF CR LF.
fn record(kind: &str, extra: &str, body: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{kind}>\r\nWARC-Date: 2022-09-13T08:00:00Z\r\n{extra}Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

fn warcs() -> Vec<Vec<u8>> {
    let http = |status: &str, headers: &str, body: &[u8]| {
        let mut r = format!("HTTP/1.1 {status}\r\n{headers}\r\n").into_bytes();
        r.extend_from_slice(body);
        r
    };
    let target = "WARC-Target-URI: <https://journal.test/a>\r\n";
    let page = PAGE.as_bytes();
    let archive: Vec<u8> = [
        record("warcinfo", "Content-Type: application/warc-fields\r\n", b"software: hand\r\n"),
        record("request", target, b"GET /a HTTP/1.1\r\nHost: journal.test\r\n\r\n"),
        record("response", target, &http("200 OK", "Content-Type: text/html; charset=utf-8\r\n", page)),
        record(
            "response",
            "WARC-Target-URI: https://journal.test/chunked\r\n",
            &http(
                "200 OK",
                "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
                b"1a\r\n<p>Au moins 3 morts \xe0 Gaza\r\n4;x=y\r\n.</p>\r\n0\r\n\r\n",
            ),
        ),
        record("response", target, &http("404 Not Found", "Content-Type: text/html\r\n", b"<p>gone</p>")),
        record(
            "response",
            target,
            &http("200 OK", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n", b"\x1f\x8b"),
        ),
        record("resource", "Content-Type: text/html; charset=\"ISO-8859-1\"\r\n", b"<p>D\xe9fil\xe9 \xe0 midi.</p>"),
        record("resource", "", b"<!DOCTYPE html><p>sniffed</p>"),
        record("metadata", "", b"x"),
    ]
    .concat();
    let mut v = vec![archive.clone(), gzip(&archive)];
    // Truncated, wrong length, junk between records, a header with no colon.
    v.push(archive[..archive.len() / 2].to_vec());
    v.push(
        [record("resource", "Content-Type: text/html\r\n", b"<p>ok</p>"), b"garbage\r\n".to_vec(), archive.clone()]
            .concat(),
    );
    v.push(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 999\r\n\r\n<p>short</p>".to_vec());
    v.push(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 3\r\n\r\n<p>too long</p>\r\n\r\n".to_vec());
    v.push(b"WARC/1.0\r\nno colon here\r\nContent-Length: 0\r\n\r\n\r\n\r\n".to_vec());
    v.push(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 18446744073709551616\r\n\r\n".to_vec());
    v.push(
        b"\r\n\r\nWARC/1.1\r\nWARC-Type: resource\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>x</p>\n"
            .to_vec(),
    );
    v.push(gzip(b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\n<p>x"));
    v.push(vec![0x1F, 0x8B, 0x08, 0x00, 0xFF]);
    v
}

/// A gzip member holding `data` in stored (uncompressed) deflate blocks.
fn gzip(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF];
    let mut chunks = data.chunks(0xFFFF).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xFF, 0xFF]);
    }
    while let Some(c) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let n = c.len() as u16;
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&(!n).to_le_bytes());
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

fn decode() -> Vec<Vec<u8>> {
    let utf16le = |s: &str| s.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
    let utf16be = |s: &str| s.encode_utf16().flat_map(u16::to_be_bytes).collect::<Vec<u8>>();
    vec![
        FR.as_bytes().to_vec(),
        b"\xEF\xBB\xBFavec BOM".to_vec(),
        [b"\xFF\xFE".to_vec(), utf16le("Défilé à midi")].concat(),
        [b"\xFE\xFF".to_vec(), utf16be("Défilé à midi")].concat(),
        utf16le("Shelling reported near the river.\n"),
        utf16be("Ceasefire holds."),
        b"\xFF\xFE\x00\xD8a\x00".to_vec(),
        b"Le d\xe9fil\xe9 a eu lieu \xe0 midi.".to_vec(),
        b"ok\n\x81\x8d".to_vec(),
        "défilé à midi\n".bytes().chain([0xFF]).collect(),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(),
        b"\x1F\x8B\x08".to_vec(),
        Vec::new(),
        b"   \n\t ".to_vec(),
        "\u{200B}\u{200F}\u{202E}🔥 e\u{301}".as_bytes().to_vec(),
        b"\xEF\xBB\xBF\xEF\xBB\xBF\x00\x00".to_vec(),
        b"a\x00b\x00c\x00\xff".to_vec(),
        megabyte_line("Au moins 3 soldats tu\u{e9}s. ").into_bytes(),
    ]
}

fn api_params() -> Vec<Vec<u8>> {
    [
        "from=2022-01-01&to=2022-12-31&country=arm&limit=10&offset=5&near=40.1,45.2,50&status=current&type=assault\
         &actor=Armenian&q=shelling&min_fatalities=3",
        "limit=0",
        "limit=1001&offset=99999999999999999999",
        "offset=18446744073709551615",
        "from=2022-02-30",
        "from=2023-01-01&to=2022-01-01",
        "from=%2B999-01-01",
        "near=NaN,inf,1",
        "near=91,0,1",
        "near=1,2,3,4",
        "near=-90,-180,20000",
        "country=%C3%85RM",
        "country=AR",
        "status=any&type=",
        "%ZZ=1",
        "a=1&a=2",
        "limit=1&limit=2",
        "q=%00%FF%FE&actor=+%E2%80%8B+",
        "&&&==&=",
        r#"{"text": "Au moins 3 morts.", "published": "2022-09-13T10:00:00Z", "id": 7, "lang": "fr"}"#,
        r#"{"text": "x", "published": "2022-09-1é"}"#,
        r#"{"text": "x", "published": "2022      "}"#,
        r#"{"text": "x", "published": "-001-01-01"}"#,
        r#"{"text": " ", "id": "a"}"#,
        r#"{"text": "x", "id": "a\u0000b"}"#,
        r#"{"text": "x", "id": {}, "title": 1}"#,
        r#"[{"text": "x"}]"#,
    ]
    .into_iter()
    .map(|s| s.as_bytes().to_vec())
    .collect()
}
