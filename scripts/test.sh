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
cargo test --locked --all-targets
echo "== doc tests"
cargo test --locked --doc
