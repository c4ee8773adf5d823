#!/usr/bin/env python3
"""Mock of the sitrep HTTP API for developing and testing the dashboard.

Usage: python3 tests/browser/mock_server.py [PORT] [HOST]   (default 8765 127.0.0.1)
       SITREP_WEB_DIR=/other/web python3 tests/browser/mock_server.py   (serve another copy)

Serves the files of web/ (index.html at "/", every other file at
"/<path relative to web/>") and canned JSON for /api/events, /api/events/{id},
/api/stats and /api/documents, with the same Content-Security-Policy the real
server sends. Python standard library only.

The canned data has two events. One has evidence text with emoji before the
trigger (code-point offsets); the other carries HTML/script payloads in every
article-derived field (XSS checks): its evidence contains
`<img src=x onerror="window.__xss=1">`, and its document URL is javascript:.
"""

import json
import math
import mimetypes
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

WEB_ROOT = Path(
    os.environ.get("SITREP_WEB_DIR") or Path(__file__).resolve().parent / ".." / ".." / "web"
).resolve()

CSP = (
    "default-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; script-src 'self'"
)

EVENT_TYPES = {
    "ASSAULT", "COERCE", "PROTEST", "THREATEN", "MOBILIZE", "AGREE", "CONSULT", "REQUEST",
    "ACCUSE", "REJECT", "SANCTION", "SUPPORT", "COOPERATE", "AID", "RETREAT", "CONCEDE",
}
STATUSES = {"current", "historical", "future", "hypothetical", "negated"}


