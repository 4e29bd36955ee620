#!/usr/bin/env bash
# Refresh the workbench's vendored front-end libraries from npm (pinned in
# src/sevenfold/web/frontend/package.json + package-lock.json) and copy their minified builds into
# src/sevenfold/web/static/vendor/. The copies are committed, so `pip install sevenfold[web]` needs no npm.
# Usage: scripts/vendor_web_assets.sh        (needs node + npm; network only while it runs)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
front="$here/src/sevenfold/web/frontend"
vendor="$here/src/sevenfold/web/static/vendor"
cd "$front"
if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
mkdir -p "$vendor"
cp node_modules/htmx.org/dist/htmx.min.js "$vendor/htmx.min.js"
cp node_modules/htmx.org/LICENSE "$vendor/LICENSE.htmx.txt"
{
  echo "Vendored front-end libraries (copied by scripts/vendor_web_assets.sh; do not edit by hand)"
  echo
  for pkg in htmx.org; do
    node -e "const p=require('./node_modules/$pkg/package.json'); console.log(p.name+' '+p.version+'  licence: '+p.license+'  '+(p.homepage||''))"
  done
  echo
  echo "Full licence text: LICENSE.htmx.txt (BSD Zero Clause)."
} > "$vendor/LICENSES.md"
ls -l "$vendor"
