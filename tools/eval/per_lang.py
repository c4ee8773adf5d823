#!/usr/bin/env python3
"""Score a multilingual dev set one language at a time.

Usage: per_lang.py SET [--pred target/eval/SET.pred.jsonl] [--shared ../shared]
Splits the gold and the predictions by each gold line's `lang` and calls the shared
scorer on each part; prints one table per language.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("set")
    ap.add_argument("--pred")
    ap.add_argument("--shared", default="../shared")
    ap.add_argument("--facets")
    a = ap.parse_args()
    shared = pathlib.Path(a.shared)
    gold = shared / "eval" / a.set / "gold.jsonl"
    pred = pathlib.Path(a.pred or f"target/eval/{a.set}.pred.jsonl")
    inputs = {}
    for line in (shared / "eval" / a.set / "input.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            inputs[d["id"]] = d.get("lang")
    by_lang = {}
    for line in gold.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            lang = d.get("lang") or inputs.get(d.get("id")) or "?"
            by_lang.setdefault(lang, {"gold": [], "ids": set()})
            by_lang[lang]["gold"].append(line)
            by_lang[lang]["ids"].add(d.get("id"))
    preds = [l for l in pred.read_text(encoding="utf-8").splitlines() if l.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        for lang in sorted(by_lang):
            g = pathlib.Path(tmp) / f"{lang}.gold.jsonl"
            p = pathlib.Path(tmp) / f"{lang}.pred.jsonl"
            g.write_text("\n".join(by_lang[lang]["gold"]) + "\n", encoding="utf-8")
            mine = [l for l in preds if json.loads(l).get("doc", {}).get("id", json.loads(l).get("id")) in by_lang[lang]["ids"]]
            p.write_text("\n".join(mine) + "\n", encoding="utf-8")
            print(f"== {a.set} [{lang}] ({len(by_lang[lang]['gold'])} docs)")
            cmd = [sys.executable, str(shared / "tools" / "score.py"), str(g), str(p), "--quiet"]
            if a.facets:
                cmd += ["--facets", a.facets]
            out = subprocess.run(cmd, capture_output=True, text=True)
            print("\n".join(out.stdout.splitlines()[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