def span(text, needle, kind, nth=0):
    """Highlight of `needle` in `text`, in Unicode code points (Python str indices)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return {"start": start, "end": start + len(needle), "kind": kind}


# ----------------------------------------------------------------- event 1
# Emoji before the trigger: "🇦🇲" is 2 code points / 4 UTF-16 units and
# "🔥" 1 code point / 2 UTF-16 units, so UTF-16 slicing would be off by 3.
EV1_TEXT_EN = (
    "🇦🇲🔥 Azerbaijani forces shelled Jermuk overnight, killing at least 49 Armenian "
    "soldiers, the Armenian defence ministry said."
)
EV1_TEXT_FR = (
    "Selon le ministère azerbaïdjanais de la Défense 😢, 15 soldats arméniens ont été "
    "tués lors des bombardements près de Jermuk."
)
EV1_TEXT_EN2 = "Around 100 soldiers were killed in the shelling of Jermuk, residents said."

DOCS = {
    "d-en-1": {
        "id": "d-en-1",
        "title": "Azerbaijani shelling kills 49 Armenian soldiers",
        "url": "https://news.example.org/2022/09/13/jermuk",
        "source": "Example Wire",
        "published": "2022-09-13T08:12:00Z",
        "lang": "en",
    },
    "d-fr-1": {
        "id": "d-fr-1",
        "title": "Affrontements à la frontière arméno-azerbaïdjanaise",
        "url": "http://journal.example.fr/monde/jermuk",
        "source": "Journal Exemple",
        "published": "2022-09-13T10:40:00+02:00",
        "lang": "fr",
    },
    "d-en-2": {
        "id": "d-en-2",
        "title": "Residents describe night of shelling",
        "url": None,
        "source": "Local Radio",
        "published": "2022-09-14",
        "lang": "en",
    },
    "d-xss": {
        "id": "d-xss",
        "title": '<b>Breaking</b> <img src=x onerror="window.__xss=3">',
        "url": "javascript:window.__xss=4",
        "source": "<i>Evil Source</i>",
        "published": "2022-09-15",
        "lang": 'en" onmouseover="window.__xss=5',
    },
}

EVENT1 = {
    "id": "E3f2a9c01",
    "event_type": "ASSAULT",
    "mode": "heavy-weapons",
    "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Shelling/artillery/missile attack"},
    "status": "current",
    "date": "2022-09-13",
    "date_precision": "day",
    "country": "ARM",
    "admin1": "Vayots Dzor",
    "place": "Jermuk",
    "lat": 39.8406,
    "lon": 45.6703,
    "fatalities": {"low": 15, "best": 49, "high": 100},
    "injured": {"low": 3, "best": 3, "high": 3},
    "n_mentions": 3,
    "n_documents": 3,
    "langs": ["en", "fr"],
    "actors": [{"name": "Azerbaijani armed forces", "text": "Azerbaijani forces", "country": "AZE", "sector": "MIL"}],
    "recipients": [{"name": None, "text": "Armenian soldiers", "country": "ARM", "sector": "MIL"}],
    "headline": EV1_TEXT_EN,
    "has_contradictions": True,
    "tolls": [
        {
            "kind": "killed",
            "victims": {"text": "Armenian soldiers", "country": "ARM", "sector": "MIL"},
            "claims": [
                {"claimant": "Armenian defence ministry", "claimant_country": "ARM", "claimant_sector": "GOV",
                 "qualifier": "at_least", "count": 49, "low": 49, "high": None, "documents": 3, "label": "≥49"},
                {"claimant": "Azerbaijani defence ministry", "claimant_country": "AZE", "claimant_sector": "GOV",
                 "qualifier": "exact", "count": 15, "low": 15, "high": 15, "documents": 1, "label": "15"},
                {"claimant": None, "claimant_country": None, "claimant_sector": None,
                 "qualifier": "about", "count": 100, "low": None, "high": None, "documents": 1, "label": "~100"},
            ],
        },
        {
            "kind": "injured",
            "victims": {"text": "civilians", "country": "ARM", "sector": "CIV"},
            "claims": [
                {"claimant": None, "claimant_country": None, "claimant_sector": None,
                 "qualifier": "exact", "count": 3, "low": 3, "high": 3, "documents": 1, "label": "3"},
            ],
        },
    ],
    "summary": [
        "killed ARM MIL: ≥49 (Armenian defence ministry, 3 articles)",
        "killed ARM MIL: 15 (Azerbaijani defence ministry, 1 article)",
        "killed ARM MIL: ~100 (article's own voice, 1 article)",
        "injured ARM CIV: 3 (article's own voice, 1 article)",
    ],
    "contradictions": [
        {"kind": "casualty_count",
         "explanation": "Armenian defence ministry reports at least 49 killed; Azerbaijani defence ministry reports 15.",
         "scope": "cross-document"},
    ],
    "mentions": [
        {
            "id": "m-1",
            "document": DOCS["d-en-1"],
            "event_type": "ASSAULT",
            "status": "current",
            "date": "2022-09-13",
            "claimant": "the Armenian defence ministry",
            "trigger": {"start": 1000 + EV1_TEXT_EN.index("shelled"),
                        "end": 1000 + EV1_TEXT_EN.index("shelled") + 7, "text": "shelled"},
            "evidence": {"text": EV1_TEXT_EN, "start": 1000, "end": 1000 + len(EV1_TEXT_EN)},
            "highlights": [
                span(EV1_TEXT_EN, "at least 49", "number"),
                span(EV1_TEXT_EN, "shelled", "trigger"),
                span(EV1_TEXT_EN, "Azerbaijani forces", "actor"),
                span(EV1_TEXT_EN, "Jermuk", "place"),
                span(EV1_TEXT_EN, "the Armenian defence ministry", "claimant"),
                # overlaps "Azerbaijani forces" -> skipped
                span(EV1_TEXT_EN, "forces shelled", "actor"),
                # out of bounds -> clamped to nothing / skipped
                {"start": 500, "end": 510, "kind": "place"},
                {"start": -5, "end": 0, "kind": "number"},
            ],
            "casualties": [{"kind": "killed", "count": 49, "qualifier": "at_least", "label": "≥49"}],
            "score": 0.0,
            "reasons": {},
        },
        {
            "id": "m-2",
            "document": DOCS["d-fr-1"],
            "event_type": "ASSAULT",
            "status": "current",
            "date": "2022-09-13",
            "claimant": "le ministère azerbaïdjanais de la Défense",
            "trigger": {"start": 0, "end": 0, "text": "tués"},
            "evidence": {"text": EV1_TEXT_FR, "start": 0, "end": len(EV1_TEXT_FR)},
            "highlights": [
                span(EV1_TEXT_FR, "tués", "trigger"),
                span(EV1_TEXT_FR, "15", "number"),
                span(EV1_TEXT_FR, "le ministère azerbaïdjanais de la Défense", "claimant"),
                span(EV1_TEXT_FR, "Jermuk", "place"),
            ],
            "casualties": [{"kind": "killed", "count": 15, "qualifier": "exact", "label": "15"}],
            "score": 2.35,
            "reasons": {"date": "same day", "place": "0 km", "parties": "1 of 2 shared"},
        },
        {
            "id": "m-3",
            "document": DOCS["d-en-2"],
            "event_type": "ASSAULT",
            "status": "current",
            "date": "2022-09-13",
            "claimant": None,
            "trigger": {"start": 0, "end": 0, "text": "killed"},
            "evidence": {"text": EV1_TEXT_EN2, "start": 0, "end": len(EV1_TEXT_EN2)},
            # no trigger highlight: the dashboard falls back to finding trigger.text
            "highlights": [span(EV1_TEXT_EN2, "Around 100", "number"), span(EV1_TEXT_EN2, "Jermuk", "place")],
            "casualties": [{"kind": "killed", "count": 100, "qualifier": "about", "label": "~100"}],
            "score": 1.8,
            "reasons": {"date": "1 day apart", "place": "same place"},
        },
    ],
}

# ----------------------------------------------------------------- event 2
EV2_TEXT = (
    'Protesters in Tartar 🙂 wrote <img src=x onerror="window.__xss=1"> and '
    "<script>window.__xss=2</script> on banners and marched after the clashes."
)
EVENT2 = {
    "id": "E-xss<script>",
    "event_type": "PROTEST",
    "mode": None,
    "acled": {"event_type": "Protests", "sub_event_type": "Peaceful protest"},
    "status": "current",
    "date": "2022-09-15",
    "date_precision": "day",
    "country": "AZE",
    "admin1": "<b>Tartar</b>",
    "place": '<img src=x onerror="window.__xss=6">',
    "lat": 40.34,
    "lon": 46.93,
    "fatalities": None,
    "injured": None,
    "n_mentions": 1,
    "n_documents": 1,
    "langs": ["en"],
    "actors": [{"name": "<script>window.__xss=7</script>", "text": "Protesters", "country": None, "sector": "CVL"}],
    "recipients": [],
    "headline": EV2_TEXT,
    "has_contradictions": True,
    "tolls": [
        {
            "kind": "<img src=x onerror=\"window.__xss=8\">",
            "victims": {"text": "<svg onload=\"window.__xss=9\">", "country": None, "sector": None},
            "claims": [
                {"claimant": "<script>window.__xss=10</script>", "claimant_country": None, "claimant_sector": None,
                 "qualifier": "exact", "count": 0, "low": 0, "high": 0, "documents": 1,
                 "label": "<img src=x onerror=\"window.__xss=11\">"},
            ],
        }
    ],
    "summary": ["<img src=x onerror=\"window.__xss=12\">"],
    "contradictions": [
        {"kind": "<b>status</b>", "explanation": "<img src=x onerror=\"window.__xss=13\">", "scope": "document"},
    ],
    "mentions": [
        {
            "id": "m-x",
            "document": DOCS["d-xss"],
            "event_type": "PROTEST",
            "status": "current",
            "date": "2022-09-15",
            "claimant": "<img src=x onerror=\"window.__xss=14\">",
            "trigger": {"start": 0, "end": 0, "text": "marched"},
            "evidence": {"text": EV2_TEXT, "start": 0, "end": len(EV2_TEXT)},
            "highlights": [
                span(EV2_TEXT, "marched", "trigger"),
                span(EV2_TEXT, "Tartar", "place"),
                span(EV2_TEXT, "Protesters", "actor"),
                {"start": 3, "end": 9, "kind": "\"><img src=x onerror=\"window.__xss=15\">"},
            ],
            "casualties": [],
            "score": 0.0,
            "reasons": {"<img src=x onerror=\"window.__xss=16\">": "<script>window.__xss=17</script>"},
        }
    ],
}

EVENTS = [EVENT1, EVENT2]
SUMMARY_KEYS = [
    "id", "event_type", "mode", "acled", "status", "date", "date_precision", "country", "admin1",
    "place", "lat", "lon", "fatalities", "injured", "n_mentions", "n_documents", "langs", "actors",
    "recipients", "headline", "has_contradictions",
]


class BadRequest(Exception):
    pass


def document(doc_id):
    """A document whose text holds each of its mentions' evidence at its offset."""
    if doc_id not in DOCS:
        return None
    text = ""
    for e in EVENTS:
        for m in e["mentions"]:
            if m["document"]["id"] == doc_id:
                ev = m["evidence"]
                text += " " * max(0, ev["start"] - len(text))
                if len(text) == ev["start"]:
                    text += ev["text"]
    return dict(DOCS[doc_id], origin="mock", text=text, result=None)


