#!/usr/bin/env python3
"""Count natural-language words written as string literals in the analysis crates.

A literal counts when its folded text (lower case, accents stripped) is a form of some
table in `data/lang/` (first column, `*` wildcard removed; `settings.tsv` keys and
`suffixes.tsv` endings are not forms). Test code is skipped: files
named `tests.rs` or under `tests/`, and everything after a `#[cfg(test)]` line.
Language-code branches (`== "en"`, `"fr" =>` ...) are counted apart.

Usage: word_literals.py [--list] [--max N] [--max-branches N]
Exit 1 when a maximum is exceeded.
"""
import argparse
import pathlib
import re
import sys
import unicodedata

ROOT = pathlib.Path(__file__).resolve().parents[2]
CRATES = ["extract", "dates", "numbers", "geo", "fuse", "text", "lexicon"]
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def fold(s: str) -> str:
    s = unicodedata.normalize("NFD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("\u2019", "'").replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


# Column names of the data files ("kind", "country", "form"): identifiers of the pack
# format that the code reads columns by, not words, even where a language has the same
# word as a form (German "Kind").
COLUMNS = set()


def forms() -> set:
    out = set()
    langs = sorted(p.name for p in (ROOT / "data/lang").iterdir() if p.is_dir())
    for lang in langs:
        for f in sorted((ROOT / "data/lang" / lang).glob("*.tsv")):
            # keys and endings, and the generated inflections of pack words: not forms
            if f.stem in ("settings", "suffixes", "name_endings", "lemmas"):
                continue
            for i, line in enumerate(f.read_text(encoding="utf-8").splitlines()):
                if i == 0:
                    COLUMNS.update(line.split("\t"))
                    continue
                if line.startswith("#") or not line:
                    continue
                form = fold(line.split("\t")[0]).rstrip("*").strip()
                if form:
                    out.add(form)
    return out, langs


def code_lines(path: pathlib.Path):
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip().startswith("#[cfg(test)]"):
            return
        stripped = line.split("//")[0] if '"' not in line.split("//")[0][:0] else line
        # drop comments (not inside literals: good enough for this code base)
        idx = find_comment(line)
        yield n, line if idx is None else line[:idx]


def find_comment(line: str):
    in_str = False
    i = 0
    while i < len(line):
        c = line[i]
        if in_str:
            if c == "\\":
                i += 2
                continue
            if c == '"':
                in_str = False
        else:
            if c == '"':
                in_str = True
            elif line.startswith("//", i):
                return i
        i += 1
    return None


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--max", type=int)
    ap.add_argument("--max-branches", type=int)
    a = ap.parse_args()
    words, langs = forms()
    branch = re.compile(r'(==\s*"(%s)"|"(%s)"\s*(=>|\|)|matches!\([^)]*"(%s)")' % (("|".join(langs),) * 3))
    hits, branches = [], []
    for crate in CRATES:
        for path in sorted((ROOT / "crates" / crate / "src").rglob("*.rs")):
            if path.name == "tests.rs" or "tests" in path.parts[len((ROOT / "crates" / crate / "src").parts):]:
                continue
            for n, line in code_lines(path):
                if branch.search(line) and ("code" in line or "lang" in line):
                    branches.append((path.relative_to(ROOT), n, line.strip()))
                for m in LIT.finditer(line):
                    text = m.group(1)
                    if text and fold(text) in words and text not in COLUMNS:
                        hits.append((path.relative_to(ROOT), n, text))
    if a.list:
        for p, n, t in hits:
            print(f"{p}:{n}: {t!r}")
        for p, n, t in branches:
            print(f"{p}:{n}: BRANCH {t}")
    print(f"word literals: {len(hits)}; language-code branches: {len(branches)}")
    bad = (a.max is not None and len(hits) > a.max) or (a.max_branches is not None and len(branches) > a.max_branches)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
