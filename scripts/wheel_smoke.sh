#!/usr/bin/env bash
# Build the wheel, install it with extras into a fresh virtualenv OUTSIDE the checkout, and run every
# command from there, as a new user would. Exits non-zero when any step fails (all steps run; the
# failures are listed at the end).
#
#   scripts/wheel_smoke.sh                 # extras web,report,interop (default)
#   SMOKE_EXTRAS=web,report,stix scripts/wheel_smoke.sh
#   SMOKE_KEEP=1 scripts/wheel_smoke.sh    # keep the temporary folder for a look afterwards
#
# The build uses the checkout's Python (PYTHON, default .venv/bin/python, else python3) without build
# isolation when it has setuptools>=77 (the declared build requirement), with isolation otherwise.
# pip's cache is reused, so a second run installs from cached wheels in seconds.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
EXTRAS=${SMOKE_EXTRAS:-web,report,interop}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sevenfold-wheel-smoke.XXXXXX")
cleanup() { if [ "${SMOKE_KEEP:-0}" = "1" ]; then echo "kept $TMP"; else rm -rf "$TMP"; fi; }
trap cleanup EXIT

FAILED=()
PASSED=0
step() {  # step NAME EXPECTED_EXIT COMMAND...: run, compare the exit code, keep going
  local name=$1 want=$2; shift 2
  local out="$TMP/log/$(echo "$name" | tr -c 'A-Za-z0-9_.-' '_').log"
  "$@" >"$out" 2>&1
  local got=$?
  if [ "$got" = "$want" ]; then
    PASSED=$((PASSED + 1)); echo "ok    $name"
  else
    FAILED+=("$name"); echo "FAIL  $name (exit $got, expected $want)"; sed 's/^/      /' "$out" | tail -n 15
  fi
}
check() {  # check NAME COMMAND...: a condition (exit 0) on what earlier steps produced
  step "$1" 0 "${@:2}"
}
mkdir -p "$TMP/log" "$TMP/src" "$TMP/dist" "$TMP/work" "$TMP/home"

echo "== build (from a copy of the sources: no stale build/ folder or untracked leftovers)"
cp -R "$ROOT/src" "$ROOT/pyproject.toml" "$ROOT/README.md" "$TMP/src/"
[ -f "$ROOT/LICENSE" ] && cp "$ROOT/LICENSE" "$TMP/src/"
find "$TMP/src" -name __pycache__ -prune -exec rm -rf {} +
ISOLATION=""
if "$PYTHON" -c "import setuptools, sys; sys.exit(int(setuptools.__version__.split('.')[0]) < 77)" 2>/dev/null; then
  ISOLATION="--no-build-isolation"
fi
t0=$(date +%s)
if ! "$PYTHON" -m pip wheel -q --no-deps $ISOLATION -w "$TMP/dist" "$TMP/src" >"$TMP/log/build.log" 2>&1; then
  cat "$TMP/log/build.log"; echo "FAIL  wheel build"; exit 1
fi
WHEEL=$(ls "$TMP"/dist/sevenfold-*.whl)
echo "built $(basename "$WHEEL") in $(( $(date +%s) - t0 )) s ($ISOLATION)"

echo "== every data file of the package is in the wheel"
check "wheel holds every non-Python file" "$PYTHON" - "$WHEEL" "$ROOT/src/sevenfold" <<'EOF'
import sys, zipfile
from pathlib import Path
wheel, pkg = sys.argv[1], Path(sys.argv[2])
names = set(zipfile.ZipFile(wheel).namelist())
skip = ("__pycache__", "web/frontend/")  # build inputs, not read at run time
want = [f"sevenfold/{p.relative_to(pkg).as_posix()}" for p in pkg.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and not any(s in p.as_posix() for s in skip)]
missing = [w for w in want if w not in names]
print(f"{len(want)} data files, {len(missing)} missing")
for m in missing:
    print("missing:", m)
sys.exit(1 if missing else 0)
EOF

echo "== fresh virtualenv outside the checkout, extras [$EXTRAS]"
t0=$(date +%s)
"$PYTHON" -m venv "$TMP/venv" || { echo "FAIL  venv"; exit 1; }
VPY="$TMP/venv/bin/python"
if ! "$VPY" -m pip install -q --disable-pip-version-check "${WHEEL}[$EXTRAS]" >"$TMP/log/install.log" 2>&1; then
  tail -n 30 "$TMP/log/install.log"; echo "FAIL  install"; exit 1
