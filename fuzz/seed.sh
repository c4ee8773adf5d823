#!/bin/sh
# Writes every target's seed corpus (sitrep_fuzz::seeds) to fuzz/corpus/<target>/.
# Run from anywhere; uses the main workspace's stable toolchain.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo run -q -p sitrep-fuzz --example export_seeds -- "$root/fuzz/corpus"
