#!/usr/bin/env bash
# Two side measurements behind docs/benchmarks.md ("What the profile found"),
# on the corpus bench/run.sh generated (default 10,000 reports):
#  1. the cost of the residue lint: the same site with `residue: false`;
#  2. ext4 without a journal: a build started right after the previous
#     output was deleted vs. one started after deletions aged (65 s).
#   BENCH_LOCK=/tmp/huiwen-cargo.lock bash bench/experiments.sh [REPORTS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
WORK=${BENCH_WORK:-/tmp/huiwen-bench}
RUNS=${RUNS:-3}
HW=$PWD/target/release/huiwen
SITE=$WORK/site-$N
locked() { if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }
[ -f "$SITE/site.yaml" ] || "${HW}-corpus" --reports "$N" --out "$SITE"
NOLINT=$WORK/site-$N-nolint
rm -rf "$NOLINT" && cp -a "$SITE" "$NOLINT"
echo "residue: false" >> "$NOLINT/site.yaml"
TRASH=$WORK/trash-exp && mkdir -p "$TRASH"
A=$WORK/out-exp-a B=$WORK/out-exp-b
CLEAN="T=\$(mktemp -d $TRASH/XXXXXX); for d in $A $B; do if [ -e \$d ]; then mv \$d \$T/; fi; done; sync"
sleep 65
echo "== 1. residue lint on vs off ($N reports, $RUNS alternating runs)"
locked hyperfine --runs "$RUNS" --style basic --prepare "$CLEAN" \
  -n lint "$HW build --root $SITE --output $A" \
  -n no-lint "$HW build --root $NOLINT --output $B" 2>&1 | grep -E 'Benchmark|Time|±'
rm -rf "$TRASH" "$NOLINT"
echo "== 2. build right after deleting the previous output (no ageing)"
locked hyperfine --runs "$RUNS" --style basic --prepare "rm -rf $A; sync" \
  -n after-delete "$HW build --root $SITE --output $A" 2>&1 | grep -E 'Benchmark|Time|±'
rm -rf "$A" "$B"
