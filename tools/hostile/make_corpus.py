#!/usr/bin/env python3
"""Writes a corpus of hostile inputs into OUT/corpus (created), for robustness tests.

Usage: make_corpus.py OUT [--big-mb 50] [--tiny 100000]

Nothing here is downloaded or copied: every text is generated. OUT/expected.json lists
what a correct run must find: the number of good articles each input holds.
"""
import argparse
import gzip
import json
import os
import random

GOOD = "Au moins 12 soldats ont été tués lundi dans une attaque près de Gao, a indiqué l'armée malienne."
GOOD_EN = "At least 7 civilians were killed on Monday when a bomb exploded at a market in Kandahar, police said."


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--big-mb", type=int, default=50)
    ap.add_argument("--tiny", type=int, default=100_000)
    a = ap.parse_args()
    out = os.path.join(a.out, "corpus")
    rnd = random.Random(7)
    expected = {}

    def good(name, data, n=1):
        write(os.path.join(out, name), data)
        expected[name] = n

    # Encodings.
    good("enc/invalid-utf8.txt", GOOD.encode() + b" \xff\xfe\xc3 " + GOOD_EN.encode())
    good("enc/utf16le-bom.txt", b"\xff\xfe" + GOOD.encode("utf-16-le"))
    good("enc/utf16be-bom.txt", b"\xfe\xff" + GOOD.encode("utf-16-be"))
    good("enc/utf16le-nobom.txt", GOOD.encode("utf-16-le"))
    good("enc/latin1-declared-utf8.txt", GOOD.encode("latin-1"))
    good("enc/mojibake.txt", GOOD.encode("utf-8").decode("latin-1").encode("utf-8"))
    good("enc/controls-zero-width-rtl-emoji.txt",
         ("\u200b\u200e\u202eAt least 3\u200d people \U0001F4A5 were killed \u2067in\u2069 Aleppo on "
          "Tuesday.\x00\x07 1e9999 dead? 31 février 2022, 99999999999999999999999 wounded.").encode())
    good("enc/huge-numbers.txt", b"Some 1e9999 and 184467440737095516160000 people were killed on 31 February 2022.")
    write(os.path.join(out, "enc/empty.txt"), b"")
    expected["enc/empty.txt"] = 0
    write(os.path.join(out, "enc/binary.bin"), bytes(rnd.randrange(256) for _ in range(4096)))
    expected["enc/binary.bin"] = 0

    # A 50 MB document on a single line.
    sentence = (GOOD_EN + " ").encode()
    big = sentence * (a.big_mb * 1024 * 1024 // len(sentence) + 1)
    good("big/single-line-50mb.txt", big[: a.big_mb * 1024 * 1024])

    # Many tiny documents, and JSON Lines with problems.
    with open(os.path.join(out, "jsonl-tiny.jsonl"), "w") as f:
        for i in range(a.tiny):
            f.write(json.dumps({"id": f"t{i}", "text": f"{i % 50 + 1} killed in clash {i}.", "published": "2023-05-01"}) + "\n")
    expected["jsonl-tiny.jsonl"] = a.tiny
    lines = [json.dumps({"id": f"g{i}", "text": f"{GOOD} Communiqué {i}."}) for i in range(10)]
    lines.insert(5, '{"id": "broken", "text": "unterminated')
    good("jsonl/broken-middle.jsonl", ("\n".join(lines) + "\n").encode(), 10)
    good("jsonl/megabyte-line.jsonl", (json.dumps({"id": "long", "text": GOOD_EN + " word" * 400_000}) + "\n").encode())
    good("jsonl/wrong-types.jsonl", b'{"id": 1, "text": 5}\n[1,2]\n"str"\n{"text": "ok: 2 killed in Gao.", "published": "31/02/2022"}\n', 1)

    # HTML.
    deep = "<html><body>" + "<div>" * 100_000 + "<p>" + GOOD_EN + "</p>" + "</div>" * 100_000 + "</body></html>"
    good("html/deep-nesting.html", deep.encode())
    good("html/scripts.html", (
        "<!DOCTYPE html><html lang=en><head><title>Attack</title><script>alert('x')</script>"
        "<meta property='article:published_time' content='2022-09-13T08:00:00Z'></head><body>"
        "<nav>Home | World</nav><article><p onclick=\"alert(1)\">" + GOOD_EN + "</p>"
        "<img src=x onerror=\"alert(2)\"><script>document.write('<p>injected</p>')</script>"
        "<p>Officials said 4 others were wounded &lt;script&gt;alert(3)&lt;/script&gt;.</p></article>"
        "<footer>Cookies</footer></body></html>").encode())
    good("html/truncated.html", ("<html><body><article><p>" + GOOD_EN + "</p><p>More at <a href='").encode())

    # Feeds and WARC.
    item = "<item><title>Clash</title><description>{}</description><pubDate>Tue, 13 Sep 2022 08:00:00 GMT</pubDate></item>"
    good("feeds/lying-encoding.xml", ("<?xml version='1.0' encoding='UTF-8'?><rss version='2.0'><channel><title>F</title>"
          + item.format(GOOD) + "</channel></rss>").encode("latin-1"))
    good("feeds/truncated.rss", ("<?xml version='1.0'?><rss version='2.0'><channel><title>F</title>"
          + item.format(GOOD_EN) + "<item><title>cut").encode(), 0)

    def warc_record(uri, html):
        body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
        head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2022-09-13T10:00:00Z\r\n"
                f"WARC-Record-ID: <urn:uuid:{rnd.getrandbits(64):016x}>\r\nContent-Type: application/http; msgtype=response\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        return head + body + b"\r\n\r\n"

    page = lambda t: f"<html><body><article><p>{t}</p></article></body></html>".encode()
    rec = [warc_record(f"https://example.org/{i}", page(GOOD_EN + f" Report {i}.")) for i in range(3)]
    good("warc/cut-in-half.warc", rec[0] + rec[1] + rec[2][: len(rec[2]) // 2], 2)
    good("warc/ok.warc.gz", b"".join(gzip.compress(r) for r in rec[:2]), 2)
    # Decompression bombs: two good records, then one declaring 8 GiB whose body is 1.5 GiB
    # of zeros in 1 MiB gzip members (1.6 MB on disk); and a short one declaring 8 GiB.
    zero = gzip.compress(b"\0" * (1 << 20), 9)
    head = rec[2][: rec[2].index(b"Content-Length: ")] + b"Content-Length: 8589934592\r\n\r\n"
    good("warc/bomb.warc.gz", b"".join(gzip.compress(r) for r in rec[:2]) + gzip.compress(head) + zero * 1536, 2)
    good("warc/claims-8gib.warc.gz", b"".join(gzip.compress(r) for r in rec[:2]) + gzip.compress(head) + zero * 4, 2)
    # A lone UTF-16 surrogate escape in a JSON Lines record.
    good("jsonl/lone-surrogate.jsonl", b'{"id": "sur", "text": "At least 3 people were killed in Gao \\ud800 on Monday."}\n', 1)

    # Directory traps: a symlink loop, a dangling link, an unreadable file.
    os.makedirs(os.path.join(out, "traps/sub"), exist_ok=True)
    try:
        os.symlink("..", os.path.join(out, "traps/sub/loop"))
        os.symlink("nowhere.txt", os.path.join(out, "traps/dangling.txt"))
    except OSError:
        pass
    good("traps/sub/fine.txt", GOOD_EN.encode())
    secret = os.path.join(out, "traps/unreadable.txt")
    write(secret, GOOD.encode())
    os.chmod(secret, 0)
    # Root reads it anyway; the test accepts either outcome for this one file.
    expected["traps/unreadable.txt"] = -1

    with open(os.path.join(a.out, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
