#!/usr/bin/env bash
# What the search index adds to a full build (issue 3: under 1 s at 10,000
# reports), as measured in docs/benchmarks.md ("What the search index adds"):
# the same binary builds the corpus and a copy with `search: false`,
# alternately, PAIRS times, each into a fresh directory. Nothing is deleted
# during the series, and it starts WAIT seconds after the last deletion
# (on ext4 without a journal, files created within 60–360 s of a mass
# deletion cost 3–4× more; see "ext4" in docs/benchmarks.md).
#   BENCH_LOCK=/tmp/huiwen-cargo.lock bash bench/search_cost.sh [REPORTS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
PAIRS=${PAIRS:-5}
WAIT=${WAIT:-360}
WORK=${BENCH_WORK:-/tmp/huiwen-bench}
locked() { if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }
locked cargo build --release --quiet --workspace
HW=$PWD/target/release/huiwen
SITE=$WORK/site-$N
[ -f "$SITE/site.yaml" ] || "${HW}-corpus" --reports "$N" --out "$SITE"
NOSEARCH=$WORK/site-$N-nosearch
OUT=$WORK/search-cost
rm -rf "$NOSEARCH" "$OUT"
cp -a "$SITE" "$NOSEARCH"
echo "search: false" >> "$NOSEARCH/site.yaml"
mkdir -p "$OUT"
echo "waiting ${WAIT}s for deletions to age" >&2
sleep "$WAIT"
# "wall cpu" of one build in seconds, cpu = user + sys (huiwen's own summary
# goes to stderr too; /usr/bin/time's line is the last).
run() { locked /usr/bin/time -f "%e %U %S" "$HW" build --root "$1" --output "$2" 2>&1 >/dev/null | tail -1; }
echo "| pair | with search: wall, CPU | search: false: wall, CPU | index adds: wall, CPU |"
echo "| ---: | ---: | ---: | ---: |"
rows=()
for i in $(seq 1 "$PAIRS"); do
  sync
  a=$(run "$SITE" "$OUT/with-$i")
  sync
  b=$(run "$NOSEARCH" "$OUT/without-$i")
  rows+=("$a $b")
  python3 - "$i" $a $b <<'PY'
import sys
i, (aw, au, as_, bw, bu, bs) = sys.argv[1], map(float, sys.argv[2:])
ac, bc = au + as_, bu + bs
print(f"| {i} | {aw:.2f} s, {ac:.2f} s | {bw:.2f} s, {bc:.2f} s | {aw - bw:.2f} s, {ac - bc:.2f} s |")
PY
done
python3 - "${rows[@]}" <<'PY'
import statistics, sys
rows = [list(map(float, r.split())) for r in sys.argv[1:]]
wall = [r[0] - r[3] for r in rows]
cpu = [(r[1] + r[2]) - (r[4] + r[5]) for r in rows]
for name, v in (("wall", wall), ("CPU", cpu)):
    print(f"index adds ({name}): median {statistics.median(v):.2f} s, min {min(v):.2f}, max {max(v):.2f}")
PY
rm -rf "$OUT" "$NOSEARCH"
