#!/usr/bin/env python3
"""Ingest growth: per-batch CPU time and memory of `put + fuse` as the store grows.

Puts batches of synthetic result records (see crates/store/examples/growth.rs: a feed
of SIZE articles a day, about five per incident) into one SQLite store, one process per
batch, up to TOTAL articles, and prints the batches at the checkpoints as a Markdown
table (all batches with --all). A benchmark, not a test: 100 batches of 10,000 take
about a quarter of an hour on one core.

    cargo build --release -p sitrep-store --example growth
    python3 tools/bench/store_growth.py --total 1000000 --size 10000 --db /tmp/growth.db
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--total", type=int, default=1_000_000)
    ap.add_argument("--size", type=int, default=10_000)
    ap.add_argument("--db", default="/tmp/sitrep-growth.db")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "examples", "growth"))
    ap.add_argument("--jsonl", help="also write every batch's line here")
    ap.add_argument("--all", action="store_true", help="print every batch, not only the checkpoints")
    a = ap.parse_args()
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(a.db + suffix):
            os.remove(a.db + suffix)
    batches = a.total // a.size
    checkpoints = {0, 10_000, 50_000, 100_000, 200_000, 500_000, a.total - a.size}
    rows = []
    out = open(a.jsonl, "w") if a.jsonl else None
    for k in range(batches):
        line = subprocess.run(
            [a.bin, "--db", a.db, "--batch", str(k), "--size", str(a.size)], check=True, capture_output=True, text=True
        ).stdout.strip()
        r = json.loads(line)
        rows.append(r)
        if out:
            out.write(line + "\n")
            out.flush()
        print(f"batch {k}: {line}", file=sys.stderr)
    shown = [r for r in rows if a.all or r["articles_before"] in checkpoints]
    print("| articles stored before the batch | CPU s (put + fuse) | put | fuse | mentions fused again | peak RSS MB | peak heap MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in shown:
        print(
            f"| {r['articles_before']:,} | {r['cpu_s']:.2f} | {r['put_cpu_s']:.2f} | {r['fuse_cpu_s']:.2f} | "
            f"{r['mentions_refused']:,} | {r['peak_rss_mb']:.0f} | {r['peak_heap_mb']:.0f} |"
        )
    steady = rows[2:] if len(rows) > 2 else rows
    if steady:
        cpu = [r["cpu_s"] for r in steady]
        heap = [r["peak_heap_mb"] for r in steady]
        print(
            f"\nfrom the third batch on: CPU {min(cpu):.2f}..{max(cpu):.2f} s (max/min {max(cpu) / min(cpu):.2}), "
            f"heap {min(heap):.0f}..{max(heap):.0f} MB (max/min {max(heap) / min(heap):.2})"
        )


if __name__ == "__main__":
    main()
