#!/usr/bin/env bash
# Runs every check and test. This is the README's test command; CI runs it via .ci/run.
# It installs what the tests need (on a fresh Debian machine, as root) before
# running them, and fails, naming the package, when something is still missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# Every test runs: a missing tool fails the tests that need it instead of
# skipping them (the browser, PDF and validator tests read this).
export CI="${CI:-true}"

# What the tests need from the system, as "check|package": a check is a
# command name, font:<lang> for a font covering that language, or file:<path>.
needs=(
  "chromium|chromium"                 # browser tests (search, serve, archive, axe, widths)
  "chromedriver|chromium-driver"      # WebDriver for the above
  "firefox-esr|firefox-esr"           # search in Firefox (tests/search_browser.rs)
  "pdftotext|poppler-utils"           # the printed yearbook
  "font:zh|fonts-noto-cjk"            # Chinese glyphs when Chromium prints the yearbook
  "java|default-jre-headless"         # the Nu HTML Checker (vnu.jar)
  "xmllint|libxml2-utils"             # the sitemap against its XML schema
  "jing|jing"                         # the Atom feed against RFC 4287's RELAX NG schema
  "npm|npm"                           # fetches the pinned vnu-jar and axe-core packages
  "file:/usr/lib/libreoffice/program/libsclo.so|libreoffice-calc-nogui"  # spreadsheets opened and saved by LibreOffice Calc
  "file:/usr/lib/libreoffice/program/libswlo.so|libreoffice-writer-nogui"  # .doc/.wps converted by LibreOffice Writer for huiwen import
)

present() {
  case "$1" in
    font:*) command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list ":lang=${1#font:}" family 2>/dev/null)" ] ;;
    file:*) [ -e "${1#file:}" ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

missing=()
for n in "${needs[@]}"; do
  present "${n%%|*}" || missing+=("${n##*|}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" fontconfig >/dev/null
  fi
  for n in "${needs[@]}"; do
    if ! present "${n%%|*}"; then
      echo "error: ${n%%|*} is missing: install the Debian package ${n##*|} (apt-get install -y ${n##*|})" >&2
      exit 1
    fi
  done
fi

# geckodriver (WebDriver for Firefox) is not packaged by Debian: built
# from crates.io, pinned, into cargo's bin directory.
if ! command -v geckodriver >/dev/null 2>&1; then
  echo "== installing geckodriver from crates.io"
  cargo install --locked --quiet geckodriver --version 0.37.1
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi

# Test tools from the npm registry, pinned (tests/tools/package-lock.json),
# installed into tests/tools/node_modules (git-ignored).
bash scripts/test-tools.sh

echo "== rustfmt"
cargo fmt --all -- --check
echo "== clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== rustdoc (broken or private links in doc comments)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet
echo "== tests"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# The library has no doc tests, so --all-targets runs everything there is.
cargo test --workspace --locked --all-targets 2>&1 | tee "$log"
# One closing line for the whole run (each test binary prints its own).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$log"
