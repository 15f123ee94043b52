#!/usr/bin/env bash
# Memory: the weekly run sending the fixture issue to N subscribers (Postfix's smtp-sink on
# loopback) in a JVM capped at -Xmx256m; the peak resident set size of the whole process
# (/usr/bin/time -v) and whether the run completed with every message taken by the sink.
# Usage: bench/memory.sh [N=1000000]      (HEAP=256m to change the cap; JAVA_OPTS is added after it)
# Prints: memory: N subscribers, -Xmx256m, peak RSS X MiB, completed yes|no (...)
set -euo pipefail
N=${1:-1000000}
HEAP=${HEAP:-256m}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

need_packages "$SMTP_SINK" postfix /usr/bin/time time
build_jar

data=$BENCH_TMP/data
mkdir -p "$data"
fixture_opml "$data/feeds.opml"
subscribers_csv "$N" "$BENCH_TMP/subscribers.csv"
log "importing $N subscribers (not measured)"
newsletter "$data" subscribers import "$BENCH_TMP/subscribers.csv" >"$BENCH_TMP/import.out"

port=$(free_port)
start_sink "$port" "$BENCH_TMP/sink.txt"
log "sending to $N subscribers with -Xmx$HEAP"
started=$(now)
status=0
JAVA_OPTS="-Xmx$HEAP ${JAVA_OPTS:-}" newsletter_timed "$BENCH_TMP/time.txt" "$data" run "--cutoff=$CUTOFF" \
  --spring.mail.host=127.0.0.1 "--spring.mail.port=$port" >"$BENCH_TMP/run.out" 2>&1 || status=$?
ended=$(now)
stop_sink
sent=$(sink_messages "$BENCH_TMP/sink.txt")
rss=$(peak_rss_mib "$BENCH_TMP/time.txt")
seconds=$(calc "$ended - $started")

if [ "$status" -eq 0 ] && [ "$sent" -eq "$N" ]; then
  echo "memory: $N subscribers, -Xmx$HEAP, peak RSS $rss MiB, completed yes ($sent sent in $seconds s)"
else
  tail -n 20 "$BENCH_TMP/run.out" >&2
  echo "memory: $N subscribers, -Xmx$HEAP, peak RSS $rss MiB, completed no (exit $status, $sent of $N sent in $seconds s)"
  exit 1
fi
