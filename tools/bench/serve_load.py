#!/usr/bin/env python3
"""Serve under load: latency of uncached, filtered API requests at N concurrent clients.

Makes (or reuses) a store of ARTICLES synthetic articles with the ingest-growth generator
(crates/store/examples/growth.rs, batches of 10,000), starts `sitrep serve` on it, and
runs the load generator (crates/server/examples/load.rs): CLIENTS keep-alive connections
sending requests back to back for SECONDS — event listings with random filters, full-text
and radius searches, statistics, single events, the document listing walked by cursor —
then prints a Markdown table per kind of request. A benchmark, not a test.

    cargo build --release -p sitrep-cli -p sitrep-store --example growth -p sitrep-server --example load
    python3 tools/bench/serve_load.py --articles 100000 --clients 50 --seconds 15 --db /tmp/load.db
"""
import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
REL = os.path.join(ROOT, "target", "release")


def documents(db):
    import sqlite3

    if not os.path.exists(db):
        return 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
        return c.execute("SELECT count(*) FROM documents").fetchone()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--db", default="/tmp/sitrep-load.db")
    ap.add_argument("--port", type=int, default=18080)
    ap.add_argument("--warmup", type=float, default=2, help="seconds of load before the measured run")
    a = ap.parse_args()
    have = documents(a.db)
    if have != a.articles:
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(a.db + suffix):
                os.remove(a.db + suffix)
        for k in range(a.articles // 10_000):
            subprocess.run([os.path.join(REL, "examples", "growth"), "--db", a.db, "--batch", str(k), "--size", "10000"],
                           check=True, capture_output=True)
            print(f"store: {(k + 1) * 10_000} articles", file=sys.stderr)
    addr = f"127.0.0.1:{a.port}"
    server = subprocess.Popen([os.path.join(REL, "sitrep"), "serve", "--db", a.db, "--addr", addr,
                               "--max-client-connections", str(a.clients + 64)], stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://{addr}/api/health", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        load = os.path.join(REL, "examples", "load")
        if a.warmup > 0:
            subprocess.run([load, "--addr", addr, "--clients", str(a.clients), "--seconds", str(a.warmup), "--seed", "7"],
                           check=True, capture_output=True)
        out = subprocess.run([load, "--addr", addr, "--clients", str(a.clients), "--seconds", str(a.seconds)],
                             check=True, capture_output=True, text=True).stdout
    finally:
        server.terminate()
        server.wait()
    r = json.loads(out)
    print(json.dumps(r), file=sys.stderr)
    print(f"{documents(a.db):,} articles, {r['clients']} clients, {r['seconds']:.0f} s: "
          f"{r['requests_per_s']:,.0f} requests/s, statuses {r['statuses']}")
    print()
    print("| requests | count | errors | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, s in list(r["by_kind"].items()) + [("all", r["all"])]:
        print(f"| {name} | {s['requests']:,} | {s['errors']} | {s['p50_ms']:.1f} | {s['p90_ms']:.1f} | "
              f"{s['p99_ms']:.1f} | {s['max_ms']:.1f} |")


if __name__ == "__main__":
    main()
