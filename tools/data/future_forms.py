#!/usr/bin/env python3
"""Adds synthetic-future forms of regular verbs to the French and Spanish trigger packs.

For every one-word verb or participle trigger of a regular first-group verb (French
"-é": "bombardé" -> "bombardera", "bombarderont"; Spanish "-ado": "bombardeado" ->
"bombardeará", "bombardearán") the future forms inherit the row's event type, mode and
ACLED types, with `pos` V (and no `infinitive` flag). Forms already in the pack are left
alone, so the script can be run again after the packs change. Irregular stems (French
"-yé", "-eté", "-elé"; "appuyer" -> "appuiera") are skipped.

Usage: python3 tools/data/future_forms.py [--check]   (--check: exit 1 if forms are missing)
"""
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
RULES = {
    "fr": ("é", ["era", "eront"], ("yé", "eté", "elé")),
    "es": ("ado", ["ará", "arán"], ()),
}


def main() -> int:
    check = "--check" in sys.argv
    missing_total = 0
    for lang, (ending, futures, skip) in RULES.items():
        path = ROOT / "data" / "lang" / lang / "triggers.tsv"
        lines = path.read_text(encoding="utf-8").split("\n")
        header = lines[0]
        comments = [l for l in lines[1:] if l.startswith("#")]
        rows = [l.split("\t") for l in lines[1:] if l and not l.startswith("#")]
        cols = header.split("\t")
        pos, flags = cols.index("pos"), cols.index("flags")
        forms = {r[0] for r in rows}
        new = {}
        for r in rows:
            f = r[0]
            if " " in f or "*" in f or "-" in f or r[pos] not in ("V", "P"):
                continue
            if not f.endswith(ending) or f.endswith(skip) or len(f) <= len(ending) + 3:
                continue
            stem = f[: -len(ending)]
            for fut in futures:
                g = stem + fut
                if g not in forms and g not in new:
                    row = list(r)
                    row[0], row[pos] = g, "V"
                    row[flags] = ",".join(x for x in r[flags].split(",") if x not in ("infinitive", "-")) or "-"
                    new[g] = row
        missing_total += len(new)
        if check or not new:
            continue
        rows.extend(new.values())
        rows.sort(key=lambda r: (r[0].encode(), "\t".join(r[1:]).encode()))
        out = [header] + comments + ["\t".join(r) for r in rows]
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
        print(f"{lang}: {len(new)} future forms added", file=sys.stderr)
    if check and missing_total:
        print(f"{missing_total} future forms missing: run tools/data/future_forms.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