fi
echo "installed in $(( $(date +%s) - t0 )) s; $(du -sm "$TMP/venv" | cut -f1) MB"

cd "$TMP/work" || exit 1
export HOME="$TMP/home" SEVENFOLD_DB="$TMP/work/store.db"
unset PYTHONPATH
SF="$TMP/venv/bin/sevenfold"

echo "== the installed package, not the checkout"
check "imports from the virtualenv" "$VPY" -c "import sevenfold, sys; p = sevenfold.__file__; print(p); sys.exit(0 if p.startswith('$TMP/venv') else 1)"

echo "== commands"
step "--version" 0 "$SF" --version
step "-h" 0 "$SF" -h
step "python -m sevenfold --help" 0 "$VPY" -m sevenfold --help
step "--show-completion bash" 0 "$SF" --show-completion bash
step "unknown command is a usage error" 2 "$SF" no-such-command
step "init --json" 0 sh -c "'$SF' init --json > init.json"
step "demo" 0 "$SF" demo --report-dir reports
check "demo wrote HTML reports" test -s reports/zarubin-1937.html
step "schema" 0 sh -c "'$SF' schema > schema.json"
step "list --json" 0 sh -c "'$SF' list --json > list.json"
check "list has the demo cases" grep -q zarubin-1937 list.json
step "show" 0 "$SF" show zarubin-1937
step "export yaml to a file" 0 "$SF" export zarubin-1937 --format yaml --out case.yaml
step "validate" 0 "$SF" validate case.yaml
step "validate - (stdin)" 0 sh -c "'$SF' validate - < case.yaml"
step "validate --json of a bad file" 2 sh -c "'$SF' validate nope.yaml --json > bad.json"
check "--json error is JSON on stdout" "$VPY" -c "import json; d = json.load(open('bad.json')); assert 'error' in d and 'problems' in d, d"
step "import --replace --json" 0 "$SF" import case.yaml --replace --json
step "import - (stdin)" 0 sh -c "sed 's/^  id: zarubin-1937$/  id: zarubin-stdin/' case.yaml | '$SF' import - --json"
step "assess --json" 0 sh -c "'$SF' assess zarubin-1937 --json > assess.json"
step "assess a case file" 0 "$SF" assess case.yaml
step "provenance --json" 0 "$SF" provenance zarubin-1937 --json
step "burn" 0 "$SF" burn zarubin-1937 zarubin --since 1936-09 --json
step "unburn" 0 "$SF" unburn zarubin-1937 zarubin
for fmt in yaml json stix csl ftm; do
  step "export --format $fmt to stdout" 0 sh -c "'$SF' export zarubin-1937 --format $fmt > export.$fmt"
  check "export $fmt is not empty" test -s "export.$fmt"
done
for fmt in csv parquet; do
  step "export --format $fmt" 0 "$SF" export zarubin-1937 --format "$fmt" --out "tables-$fmt"
done
step "import-stix" 0 "$SF" import-stix export.stix --case-id from-stix --json
step "import-stix - --out -" 0 sh -c "'$SF' import-stix - --case-id via-stdin --out - < export.stix > from-stix.yaml"
cat > refs.json <<'EOF'
[{"id": "smoke-ref", "type": "book", "title": "A smoke-test book", "author": [{"family": "Doe", "given": "Jan"}],
  "issued": {"date-parts": [[1990]]}, "DOI": "10.1000/smoke"}]
