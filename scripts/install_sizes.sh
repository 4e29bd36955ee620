#!/usr/bin/env bash
# Install size and time of the wheel and of each extra, each in a fresh virtualenv (pip's cache reused,
# so the times are installs from cached wheels, not downloads). Prints a Markdown table for the README.
#
#   scripts/install_sizes.sh [EXTRA ...]     # default: every extra a user installs
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)
EXTRAS=("$@")
[ ${#EXTRAS[@]} -gt 0 ] || EXTRAS=(core stix web report postgres ftm interop names cite spark)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sevenfold-sizes.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/src" "$TMP/dist"
cp -R "$ROOT/src" "$ROOT/pyproject.toml" "$ROOT/README.md" "$TMP/src/"
"$PYTHON" -m pip wheel -q --no-deps --no-build-isolation -w "$TMP/dist" "$TMP/src" || exit 1
WHEEL=$(ls "$TMP"/dist/sevenfold-*.whl)
"$PYTHON" -m venv "$TMP/empty"
EMPTY=$(du -sm "$TMP/empty" | cut -f1)
echo "python $("$PYTHON" -c 'import platform; print(platform.python_version())'), empty virtualenv $EMPTY MB (not counted)"
echo "| install | size (MB) | time (s) |"
echo "| --- | ---: | ---: |"
for extra in "${EXTRAS[@]}"; do
  spec="$WHEEL"; label="pip install sevenfold"
  if [ "$extra" != core ]; then spec="$WHEEL[$extra]"; label="pip install 'sevenfold[$extra]'"; fi
  rm -rf "$TMP/venv"
  "$PYTHON" -m venv "$TMP/venv"
  t0=$(date +%s%N)
  if "$TMP/venv/bin/python" -m pip install -q --disable-pip-version-check "$spec" >"$TMP/log" 2>&1; then
    t1=$(date +%s%N)
    size=$(( $(du -sm "$TMP/venv" | cut -f1) - EMPTY ))
    printf '| `%s` | %d | %d |\n' "$label" "$size" "$(( (t1 - t0 + 500000000) / 1000000000 ))"
  else
    printf '| `%s` | failed: %s | |\n' "$label" "$(tail -n 1 "$TMP/log")"
  fi
done
