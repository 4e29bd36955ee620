#!/usr/bin/env bash
# Reproduce every held-out run against a given sevenfold source tree.
#   SF_SRC=/work/base/src OUT=/work/heldout/baseline ./run_all.sh
# Optional: SF_BIN (default /work/main/.venv/bin/sevenfold). Runs from /tmp so no local config leaks in.
set -u
: "${SF_SRC:?set SF_SRC to the sevenfold src path}"
: "${OUT:?set OUT to the output folder}"
SF_BIN="${SF_BIN:-/work/main/.venv/bin/sevenfold}"
HERE="$(cd "$(dirname "$0")" && pwd)"
CASES="$HERE/cases"; NAMES="$HERE/names"
mkdir -p "$OUT"
export PYTHONPATH="$SF_SRC"
export SEVENFOLD_DB="$OUT/scratch.db"   # never touch the default store
cd /tmp
# integrity first: refuse to run on edited held-out data
( cd "$CASES" && sha256sum -c "$HERE/FROZEN.sha256" ) > "$OUT/frozen-check.txt" 2>&1 || { echo "cases changed since freeze"; cat "$OUT/frozen-check.txt"; exit 3; }
( cd "$NAMES" && sha256sum -c FROZEN.sha256 ) >> "$OUT/frozen-check.txt" 2>&1 || { echo "pairs changed since freeze"; exit 3; }
for f in "$CASES"/*.yaml; do
  X="$(basename "$f" .yaml)"
  "$SF_BIN" validate "$f"                > "$OUT/$X.validate.txt" 2>&1; echo "validate rc=$?" >> "$OUT/$X.validate.txt"
  "$SF_BIN" validate "$f" --json         > "$OUT/$X.validate.json" 2>"$OUT/$X.validate.json.err"
  "$SF_BIN" assess "$f" --json           > "$OUT/$X.json" 2>"$OUT/$X.json.err"; echo "rc=$?" >> "$OUT/$X.json.err"
  COLUMNS=200 "$SF_BIN" assess "$f"      > "$OUT/$X.txt" 2>&1; echo "rc=$?" >> "$OUT/$X.txt"
  COLUMNS=200 "$SF_BIN" provenance "$f"  > "$OUT/$X.provenance.txt" 2>&1; echo "rc=$?" >> "$OUT/$X.provenance.txt"
  "$SF_BIN" provenance "$f" --json       > "$OUT/$X.provenance.json" 2>"$OUT/$X.provenance.json.err"
done
# names: batch at the default threshold, plus one --json call per pair
"$SF_BIN" names match --pairs "$NAMES/pairs.csv" --out "$OUT/names-scored.csv" > "$OUT/names-batch.txt" 2>&1; echo "rc=$?" >> "$OUT/names-batch.txt"
: > "$OUT/names-match.jsonl"
python3 - "$NAMES/pairs.csv" <<'PY' | while IFS=$'\t' read -r A B; do
import csv,sys
for r in csv.DictReader(open(sys.argv[1],encoding='utf-8')): print(r['a']+'\t'+r['b'])
PY
  "$SF_BIN" names match "$A" "$B" --json 2>/dev/null | tr -d '\n' >> "$OUT/names-match.jsonl"; echo >> "$OUT/names-match.jsonl"
done
echo "done: $OUT"