# The real server names codes (`country_name`, `admin1_name`); the mock knows these.
COUNTRY_NAMES = {"ARM": "Armenia", "AZE": "Azerbaijan"}


def summary(ev):
    out = {k: ev[k] for k in SUMMARY_KEYS}
    if ev["country"] in COUNTRY_NAMES:
        out["country_name"] = COUNTRY_NAMES[ev["country"]]
    return out


def searchable(ev):
    parts = [ev["headline"] or "", ev["place"] or "", ev["admin1"] or ""]
    for a in ev["actors"] + ev["recipients"]:
        parts += [a.get("name") or "", a.get("text") or ""]
    for m in ev["mentions"]:
        parts.append(m["evidence"]["text"])
        parts.append(m["document"].get("title") or "")
    return "\n".join(parts).lower()


def one(qs, key):
    v = qs.get(key)
    return v[-1] if v else None


def int_param(qs, key, default, lo=0, hi=None):
    v = one(qs, key)
    if v is None or v == "":
        return default
    if not re.fullmatch(r"\d+", v):
        raise BadRequest(f"invalid {key}: expected a non-negative integer, got {v!r}")
    n = int(v)
    if hi is not None and n > hi:
        raise BadRequest(f"invalid {key}: at most {hi}")
    return max(lo, n)


