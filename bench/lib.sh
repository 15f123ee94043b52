# shellcheck shell=bash disable=SC2034   # sourced; its variables are for the scripts
# Shared by the bench/*.sh scripts (sourced, not run): a temporary folder cleaned up on exit,
# background processes ended on exit, packages installed when missing, the jar built once,
# the fixture feeds, subscriber CSVs, an SMTP sink, and the clock.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
JAR="$REPO/target/newsletter.jar"
FIXTURE_FEEDS="$REPO/src/test/resources/fixtures/planet/march-24/feeds"
CUTOFF=2026-03-24T08:00:00Z
BENCH_PIDS=()

BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/newsletter-bench.XXXXXX")
bench_cleanup() {
  local pid
  for pid in "${BENCH_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${BENCH_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${KEEP:-0}" = 1 ]; then
    echo "kept $BENCH_TMP" >&2
  else
    rm -rf "$BENCH_TMP"
  fi
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# need_packages COMMAND PACKAGE [COMMAND PACKAGE ...]: apt-get installs each package whose command is missing.
need_packages() {
  local missing=()
  while [ $# -gt 0 ]; do
    command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || missing+=("$2")
    shift 2
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  if [[ " ${missing[*]} " == *" postfix "* ]]; then
    # Only smtp-sink and smtp-source are wanted: no mail system configured, none started.
    echo "postfix postfix/main_mailer_type select No configuration" | as_root debconf-set-selections
  fi
  as_root apt-get update -qq >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

# Builds target/newsletter.jar when it is missing or older than the sources, and prepares it to
# start (as ./newsletter would, but before anything is measured).
build_jar() {
  if [ ! -f "$JAR" ] || [ -n "$(find "$REPO/src" "$REPO/pom.xml" "$REPO/templates" "$REPO/batch-config" -newer "$JAR" -type f 2>/dev/null | head -n 1)" ]; then
    log "building the jar"
    (cd "$REPO" && ./mvnw -B -q -DskipTests package) >&2
    # Maven leaves the jar as it was when only tests changed; the launcher would then build
    # again inside every measured command.
    touch "$JAR"
  fi
  # the launcher's own preparation (the unpacked app and its start-up archive), before anything is measured
  "$REPO/newsletter" prepare
}

# newsletter DATA_DIR ARGS...: the CLI (DESIGN.md §6) on its own data directory; JAVA_OPTS passes through.
newsletter() {
  local data=$1
  shift
  (cd "$REPO" && ./newsletter "$@" "--newsletter.data-dir=$data" "--newsletter.feeds=$data/feeds.opml")
}

# newsletter_timed TIME_FILE DATA_DIR ARGS...: the same under /usr/bin/time -v (peak RSS into TIME_FILE).
newsletter_timed() {
  local out=$1 data=$2
  shift 2
  (cd "$REPO" && /usr/bin/time -v -o "$out" ./newsletter "$@" "--newsletter.data-dir=$data" "--newsletter.feeds=$data/feeds.opml")
}

# fixture_opml FILE: the planet fixture feeds as file: URLs, so the issue is the fixture issue.
fixture_opml() {
  {
    echo '<opml version="2.0"><body>'
    for feed in "$FIXTURE_FEEDS"/*.xml; do
      echo "<outline xmlUrl=\"file://$feed\"/>"
    done
    echo '</body></opml>'
  } >"$1"
}

# subscribers_csv N FILE: N active subscribers, email,name,status plus one extra attribute column.
subscribers_csv() {
  awk -v n="$1" 'BEGIN {
    print "email,name,status,city"
    for (i = 1; i <= n; i++) printf "reader%d@example.org,Reader %d,active,City %d\n", i, i, i % 100
  }' >"$2"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for_port() {
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

SMTP_SINK=/usr/sbin/smtp-sink
SMTP_SOURCE=/usr/sbin/smtp-source

# start_sink PORT COUNTER_FILE: Postfix's smtp-sink on loopback, throwing messages away and
# counting them (-c) into COUNTER_FILE. Sets SINK_PID.
start_sink() {
  local user=()
  [ "$(id -u)" -eq 0 ] && user=(-u nobody)
  "$SMTP_SINK" "${user[@]}" -c "127.0.0.1:$1" 256 >"$2" 2>&1 &
  SINK_PID=$!
  BENCH_PIDS+=("$SINK_PID")
  wait_for_port "$1"
}

stop_sink() {
  sleep 0.2 # the counter moves when a session ends; let the last QUITs land
  kill "$SINK_PID" 2>/dev/null || true
  wait "$SINK_PID" 2>/dev/null || true
}

# sink_messages COUNTER_FILE: how many messages the sink took (its last "mesg=" counter).
sink_messages() {
  tr '\r' '\n' <"$1" | grep -o 'mesg=[0-9]*' | tail -n 1 | cut -d= -f2 | grep . || echo 0
}

now() { date +%s.%N; }

# calc EXPRESSION: floating-point arithmetic, e.g. calc "$n / $seconds".
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }

# ratio EXPRESSION: the same to three significant digits (a ratio can be far below 0.01).
ratio() { awk "BEGIN { printf \"%.3g\", $1 }"; }

# peak_rss_mib TIME_V_OUTPUT: the "Maximum resident set size" of /usr/bin/time -v, in MiB.
peak_rss_mib() {
  awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"
}

# step_seconds LOG STEP: how long the step took in the run whose log is LOG, from Spring Batch's
# "Step: [STEP] executed in 1m2s345ms" line (the last one); empty when there is none.
step_seconds() {
  grep -o "Step: \[$2\] executed in [0-9hms]*" "$1" 2>/dev/null | tail -n 1 | sed 's/.* in //' | awk '{
    s = 0; t = $0
    while (match(t, /^[0-9]+(h|ms|m|s)/)) {
      part = substr(t, 1, RLENGTH); t = substr(t, RLENGTH + 1)
      n = part + 0; u = part; sub(/^[0-9]+/, "", u)
      s += (u == "h" ? n * 3600 : u == "m" ? n * 60 : u == "s" ? n : n / 1000)
    }
    if (length($0) > 0) printf "%.3f", s
  }'
}
