#!/usr/bin/env bash
# The web workstack benchmark (docs/PERFORMANCE.md): a team workstack page under load.
#
# Fills a fresh SQLite database with N open cases in one team's workstack (`despatch bench
# workstack`), starts `despatch serve` on it, signs in as a member of the team through the real
# sign-in form, then runs wrk against the team's workstack page (page 1, oldest deadline first,
# with the true total of open cases) at C concurrent connections for D seconds, and prints one
# JSON line: requests/s, latency percentiles (ms), non-2xx responses and the server's peak
# resident memory.
#
# Usage: scripts/bench-web.sh [N] [CONNECTIONS] [SECONDS] [DESPATCH_BIN]
#   defaults: 100000 cases, 32 connections, 30 s, target/release/despatch
# Needs wrk and curl (Debian packages).
set -euo pipefail
N=${1:-100000}
CONNECTIONS=${2:-32}
SECONDS_=${3:-30}
BIN=${4:-$(cd "$(dirname "$0")/.." && pwd)/target/release/despatch}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
DATA=$(mktemp -d)
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null; rm -rf "$DATA"; }
trap cleanup EXIT

PASSWORD="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
SEED=$(DESPATCH_BENCH_PASSWORD="$PASSWORD" "$BIN" bench workstack --cases "$N" --db "$DATA/web.db" | tail -1)
TEAM=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["team"])' "$SEED")

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" serve --db "$DATA/web.db" --addr "127.0.0.1:$PORT" >"$DATA/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# Sign in through the form: its token is in a cookie and in a hidden field.
JAR=$DATA/cookies
FORM=$(curl -fs -c "$JAR" "http://127.0.0.1:$PORT/sign-in")
CSRF=$(printf '%s' "$FORM" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
curl -fs -b "$JAR" -c "$JAR" -o /dev/null -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode "csrf=$CSRF" --data-urlencode "username=user00" --data-urlencode "password=$PASSWORD" \
  "http://127.0.0.1:$PORT/sign-in"
SESSION=$(awk '$6 == "despatch_session" {print $7}' "$JAR")
[ -n "$SESSION" ] || { echo "sign-in failed" >&2; cat "$DATA/serve.log" >&2; exit 1; }
URL="http://127.0.0.1:$PORT/teams/$TEAM"
# The page must be the real workstack with the true total before it is measured.
# (Read whole before matching: grep -q closing the pipe early would fail curl under pipefail.)
PAGE=$(curl -fs -H "Cookie: despatch_session=$SESSION" "$URL")
grep -q "$N open case" <<<"$PAGE" || { echo "the workstack page does not show $N open cases" >&2; exit 1; }

cat >"$DATA/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('{"requests":%d,"seconds":%.1f,"requests_per_s":%.1f,"p50_ms":%.1f,"p95_ms":%.1f,"p99_ms":%.1f,"max_ms":%.1f,"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.errors.status, errors))
end
LUA
RESULT=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" -s "$DATA/report.lua" -H "Cookie: despatch_session=$SESSION" "$URL" | tail -1)
RSS=$(awk '/VmHWM/ {printf "%.1f", $2 / 1024}' "/proc/$SERVER/status")
echo "{\"bench\":\"despatch\",\"workload\":\"team-workstack\",\"open_cases\":$N,\"connections\":$CONNECTIONS,\"seed\":$SEED,\"wrk\":$RESULT,\"server_peak_rss_mib\":$RSS}"