def haversine_km(lat1, lon1, lat2, lon2):
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def filter_events(qs):
    out = list(EVENTS)
    for key in ("from", "to"):
        v = one(qs, key)
        if v and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
            raise BadRequest(f"invalid {key}: expected YYYY-MM-DD, got {v!r}")
    d_from, d_to = one(qs, "from"), one(qs, "to")
    if d_from:
        out = [e for e in out if e["date"] and e["date"] >= d_from]
    if d_to:
        out = [e for e in out if e["date"] and e["date"] <= d_to]
    country = one(qs, "country")
    if country:
        if not re.fullmatch(r"[A-Za-z]{3}", country):
            raise BadRequest(f"invalid country: expected an ISO 3166-1 alpha-3 code, got {country!r}")
        out = [e for e in out if (e["country"] or "").upper() == country.upper()]
    etype = one(qs, "type")
    if etype:
        if etype.upper() not in EVENT_TYPES:
            raise BadRequest(f"invalid type: {etype!r}")
        out = [e for e in out if e["event_type"] == etype.upper()]
    status = one(qs, "status")
    if status and status != "any":
        if status not in STATUSES:
            raise BadRequest(f"invalid status: {status!r}")
        out = [e for e in out if e["status"] == status]
    minf = int_param(qs, "min_fatalities", None)
    if minf is not None:
        out = [e for e in out if e["fatalities"] and (e["fatalities"]["best"] or 0) >= minf]
    actor = one(qs, "actor")
    if actor:
        a = actor.lower()
        out = [e for e in out if any(a in ((x.get("name") or "") + " " + x.get("text", "")).lower()
                                     for x in e["actors"] + e["recipients"])]
    q = one(qs, "q")
    if q:
        out = [e for e in out if q.lower() in searchable(e)]
    near = one(qs, "near")
    if near:
        try:
            lat, lon, km = (float(x) for x in near.split(","))
        except ValueError:
            raise BadRequest(f"invalid near: expected LAT,LON,KM, got {near!r}")
        out = [e for e in out if e["lat"] is not None and haversine_km(lat, lon, e["lat"], e["lon"]) <= km]
    out.sort(key=lambda e: (e["date"] or "", e["id"]), reverse=True)
    return out


