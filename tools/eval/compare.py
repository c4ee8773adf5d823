#!/usr/bin/env python3
"""Compare two `sitrep eval` output folders (score JSON files): prints every F1,
accuracy and value figure that changed. Usage: compare.py BEFORE_DIR [AFTER_DIR]"""
import glob
import json
import os
import sys


def flat(d, p=""):
    out = {}
    if isinstance(d, dict):
        for k, v in d.items():
            out.update(flat(v, p + "." + k))
    elif isinstance(d, (int, float)) and not isinstance(d, bool):
        out[p] = d
    return out


before = sys.argv[1]
after = sys.argv[2] if len(sys.argv) > 2 else "target/eval"
for f in sorted(glob.glob(os.path.join(before, "*.score.json"))):
    n = os.path.basename(f)
    g = os.path.join(after, n)
    if not os.path.exists(g):
        continue
    fa, fb = flat(json.load(open(f))), flat(json.load(open(g)))
    for k in fa:
        keep = any(w in k.lower() for w in ("f1", "accuracy")) or k.endswith(".value")
        if keep and abs(fa[k] - fb.get(k, 0)) > 1e-9:
            print(f"{n[:-11]:24} {k:55} {fa[k]:.3f} -> {fb.get(k, 0):.3f}")
