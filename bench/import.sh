#!/usr/bin/env bash
# Import: `subscribers import` of an N-row CSV (email,name,status and one extra attribute
# column) into a fresh data directory, in a JVM capped at -Xmx256m: rows per second and the
# peak resident set size of the process (/usr/bin/time -v). The time of importing a file with
# the header only (start-up, schema creation) is measured first and taken off.
# Usage: bench/import.sh [N=1000000]      (HEAP=256m to change the cap; JAVA_OPTS is added after it)
# Prints: import: N rows in S s, R rows/s, peak RSS X MiB (-Xmx256m)
set -euo pipefail
N=${1:-1000000}
HEAP=${HEAP:-256m}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

need_packages /usr/bin/time time
build_jar
export JAVA_OPTS="-Xmx$HEAP ${JAVA_OPTS:-}"

subscribers_csv "$N" "$BENCH_TMP/subscribers.csv"
head -n 1 "$BENCH_TMP/subscribers.csv" >"$BENCH_TMP/header-only.csv"

mkdir -p "$BENCH_TMP/empty"
started=$(now)
newsletter "$BENCH_TMP/empty" subscribers import "$BENCH_TMP/header-only.csv" >"$BENCH_TMP/empty.out" 2>&1 \
  || { cat "$BENCH_TMP/empty.out" >&2; exit 1; }
ended=$(now)
baseline=$(calc "$ended - $started")
log "a header-only import takes $baseline s"

mkdir -p "$BENCH_TMP/data"
log "importing $N rows with -Xmx$HEAP"
started=$(now)
status=0
newsletter_timed "$BENCH_TMP/time.txt" "$BENCH_TMP/data" subscribers import "$BENCH_TMP/subscribers.csv" \
  >"$BENCH_TMP/import.out" 2>&1 || status=$?
ended=$(now)
rss=$(peak_rss_mib "$BENCH_TMP/time.txt")
whole=$(calc "$ended - $started")
seconds=$(calc "$whole - $baseline")
log "$(head -n 1 "$BENCH_TMP/import.out"); whole command $whole s"
if awk "BEGIN { exit !($seconds < 0.1) }"; then
  log "the rows took less than the start-up's noise: rows/s counts the whole command"
  seconds=$whole
fi

# Exit 0: every line imported (2 would mean rejected lines, DESIGN.md §6).
if [ "$status" -eq 0 ]; then
  echo "import: $N rows in $seconds s, $(calc "$N / $seconds") rows/s, peak RSS $rss MiB (-Xmx$HEAP)"
else
  tail -n 20 "$BENCH_TMP/import.out" >&2
  echo "import: $N rows failed (exit $status) after $seconds s, peak RSS $rss MiB (-Xmx$HEAP)"
  exit 1
fi
