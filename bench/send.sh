#!/usr/bin/env bash
# Sending rate: our send step delivering the fixture issue to N subscribers over C SMTP
# connections to Postfix's smtp-sink on loopback, against Postfix's smtp-source pushing the
# same number of the same message (one of ours, byte for byte) over as many connections.
# Usage: bench/send.sh [N=100000] [CONNECTIONS=4]      (JAVA_OPTS passes through to our JVM)
# Prints: send: ours X msg/s, smtp-source Y msg/s, ratio Z      (Z = X / Y)
set -euo pipefail
N=${1:-100000}
CONNECTIONS=${2:-4}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

need_packages "$SMTP_SINK" postfix python3 python3
build_jar

data=$BENCH_TMP/data
mkdir -p "$data"
fixture_opml "$data/feeds.opml"
subscribers_csv "$N" "$BENCH_TMP/subscribers.csv"
log "importing $N subscribers"
newsletter "$data" subscribers import "$BENCH_TMP/subscribers.csv" >"$BENCH_TMP/import.out"

# One of our messages for smtp-source: the same issue, dry run, to one subscriber whose address
# is as long as the longest of the N.
sample=$BENCH_TMP/sample
mkdir -p "$sample"
cp "$data/feeds.opml" "$sample/feeds.opml"
printf 'email,name\nreader%d@example.org,Reader %d\n' "$N" "$N" >"$sample/subscribers.csv"
newsletter "$sample" subscribers import "$sample/subscribers.csv" >/dev/null
newsletter "$sample" run "--cutoff=$CUTOFF" --dry-run >"$sample/run.out"
eml=$(find "$sample" -name '*.eml' | head -n 1)
[ -n "$eml" ] || { cat "$sample/run.out" >&2; echo "the dry run wrote no .eml" >&2; exit 1; }
# smtp-source -F ends each line with CRLF itself.
tr -d '\r' <"$eml" >"$BENCH_TMP/message.txt"
size=$(wc -c <"$eml")

port=$(free_port)
start_sink "$port" "$BENCH_TMP/sink-ours.txt"
log "ours: $N messages of $size bytes over $CONNECTIONS connections"
started=$(now)
if ! newsletter "$data" run "--cutoff=$CUTOFF" --spring.mail.host=127.0.0.1 "--spring.mail.port=$port" \
    "--newsletter.send.connections=$CONNECTIONS" >"$BENCH_TMP/run.out" 2>&1; then
  cat "$BENCH_TMP/run.out" >&2
  exit 1
fi
ended=$(now)
stop_sink
received=$(sink_messages "$BENCH_TMP/sink-ours.txt")
[ "$received" -eq "$N" ] || { cat "$BENCH_TMP/run.out" >&2; echo "smtp-sink took $received of $N messages" >&2; exit 1; }
seconds=$(step_seconds "$data/logs/newsletter.log" send)
timed="send step"
if [ -z "$seconds" ]; then
  seconds=$(calc "$ended - $started")
  timed="whole run, JVM start included (no send step time in the log)"
fi
ours=$(calc "$N / $seconds")
log "ours: $seconds s ($timed), whole run $(calc "$ended - $started") s"

port=$(free_port)
start_sink "$port" "$BENCH_TMP/sink-source.txt"
log "smtp-source: $N messages of $size bytes over $CONNECTIONS connections"
started=$(now)
"$SMTP_SOURCE" -d -s "$CONNECTIONS" -m "$N" -F "$BENCH_TMP/message.txt" -f weekly@newsletter.example \
  -t "reader$N@example.org" "127.0.0.1:$port"
ended=$(now)
stop_sink
received=$(sink_messages "$BENCH_TMP/sink-source.txt")
[ "$received" -eq "$N" ] || { echo "smtp-sink took $received of $N messages from smtp-source" >&2; exit 1; }
source_seconds=$(calc "$ended - $started")
theirs=$(calc "$N / $source_seconds")
log "smtp-source: $source_seconds s"

echo "send: ours $ours msg/s, smtp-source $theirs msg/s, ratio $(ratio "$ours / $theirs")"