EOF
step "import-csl into a case file" 0 "$SF" import-csl refs.json --case case.yaml --out with-csl.yaml
step "import-csl - into the store" 0 sh -c "'$SF' import-csl - --case zarubin-stdin --json < refs.json"
step "import-table" 0 "$SF" import-table tables-csv/claims.csv --case zarubin-stdin --json
step "import-ftm" 0 "$SF" import-ftm export.ftm --case zarubin-stdin --json
step "report html" 0 "$SF" report zarubin-1937 --format html --out report.html
step "report pdf" 0 "$SF" report zarubin-1937 --format pdf --out report.pdf
step "report html to stdout" 0 sh -c "'$SF' report case.yaml --out - > report-stdout.html"
cat > claims.csv <<'EOF'
source,object,attribute,value
a,berlin,population,3.6
b,berlin,population,3.6
c,berlin,population,3.7
a,paris,population,2.1
b,paris,population,2.1
c,paris,population,2.1
a,rome,population,2.8
c,rome,population,2.9
EOF
step "fuse" 0 "$SF" fuse claims.csv --method accu
step "fuse --json" 0 "$SF" fuse claims.csv --method majority-voting --json
step "names match" 0 "$SF" names match "Зарубин" "Zarubin"
step "names resolve" 0 "$SF" names resolve case.yaml
cat > paper.txt <<'EOF'
The memorandum was forged.¹ It reached Moscow in March.²

¹ RGASPI, f. 17, op. 163, d. 1217, ll. 51–2.
² Ibid., l. 53.
EOF
step "cite parse" 0 "$SF" cite parse "RGASPI, f. 17, op. 163, d. 1217, ll. 51–2" --json
step "cite audit" 0 "$SF" cite audit paper.txt --json
step "cite audit - (stdin)" 0 sh -c "'$SF' cite audit - < paper.txt"
step "backup" 0 "$SF" backup backup.db --json
step "check" 0 "$SF" check
step "restore --force" 0 "$SF" restore backup.db --force
step "restore into a new store" 0 "$SF" restore backup.db --db "$TMP/work/restored.db"
step "backup - | restore -" 0 sh -c "'$SF' backup - | '$SF' restore - --db '$TMP/work/piped.db'"
step "names match --pairs - --out -" 0 sh -c "printf 'a,b\nЕжов,Yezhov\n' | '$SF' names match --pairs - --out - | grep -q true"
step "fuse - (stdin)" 0 sh -c "'$SF' fuse - --method majority-voting --json < claims.csv"
step "fuse --out - (truths on stdout, summary on stderr)" 0 \
  sh -c "'$SF' fuse claims.csv --method majority-voting --out - --json > truths-stdout.csv 2> fuse-summary.json"
check "fuse --out - wrote the CSV alone" "$VPY" -c "import csv, json; rows = list(csv.DictReader(open('truths-stdout.csv'))); assert {r['object'] for r in rows} == {'berlin', 'paris', 'rome'}, rows; assert json.load(open('fuse-summary.json'))['out'] == '-'"
step "fuse --out - --sources-out - is refused" 2 "$SF" fuse claims.csv --out - --sources-out -
step "export csv --table claims --out -" 0 \
  sh -c "'$SF' export zarubin-1937 --format csv --table claims --out - > claims-stdout.csv"
check "exported claims table reads back" "$VPY" -c "import csv; rows = list(csv.DictReader(open('claims-stdout.csv'))); assert rows and {'source', 'object', 'attribute', 'value'} <= set(rows[0]), rows[:1]"
step "export parquet --table reports > file" 0 \
  sh -c "'$SF' export zarubin-1937 --format parquet --table reports > reports-stdout.parquet"
check "parquet from stdout reads with pyarrow" "$VPY" -c "import pyarrow.parquet as pq; assert pq.read_table('reports-stdout.parquet').num_rows > 0"
step "export csv to stdout without --table is refused" 2 "$SF" export zarubin-1937 --format csv
step "export csv --table claims | fuse -" 0 \
  sh -c "'$SF' export zarubin-1937 --format csv --table claims | '$SF' fuse - --method majority-voting --out - --quiet | grep -q authentic"
step "user add" 0 sh -c "echo 'correct horse battery' | '$SF' user add alice --admin --password-stdin"
step "user grant --all-cases" 0 "$SF" user grant alice --all-cases owner
step "import --owner" 0 "$SF" import case.yaml --replace --owner alice
step "user list" 0 "$SF" user list --json
step "user --help" 0 "$SF" user --help
step "serve --help" 0 "$SF" serve --help
step "audit verify" 0 "$SF" audit verify
step "--quiet" 0 sh -c "test -z \"\$('$SF' list --quiet)\""

echo "== $PASSED passed, ${#FAILED[@]} failed"
if [ ${#FAILED[@]} -gt 0 ]; then
  printf '  failed: %s\n' "${FAILED[@]}"
  exit 1
fi
