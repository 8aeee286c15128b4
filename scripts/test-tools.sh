#!/usr/bin/env bash
# Installs the test-only checkers pinned in tests/tools/package-lock.json
# (vnu-jar: the Nu HTML Checker; axe-core: accessibility rules) into
# tests/tools/node_modules. Nothing here is shipped in a site.
set -euo pipefail
cd "$(dirname "$0")/../tests/tools"
stamp=node_modules/.huiwen-lock.sha256
want="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== installing test tools (npm ci: vnu-jar, axe-core)"
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
for f in node_modules/vnu-jar/build/dist/vnu.jar node_modules/axe-core/axe.min.js; do
  [ -f "$f" ] || { echo "error: tests/tools/$f is missing after npm ci" >&2; exit 1; }
done