def stats(qs):
    by = one(qs, "by") or "day"
    field = {"day": "date", "country": "country", "type": "event_type"}.get(by)
    if field is None:
        raise BadRequest(f"invalid by: expected day, country or type, got {by!r}")
    rows = {}
    for e in filter_events(qs):
        key = e[field]
        row = rows.setdefault(key, {"key": key, "events": 0, "fatalities": 0})
        if by == "country" and key in COUNTRY_NAMES:
            row["name"] = COUNTRY_NAMES[key]
        row["events"] += 1
        row["fatalities"] += (e["fatalities"] or {}).get("best") or 0
    return {"by": by, "rows": sorted(rows.values(), key=lambda r: (r["key"] is None, r["key"] or ""))}


class Handler(BaseHTTPRequestHandler):
    server_version = "sitrep-mock/1"

    def log_message(self, fmt, *args):
        if os.environ.get("MOCK_VERBOSE"):
            sys.stderr.write("mock: " + (fmt % args) + "\n")

    def send(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_json(self, status, obj):
        self.send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def error(self, status, message):
        self.send_json(status, {"error": {"status": status, "message": message}})

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        parts = urlsplit(self.path)
        path = unquote(parts.path)
        qs = parse_qs(parts.query, keep_blank_values=True)
        try:
            if path == "/api/events":
                limit = int_param(qs, "limit", 50, lo=1, hi=1000)
                offset = int_param(qs, "offset", 0)
                evs = filter_events(qs)
                items = [summary(e) for e in evs[offset:offset + limit]]
                return self.send_json(200, {"total": len(evs), "limit": limit, "offset": offset, "items": items})
            if path.startswith("/api/events/"):
                eid = path[len("/api/events/"):]
                for e in EVENTS:
                    if e["id"] == eid:
                        return self.send_json(200, e)
                return self.error(404, f"no event with id {eid!r}")
            if path == "/api/stats":
                return self.send_json(200, stats(qs))
            if path.startswith("/api/documents/"):
                doc = document(path[len("/api/documents/"):])
                if doc is None:
                    return self.error(404, "no such document")
                return self.send_json(200, doc)
            if path == "/api/documents":
                limit = int_param(qs, "limit", 50, lo=1, hi=1000)
                offset = int_param(qs, "offset", 0)
                counts = {}
                for e in EVENTS:
                    for m in e["mentions"]:
                        counts[m["document"]["id"]] = counts.get(m["document"]["id"], 0) + 1
                docs = [dict(d, n_mentions=counts.get(d["id"], 0)) for d in DOCS.values()]
                return self.send_json(200, {"total": len(docs), "limit": limit, "offset": offset,
                                            "items": docs[offset:offset + limit]})
            if path == "/api/alerts":
                # No `sitrep watch` has run on the mock's data: no rules, no alerts.
                return self.send_json(200, {"rules": [], "alerts": [], "total": 0,
                                            "watch": {"sources": 0, "last_polled": None, "failing": 0},
                                            "version": "mock"})
            if path.startswith("/api/"):
                return self.error(404, f"no such endpoint: {path}")
        except BadRequest as exc:
            return self.error(400, str(exc))
        return self.static(path)

    def static(self, path):
        rel = "index.html" if path in ("", "/") else path.lstrip("/")
        target = (WEB_ROOT / rel).resolve()
        if WEB_ROOT not in target.parents or not target.is_file():
            return self.send(404, b"not found\n", "text/plain; charset=utf-8")
        ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "application/json", "image/svg+xml"):
            ctype += "; charset=utf-8"
        return self.send(200, target.read_bytes(), ctype)


def main():
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    mimetypes.add_type("application/javascript", ".js")
    mimetypes.add_type("image/svg+xml", ".svg")
    httpd = ThreadingHTTPServer((host, port), Handler)
    print(f"mock sitrep API on http://{host}:{port}/ serving {WEB_ROOT}", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
