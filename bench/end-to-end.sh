#!/usr/bin/env bash
# End to end: FEEDS local feeds (copies of the planet fixture feeds, each with its own title)
# served over HTTP on loopback, one subscriber, Postfix's smtp-sink; the wall time of our
# `run` (JVM start included) against rss2email's `r2e run` in digest mode on the same feeds.
# Both send every entry: ours with a first-run look-back of ten years and no per-source cap,
# rss2email as it does on a feed's first run. Ours sends one issue, rss2email one digest per feed.
# Usage: bench/end-to-end.sh [FEEDS=2100]      (JAVA_OPTS passes through to our JVM)
# Prints: end-to-end: F feeds, ours X s, rss2email Y s, ratio Z      (Z = Y / X)
set -euo pipefail
FEEDS=${1:-2100}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

need_packages "$SMTP_SINK" postfix r2e rss2email python3 python3 /usr/sbin/nginx nginx-light
build_jar

served=$BENCH_TMP/feeds
mkdir -p "$served"
python3 - "$FIXTURE_FEEDS" "$served" "$FEEDS" <<'EOF'
import pathlib, re, sys
fixtures = sorted(pathlib.Path(sys.argv[1]).glob("*.xml"))
out, count = pathlib.Path(sys.argv[2]), int(sys.argv[3])
for i in range(count):
    text = fixtures[i % len(fixtures)].read_text(encoding="utf-8")
    # the feed's own title (the first <title>) made unique, so each copy is a source of its own
    text = re.sub(r"<title([^>]*)>(.*?)</title>", lambda m: f"<title{m[1]}>{m[2]} {i + 1}</title>", text,
                  count=1, flags=re.S)
    (out / f"feed-{i + 1:05d}.xml").write_text(text, encoding="utf-8")
EOF
http_port=$(free_port)
# nginx serves the feeds, as a real feed host would: both clients get answers as fast as they
# ask (Python's http.server, with its listen backlog of 5 and a thread per request, was the
# bottleneck of both, and made whoever fetches several feeds at once wait out SYN retransmits).
cat >"$BENCH_TMP/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $BENCH_TMP/nginx.pid;
error_log $BENCH_TMP/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  types { application/rss+xml xml; }
  server { listen 127.0.0.1:$http_port; root $served; }
}
NGINX
chmod a+rx "$BENCH_TMP" "$served" # nginx's workers run as an unprivileged user
/usr/sbin/nginx -p "$BENCH_TMP" -c "$BENCH_TMP/nginx.conf" >"$BENCH_TMP/http.log" 2>&1 &
BENCH_PIDS+=("$!")
wait_for_port "$http_port"

data=$BENCH_TMP/data
mkdir -p "$data"
{
  echo '<opml version="2.0"><body>'
  for feed in "$served"/*.xml; do
    echo "<outline xmlUrl=\"http://127.0.0.1:$http_port/$(basename "$feed")\"/>"
  done
  echo '</body></opml>'
} >"$data/feeds.opml"
printf 'email,name\nreader@example.org,Reader\n' >"$BENCH_TMP/subscriber.csv"
newsletter "$data" subscribers import "$BENCH_TMP/subscriber.csv" >/dev/null

port=$(free_port)
start_sink "$port" "$BENCH_TMP/sink-ours.txt"
log "ours: $FEEDS feeds"
started=$(now)
if ! newsletter "$data" run "--cutoff=$CUTOFF" --spring.mail.host=127.0.0.1 "--spring.mail.port=$port" \
    --newsletter.first-run-lookback=P3650D --newsletter.max-entries-per-source=100000 >"$BENCH_TMP/run.out" 2>&1; then
  cat "$BENCH_TMP/run.out" >&2
  exit 1
fi
ended=$(now)
stop_sink
ours=$(calc "$ended - $started")
log "ours: $ours s, $(grep -o '[0-9]* entries eligible from [0-9]* sources' "$BENCH_TMP/run.out"), $(sink_messages "$BENCH_TMP/sink-ours.txt") message(s)"
grep -q "fetch: $FEEDS/$FEEDS feeds ok" "$BENCH_TMP/run.out" || { cat "$BENCH_TMP/run.out" >&2; echo "not every feed was fetched" >&2; exit 1; }

port=$(free_port)
start_sink "$port" "$BENCH_TMP/sink-r2e.txt"
{
  cat <<EOF
[DEFAULT]
from = weekly@newsletter.example
to = reader@example.org
digest = True
html-mail = True
multipart-html = True
email-protocol = smtp
smtp-server = 127.0.0.1
smtp-port = $port
smtp-ssl = False
smtp-auth = False
EOF
  for feed in "$served"/*.xml; do
    printf '\n[feed.%s]\nurl = http://127.0.0.1:%s/%s\n' "$(basename "$feed" .xml)" "$http_port" "$(basename "$feed")"
  done
} >"$BENCH_TMP/rss2email.cfg"
log "rss2email: $FEEDS feeds"
started=$(now)
r2e -c "$BENCH_TMP/rss2email.cfg" -d "$BENCH_TMP/rss2email.json" run >"$BENCH_TMP/r2e.out" 2>&1 \
  || { cat "$BENCH_TMP/r2e.out" >&2; exit 1; }
ended=$(now)
stop_sink
theirs=$(calc "$ended - $started")
digests=$(sink_messages "$BENCH_TMP/sink-r2e.txt")
log "rss2email: $theirs s, $digests digest(s)"
[ "$digests" -gt 0 ] || { cat "$BENCH_TMP/r2e.out" >&2; echo "rss2email sent nothing" >&2; exit 1; }

echo "end-to-end: $FEEDS feeds, ours $ours s, rss2email $theirs s, ratio $(ratio "$theirs / $ours")"
