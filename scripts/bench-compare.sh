#!/usr/bin/env bash
# Runs the MIN lifecycle benchmark for Despatch and the shared peers in one run on this machine,
# one after the other, and prints one JSON line per run plus the ratios.
#
# Usage: scripts/bench-compare.sh PEERS_DIR [N] [DESPATCH_BIN]
#   PEERS_DIR  a writable copy of shared/bench/peers on which peers/setup.sh has run
#   N          cases per run (default 10000)
set -euo pipefail
PEERS=$(cd "$1" && pwd)
N=${2:-10000}
BIN=${3:-$(cd "$(dirname "$0")/.." && pwd)/target/release/despatch}
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
OUT=$DATA/results.jsonl

run() { # name, command...
  local name=$1; shift
  rm -f "$DATA"/*.sqlite* "$DATA"/*.db*
  local line
  line=$("$@" | tail -1)
  echo "{\"run\":\"$name\",\"result\":$line}" | tee -a "$OUT"
}

run limit-int "$PEERS/limit/target/release/min-limit" --cases "$N" --db "$DATA/limit.sqlite" --order interleaved
run despatch-1 "$BIN" bench lifecycle --cases "$N" --clients 1 --db "$DATA/despatch.db"
run despatch-32 "$BIN" bench lifecycle --cases "$N" --clients 32 --db "$DATA/despatch.db"
(cd "$PEERS" && run spiff-reload .venv/bin/python spiff/bench_spiff.py --cases "$N" --db "$DATA/spiff.sqlite" --mode reload)

python3 - "$OUT" <<'PY'
import json, sys
runs = {}
for line in open(sys.argv[1]):
    row = json.loads(line)
    r = row["result"]
    cps = r.get("cases_per_s") or r.get("cases_per_sec") or r.get("cases/s")
    if cps is None:
        secs = r.get("seconds") or r.get("elapsed_s") or r.get("wall_s")
        cps = r["cases"] / secs if secs else None
    runs[row["run"]] = cps
print(json.dumps({k: round(v, 1) for k, v in runs.items()}))
limit, spiff = runs["limit-int"], runs["spiff-reload"]
print(f"despatch 1 client / limit-int = {runs['despatch-1'] / limit:.2f}")
print(f"despatch 1 client / spiff reload = {runs['despatch-1'] / spiff:.1f}")
print(f"despatch 32 clients / limit-int = {runs['despatch-32'] / limit:.2f}")
PY
