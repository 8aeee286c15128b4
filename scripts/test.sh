#!/usr/bin/env bash
# Runs every check and test. This is the README's test command; CI runs it via .ci/run.
# It installs what the tests need (on a fresh machine) before running them.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's headless Chromium through chromedriver.
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium, chromium-driver and poppler-utils (pdftotext)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver poppler-utils >/dev/null
  fi
fi

echo "== rustfmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --all-targets --locked -- -D warnings
echo "== tests"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# The library has no doc tests, so --all-targets runs everything there is.
cargo test --locked --all-targets 2>&1 | tee "$log"
# One closing line for the whole run (each test binary prints its own).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
