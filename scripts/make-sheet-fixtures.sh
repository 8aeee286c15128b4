#!/usr/bin/env bash
# Writes the spreadsheet fixtures with a real office program (LibreOffice,
# headless). Run once when a source changes; the results are committed, so
# the tests read files exactly as an office program saves them.
#
#   tests/fixtures/sheets/src/*.fods  (flat ODS: reviewable text, our own data)
#     → tests/fixtures/sheets/<name>.xlsx, .xls, .ods
#     → content/stats/试点镇送教下乡统计.xlsx        (the sample site's sheet)
#     → scaffold/content/stats/2025年统计.xlsx      (what `huiwen init` writes)
#   the sample site's stats/stats.csv download (built now)
#     → tests/fixtures/sheets/roundtrip/stats.csv, and LibreOffice's .xlsx,
#       .xls and GBK .csv of it (opened and saved as a clerk would)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v soffice >/dev/null || { echo "error: install LibreOffice (apt-get install -y libreoffice-calc-nogui)" >&2; exit 1; }
src=tests/fixtures/sheets/src
dst=tests/fixtures/sheets
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
convert() { # convert FORMAT OUTDIR FILE...
  local fmt="$1" out="$2"; shift 2
  soffice -env:UserInstallation="file://$tmp/profile" --headless --convert-to "$fmt" --outdir "$out" "$@" >/dev/null 2>&1
}
for fmt in xlsx xls ods; do
  convert "$fmt" "$dst" "$src/统计表.fods" "$src/错误.fods"
done
convert xlsx content/stats "$src/试点镇送教下乡统计.fods"
convert xlsx scaffold/content/stats "$src/2025年统计.fods"

# The round trip: the site's download, opened in LibreOffice and saved.
cargo run --quiet -- build --output "$tmp/site" >/dev/null
mkdir -p "$dst/roundtrip"
cp "$tmp/site/stats/stats.csv" "$dst/roundtrip/stats.csv"
utf8='CSV:44,34,76,1'
convert xlsx "$dst/roundtrip" --infilter="$utf8" "$dst/roundtrip/stats.csv"
convert xls "$dst/roundtrip" --infilter="$utf8" "$dst/roundtrip/stats.csv"
# Character set 61 is GBK (code page 936): Excel's "CSV (逗号分隔)" on Chinese Windows.
mkdir -p "$tmp/gbk"
convert 'csv:Text - txt - csv (StarCalc):44,34,61' "$tmp/gbk" --infilter="$utf8" "$dst/roundtrip/stats.csv"
cp "$tmp/gbk/stats.csv" "$dst/roundtrip/stats-gbk.csv"
ls -l "$dst" "$dst/roundtrip" content/stats scaffold/content/stats
