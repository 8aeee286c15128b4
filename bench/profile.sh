#!/usr/bin/env bash
# Profiles huiwen's full build of a generated corpus (issue 8).
#
#   bash bench/profile.sh [REPORTS]      # default 10000
#
# perf (sampling, call graphs) over the full build; the report splits time
# between the kernel and huiwen and lists the hottest functions. callgrind
# (instruction counts, one thread) runs on a 1,000-report corpus, since it is
# about 50× slower. Outputs go to $BENCH_WORK/profile (default
# /tmp/huiwen-bench/profile); summaries are printed.
# Needs: perf (linux-perf), valgrind; the release profile keeps line tables.
set -eu  # no pipefail: `perf report | head` ends with SIGPIPE by design
cd "$(dirname "$0")/.."
N=${1:-10000}
WORK=${BENCH_WORK:-/tmp/huiwen-bench}
P=$WORK/profile
mkdir -p "$P"
locked() { if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }
command -v perf >/dev/null || apt-get install -y -qq linux-perf >&2
command -v valgrind >/dev/null || apt-get install -y -qq valgrind >&2
locked cargo build --release --quiet --workspace
HW=$PWD/target/release/huiwen
for n in "$N" 1000; do
  [ -f "$WORK/site-$n/site.yaml" ] || locked "${HW}-corpus" --reports "$n" --out "$WORK/site-$n"
done
OUT=$WORK/out-profile
rm -rf "$OUT" "$WORK/.out-profile.huiwen-"*; sync

echo "== perf record: $N reports" >&2
locked perf record -F 999 -g -o "$P/perf.data" -- "$HW" build --root "$WORK/site-$N" --output "$OUT" 2> "$P/build.txt"
perf report -i "$P/perf.data" --no-children --sort dso --stdio 2>/dev/null | grep -v '^#' | grep -v '^$' | head -15 > "$P/by-dso.txt"
perf report -i "$P/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | head -60 > "$P/by-symbol.txt"
perf report -i "$P/perf.data" --children --sort sym --stdio -g none 2>/dev/null | grep -v '^#' | grep -v '^$' | grep -v '\[k\]' | head -80 > "$P/inclusive.txt"
cat "$P/build.txt" "$P/by-dso.txt" "$P/by-symbol.txt"

echo "== callgrind: 1000 reports, one thread" >&2
rm -rf "$OUT" "$WORK/.out-profile.huiwen-"*
RAYON_NUM_THREADS=1 locked valgrind --tool=callgrind --callgrind-out-file="$P/callgrind.out" \
  "$HW" build --root "$WORK/site-1000" --output "$OUT" 2> "$P/callgrind.txt"
callgrind_annotate --inclusive=yes "$P/callgrind.out" 2>/dev/null | head -70 > "$P/callgrind-inclusive.txt"
callgrind_annotate "$P/callgrind.out" 2>/dev/null | head -50 > "$P/callgrind-self.txt"
cat "$P/callgrind-inclusive.txt"
rm -rf "$OUT"
