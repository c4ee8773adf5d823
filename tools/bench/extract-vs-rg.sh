#!/usr/bin/env bash
# `sitrep extract -j 1` against `rg -F` with the lexicon's own patterns on the same text,
# in alternating runs on one machine (a ratio survives a slow or busy machine better than
# an absolute figure). Needs ripgrep (Debian package `ripgrep`).
# Usage: tools/bench/extract-vs-rg.sh [MB] [ROUNDS]
# The corpus is the fr and en dev-set texts of ../shared/eval, repeated to MB megabytes
# (default 40) in a temporary folder; the patterns are every form of the fr and en packs,
# the organisations, people and gazetteer names (what the fr and en automata hold, less
# the generated inflections), lower-cased, and rg reads the lower-cased text (`-i` with
# this many patterns leaves rg's Aho-Corasick path: 13 s per MB).
set -euo pipefail
mb=${1:-40}
rounds=${2:-3}
bin=${SITREP:-target/release/sitrep}
shared=${SHARED:-../shared}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$shared" "$mb" "$tmp" <<'PY'
import glob, json, sys
shared, mb, tmp = sys.argv[1], int(sys.argv[2]), sys.argv[3]
docs = []
for path in sorted(glob.glob(f"{shared}/eval/*/input.jsonl")):
    for line in open(path, encoding="utf-8"):
        d = json.loads(line)
        if d.get("lang") in ("fr", "en"):
            docs.append(d)
target, n, i = mb * 1_000_000, 0, 0
with open(f"{tmp}/in.jsonl", "w", encoding="utf-8") as j, open(f"{tmp}/in.txt", "w", encoding="utf-8") as t:
    while n < target:
        d = dict(docs[i % len(docs)])
        d["id"] = f"{d.get('id')}#{i // len(docs)}"
        j.write(json.dumps(d, ensure_ascii=False) + "\n")
        t.write(d["text"].lower() + "\n")
        n += len(d["text"].encode())
        i += 1
print(f"{i} documents, {n / 1e6:.1f} MB of text")
PY
for f in data/lang/fr/*.tsv data/lang/en/*.tsv data/actors/*.tsv data/gazetteer/names.tsv; do
  grep -v '^#' "$f" | tail -n +2 | cut -f1 | sed 's/\*$//'
done | awk 'length($0) > 0 { print tolower($0) }' | sort -u > "$tmp/patterns.txt"
echo "$(wc -l < "$tmp/patterns.txt") patterns"
bytes=$(python3 -c "import os,json;print(sum(len(json.loads(l)['text'].encode()) for l in open('$tmp/in.jsonl')))")
user() { /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{print $1 + $2}'; }
for r in $(seq "$rounds"); do
  s=$(user "$bin" extract -j 1 --input "$tmp/in.jsonl" -o /dev/null)
  g=$(user rg -F -c -f "$tmp/patterns.txt" "$tmp/in.txt" || true)
  python3 -c "b=$bytes/1e6; print(f'round $r: sitrep {b/$s:.1f} MB/s, rg -F {b/$g:.1f} MB/s, ratio {($g)/($s):.2f}')"
done
