#!/usr/bin/env bash
# Import and export (issue 16): `subscribers import` of an N-row CSV (email,name,status and one
# extra attribute column) in a JVM capped at -Xmx256m, side by side in one run with the SQLite
# shell's `.import` of the same file into a table with a unique case-insensitive key; then the
# same file again (every row unchanged), a file with 5 % of its rows rejected (bad addresses
# and duplicates, scattered), and `subscribers export` of the N subscribers. Our figures are
# the wall time of the whole command (start-up included) and its peak RSS (/usr/bin/time -v).
# Usage: bench/import.sh [N=1000000]      (HEAP=256m to change the cap; JAVA_OPTS is added after it)
# Prints: import: N rows, ours X rows/s, sqlite Y rows/s, ratio Z, peak RSS R MiB
#         reimport: N rows unchanged, ours X rows/s, peak RSS R MiB
#         rejects: N rows (B rejected), ours X rows/s, peak RSS R MiB
#         export: N rows, X rows/s, peak RSS R MiB
set -euo pipefail
N=${1:-1000000}
HEAP=${HEAP:-256m}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

need_packages /usr/bin/time time sqlite3 sqlite3
build_jar
export JAVA_OPTS="-Xmx$HEAP ${JAVA_OPTS:-}"
CSV="$BENCH_TMP/subscribers.csv"
subscribers_csv "$N" "$CSV"

# ours_timed NAME EXPECTED_EXIT ARGS...: runs the CLI on $BENCH_TMP/data under /usr/bin/time;
# sets SECONDS_TAKEN and RSS_MIB, fails the bench on another exit code.
ours_timed() {
  local name=$1 expected=$2 status=0 started ended
  shift 2
  started=$(now)
  newsletter_timed "$BENCH_TMP/$name.time" "$BENCH_TMP/data" "$@" >"$BENCH_TMP/$name.out" 2>"$BENCH_TMP/$name.err" || status=$?
  ended=$(now)
  SECONDS_TAKEN=$(calc "$ended - $started")
  RSS_MIB=$(peak_rss_mib "$BENCH_TMP/$name.time")
  if [ "$status" -ne "$expected" ]; then
    tail -n 20 "$BENCH_TMP/$name.out" "$BENCH_TMP/$name.err" >&2
    echo "$name: exit $status (expected $expected) after $SECONDS_TAKEN s" >&2
    exit 1
  fi
  log "$name: $(grep -E 'imported|exported' "$BENCH_TMP/$name.out" | tail -n 1) in $SECONDS_TAKEN s, peak RSS $RSS_MIB MiB"
}

mkdir -p "$BENCH_TMP/data"
log "importing $N rows with -Xmx$HEAP"
ours_timed import 0 subscribers import "$CSV"
ours=$(calc "$N / $SECONDS_TAKEN")
import_rss=$RSS_MIB
grep -q "^$N imported ($N added, 0 updated, 0 unchanged), 0 rejected" "$BENCH_TMP/import.out" \
  || { cat "$BENCH_TMP/import.out" >&2; exit 1; }

log "sqlite3 .import of the same file"
started=$(now)
sqlite3 "$BENCH_TMP/s.db" "create table sub(email text primary key collate nocase, name text, status text, city text);" \
  ".mode csv" ".import --skip 1 $CSV sub"
ended=$(now)
sqlite=$(calc "$N / ($ended - $started)")
[ "$(sqlite3 "$BENCH_TMP/s.db" 'select count(*) from sub')" -eq "$N" ] || { echo "sqlite lost rows" >&2; exit 1; }
echo "import: $N rows, ours $ours rows/s, sqlite $sqlite rows/s, ratio $(ratio "$ours / $sqlite"), peak RSS $import_rss MiB"

log "importing the same file again"
ours_timed reimport 0 subscribers import "$CSV"
grep -q "^$N imported (0 added, 0 updated, $N unchanged), 0 rejected" "$BENCH_TMP/reimport.out" \
  || { cat "$BENCH_TMP/reimport.out" >&2; exit 1; }
echo "reimport: $N rows unchanged, ours $(calc "$N / $SECONDS_TAKEN") rows/s, peak RSS $RSS_MIB MiB"

log "exporting"
ours_timed export 0 subscribers export "$BENCH_TMP/export.csv"
[ "$(($(wc -l <"$BENCH_TMP/export.csv") - 1))" -eq "$N" ] || { echo "the export does not hold $N rows" >&2; exit 1; }
echo "export: $N rows, $(calc "$N / $SECONDS_TAKEN") rows/s, peak RSS $RSS_MIB MiB"

# Every 20th row spoilt, alternately a bad address and a duplicate of the row before it.
awk 'NR > 1 && NR % 20 == 0 { if (NR % 40 == 0) { sub(/@/, "@@") } else { $0 = prev } } { print; prev = $0 }' "$CSV" \
  >"$BENCH_TMP/rejects.csv"
bad=$(awk 'NR > 1 && NR % 20 == 0' "$CSV" | wc -l)
rm -rf "$BENCH_TMP/data" && mkdir -p "$BENCH_TMP/data"
log "importing $N rows of which $bad are rejected, into an empty list"
ours_timed rejects 2 subscribers import "$BENCH_TMP/rejects.csv"
grep -q "^$((N - bad)) imported ($((N - bad)) added, 0 updated, 0 unchanged), $bad rejected" "$BENCH_TMP/rejects.out" \
  || { cat "$BENCH_TMP/rejects.out" >&2; exit 1; }
[ "$(grep -c ': line [0-9]*: ' "$BENCH_TMP/rejects.err")" -eq "$bad" ] || { echo "not every rejected line was reported" >&2; exit 1; }
echo "rejects: $N rows ($bad rejected), ours $(calc "$N / $SECONDS_TAKEN") rows/s, peak RSS $RSS_MIB MiB"
