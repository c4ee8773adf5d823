#!/usr/bin/env bash
# API latency under load from a second process on loopback (wrk, Debian package `wrk`).
# Usage: tools/bench/api-load.sh DB [CONNECTIONS] [SECONDS]
# Starts `sitrep serve` on DB, then hammers the event listing (a mix of filters) and
# prints wrk's latency distribution (p50/p75/p90/p99). WARMUP=0 measures from a cold
# start (the first requests for each query wait for the database).
set -euo pipefail
db=${1:?usage: api-load.sh DB [CONNECTIONS] [SECONDS]}
conns=${2:-200}
secs=${3:-15}
bin=${SITREP:-target/release/sitrep}
port=${PORT:-18080}
# wrk opens all its connections from loopback: lift the per-client cap (64 by default).
"$bin" serve --db "$db" --addr "127.0.0.1:$port" --max-client-connections $((conns + 64)) 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/api/health" >/dev/null && break; sleep 0.1; done
lua=$(mktemp --suffix .lua)
cat > "$lua" <<'LUA'
local paths = {
  "/api/events?limit=50",
  "/api/events?status=current&type=ASSAULT&limit=50",
  "/api/events?country=USA&limit=50&offset=50",
  "/api/events?min_fatalities=5&limit=50",
  "/api/events?from=2015-12-01&to=2016-01-31&limit=50",
}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
if [ "${WARMUP:-1}" = 1 ]; then
  echo "# warm-up (2 s, not measured)"
  wrk -t2 -c"$conns" -d2s -s "$lua" "http://127.0.0.1:$port" >/dev/null
fi
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$lua" "http://127.0.0.1:$port"
rm -f "$lua"
