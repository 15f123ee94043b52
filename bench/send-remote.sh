#!/usr/bin/env bash
# Sending across JVMs: N subscribers sent by W `./newsletter worker` JVMs on this machine
# (newsletter.send.remote=true, README "Several hosts"), against the single-JVM send of the same N,
# both on one throwaway PostgreSQL cluster and to Postfix's smtp-sink on loopback.
# Usage: bench/send-remote.sh [N=20000] [W=2]      (JAVA_OPTS passes through to every JVM)
# Prints: send-remote: N messages, single JVM X msg/s, W workers Y msg/s, ratio Z (Z = Y / X),
#         P partitions, overhead per partition S s
set -euo pipefail
N=${1:-20000}
W=${2:-2}
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

need_packages "$SMTP_SINK" postfix psql postgresql
build_jar

# A throwaway PostgreSQL cluster on loopback (Debian's binaries; initdb refuses root, so as root
# it runs as the postgres user), trusting local connections, fsync off as the tests' cluster.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PG_PORT=$(free_port)
pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
mkdir -p "$BENCH_TMP/pg"
[ "$(id -u)" -eq 0 ] && chown postgres "$BENCH_TMP/pg" && chmod 755 "$BENCH_TMP"
pg "$PG_BIN/initdb" -D "$BENCH_TMP/pg/data" -A trust -U postgres >"$BENCH_TMP/initdb.log"
pg "$PG_BIN/pg_ctl" -D "$BENCH_TMP/pg/data" -l "$BENCH_TMP/pg/server.log" -w \
  -o "-p $PG_PORT -k $BENCH_TMP/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null
pg_stop() { pg "$PG_BIN/pg_ctl" -D "$BENCH_TMP/pg/data" -m fast stop >/dev/null 2>&1 || true; bench_cleanup; }
trap pg_stop EXIT
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$1" -Atc "$2"; }
database() { sql postgres "CREATE DATABASE $1" >/dev/null; echo "--spring.datasource.url=jdbc:postgresql://127.0.0.1:$PG_PORT/$1"; }
DB_USER=--spring.datasource.username=postgres
# every host builds messages, so every host has the same unsubscribe secret (README, Several hosts)
SECRET=--newsletter.unsubscribe-secret=bench-secret-shared-by-every-jvm

subscribers_csv "$N" "$BENCH_TMP/subscribers.csv"

# send_step_seconds DATA_DIR: the send step's time in the run of DATA_DIR (Spring Batch's log line).
send_step_seconds() {
  local seconds
  seconds=$(step_seconds "$1/logs/newsletter.log" send)
  [ -n "$seconds" ] || { echo "no send step time in $1/logs/newsletter.log" >&2; exit 1; }
  echo "$seconds"
}

# --- one JVM ---
single=$BENCH_TMP/single
mkdir -m 700 "$single"
fixture_opml "$single/feeds.opml"
single_db=$(database single)
log "single JVM: importing $N subscribers"
newsletter "$single" subscribers import "$BENCH_TMP/subscribers.csv" "$single_db" "$DB_USER" >/dev/null
port=$(free_port)
start_sink "$port" "$BENCH_TMP/sink-single.txt"
log "single JVM: sending $N"
newsletter "$single" run "--cutoff=$CUTOFF" "$single_db" "$DB_USER" "$SECRET" --spring.mail.host=127.0.0.1 \
  "--spring.mail.port=$port" >"$BENCH_TMP/single.out" 2>&1 || { cat "$BENCH_TMP/single.out" >&2; exit 1; }
stop_sink
received=$(sink_messages "$BENCH_TMP/sink-single.txt")
[ "$received" -eq "$N" ] || { cat "$BENCH_TMP/single.out" >&2; echo "smtp-sink took $received of $N" >&2; exit 1; }
single_seconds=$(send_step_seconds "$single")
log "single JVM: send step $single_seconds s"

# --- W workers ---
manager=$BENCH_TMP/manager
mkdir -m 700 "$manager"
fixture_opml "$manager/feeds.opml"
remote_db=$(database remote)
log "remote: importing $N subscribers"
newsletter "$manager" subscribers import "$BENCH_TMP/subscribers.csv" "$remote_db" "$DB_USER" >/dev/null
port=$(free_port)
start_sink "$port" "$BENCH_TMP/sink-remote.txt"
for i in $(seq 1 "$W"); do
  worker=$BENCH_TMP/worker-$i
  mkdir -m 700 "$worker"
  (cd "$REPO" && exec ./newsletter worker "--newsletter.data-dir=$worker" "$remote_db" "$DB_USER" "$SECRET" \
    --spring.mail.host=127.0.0.1 "--spring.mail.port=$port") >"$worker.out" 2>&1 &
  BENCH_PIDS+=("$!")
done
for i in $(seq 1 "$W"); do
  for _ in $(seq 1 600); do
    grep -q "Stop it with" "$BENCH_TMP/worker-$i.out" 2>/dev/null && break
    sleep 0.1
  done
  grep -q "Stop it with" "$BENCH_TMP/worker-$i.out" || { cat "$BENCH_TMP/worker-$i.out" >&2; echo "worker $i did not start" >&2; exit 1; }
done
log "remote: sending $N over $W workers"
newsletter "$manager" run "--cutoff=$CUTOFF" "$remote_db" "$DB_USER" "$SECRET" --newsletter.send.remote=true \
  >"$BENCH_TMP/remote.out" 2>&1 || { cat "$BENCH_TMP/remote.out" "$BENCH_TMP"/worker-*.out >&2; exit 1; }
stop_sink
received=$(sink_messages "$BENCH_TMP/sink-remote.txt")
[ "$received" -eq "$N" ] || { cat "$BENCH_TMP/remote.out" >&2; echo "smtp-sink took $received of $N" >&2; exit 1; }
remote_seconds=$(send_step_seconds "$manager")
log "remote: send step $remote_seconds s"

# Overhead per partition: the slot-seconds the workers' connections did not spend sending a
# partition while the send step ran (a request waiting to be taken, the manager's poll after the
# last one ended, bookkeeping), divided by the partitions. Slots: min(partitions, W x connections).
partitions=$(sql remote "SELECT COUNT(*) FROM batch_step_execution WHERE step_name LIKE 'send-worker:%'")
busy=$(sql remote "SELECT EXTRACT(EPOCH FROM SUM(end_time - start_time)) FROM batch_step_execution WHERE step_name LIKE 'send-worker:%'")
slots=$(( partitions < W * 4 ? partitions : W * 4 ))
overhead=$(calc "($remote_seconds * $slots - $busy) / $partitions")
log "remote: $partitions partitions, $busy s sending in all over $slots slots"

single_rate=$(calc "$N / $single_seconds")
remote_rate=$(calc "$N / $remote_seconds")
echo "send-remote: $N messages, single JVM $single_rate msg/s, $W workers $remote_rate msg/s, ratio" \
  "$(ratio "$remote_rate / $single_rate"), $partitions partitions, overhead per partition $overhead s"
