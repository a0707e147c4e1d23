#!/usr/bin/env bash
# Usage: bench/kafka.sh [EVENTS] [CONTENDER...]     (contenders: auditship syslog-ng kcat; default all)
#
# File -> Kafka, side by side (docs/benchmarks.md, "Kafka"): the same file of Coder slog JSON event
# lines (one event a line) is produced to one Kafka broker by each contender, each into its own topic
# of 6 partitions, all with zstd compression and acks=all. Prints, per contender, the seconds from
# start until the broker holds every event (the topic's end offsets), events/s, the peak RSS and the
# CPU seconds it used, then the same as rows of docs/benchmarks.md's Kafka table (with the load).
#
# Before the contenders, the broker is warmed up (kcat produces the file once into a topic of its
# own, so the first contender does not pay for the broker's JIT compilation), and auditship's
# class-data sharing archive is trained with a short run to Kafka (as bench/run.sh does for HEC
# and syslog; docs/operations.md, "Start-up").
#
# The broker is a real KRaft Kafka started from the test classpath (dev.auditship.bench.KafkaBenchBroker,
# the same broker as the tests), on loopback. Peers: bash bench/install-kafka-peers.sh (as root).
# The machine is shared: compare the ratios within one run, and note the load (printed first).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-300000}
shift || true
WHICH=${*:-auditship syslog-ng kcat}
SNG_ROOT=${SNG_ROOT:-/opt/auditship/syslog-ng-kafka}
PARTITIONS=6

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q package -DskipTests
fi
mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/cp.txt)"
W=$(mktemp -d)
BROKER=
cleanup() {
  if [ -n "$BROKER" ]; then
    kill "$BROKER" 2>/dev/null || true
    wait "$BROKER" 2>/dev/null || true
  fi
  rm -rf "$W"
}
trap cleanup EXIT

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load: $load_before (1/5/15 min), cores: $(nproc)"
# GenerateLog writes one ordinary server line in five: generate more and keep N event lines.
java -cp "$CP" dev.auditship.bench.GenerateLog "$W/all.log" $((N * 13 / 10)) json
grep -m "$N" -E '"msg":"(audit_log|connection_log)"' "$W/all.log" > "$W/events.log"
rm "$W/all.log"
echo "input: $(wc -l < "$W/events.log") events, $(($(stat -c %s "$W/events.log") / 1024 / 1024)) MiB"

java -Xmx1g -cp "$CP" dev.auditship.bench.KafkaBenchBroker "$W/kafka" "$W/bootstrap" "$PARTITIONS" \
  t-auditship t-syslog-ng t-kcat t-warmup t-train > "$W/broker.log" 2>&1 &
BROKER=$!
for _ in $(seq 1 120); do [ -s "$W/bootstrap" ] && break; sleep 0.5; done
B=$(cat "$W/bootstrap")
echo "broker: $B"

# The sum of a topic's end offsets: how many records the broker holds.
count() {
  local args=()
  for p in $(seq 0 $((PARTITIONS - 1))); do args+=(-t "$1:$p:-1"); done
  kcat -b "$B" -Q "${args[@]}" 2>/dev/null | awk '{s += $NF} END {print s + 0}'
}
# Waits until topic $1 holds N records; prints the seconds since $2 (date +%s.%N). $3: a pid that
# must stay alive meanwhile (a daemon that failed to start), if any.
wait_all() {
  local deadline=$(($(date +%s) + 120))
  while [ "$(count "$1")" -lt "$N" ]; do
    if [ "$(date +%s)" -gt "$deadline" ]; then
      echo "$1: only $(count "$1") of $N events after 120 s" >&2
      exit 1
    fi
    if [ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null; then
      echo "$1: the producer exited before the broker had every event" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "$(date +%s.%N) - $2" | bc
}
ROWS=()
report() { # name seconds rss_kb cpu_seconds table_label
  local rate
  rate=$(echo "$N / $2" | bc -l)
  printf '%-10s %8.1f s %10.0f events/s  peak RSS %5d MB  cpu %5.2f s\n' "$1" "$2" "$rate" $(($3 / 1024)) "$4"
  ROWS+=("$(printf '| %s | %.1f | %s | %d MB | %.2f s |' "$5" "$2" "$(python3 -c "print(f'{$rate:,.0f}')")" $(($3 / 1024)) "$4")")
}
cpu_of() { # pid: user + system CPU seconds the process has used
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
}

# Warm the broker up: its first produce requests run interpreted code.
kcat -P -b "$B" -t t-warmup -z zstd -X acks=all -X enable.idempotence=true -X linger.ms=20 \
  -l "$W/events.log"
wait_all t-warmup "$(date +%s.%N)" > /dev/null

for c in $WHICH; do
  case $c in
    auditship)
      # The class-data sharing archive of a run to Kafka (bin/auditship uses it from then on).
      head -2000 "$W/events.log" > "$W/train.log"
      printf 'source: {type: file, path: %s}\ndata_dir: %s\nstats_interval_secs: 0\nsinks:\n  kafka: {type: kafka, bootstrap_servers: [%s], topic: t-train}\n' \
        "$W/train.log" "$W/train" "$B" > "$W/train.yaml"
      rm -f target/auditship.jsa
      AUDITSHIP_CDS=dump bin/auditship run --config "$W/train.yaml" 2> "$W/train.err"
      cat > "$W/auditship.yaml" <<YAML
source: {type: file, path: $W/events.log}
data_dir: $W/state
batch_max_events: ${AUDITSHIP_BATCH:-2000}
stats_interval_secs: 0
sinks:
  kafka: {type: kafka, bootstrap_servers: [$B], topic: t-auditship, compression: zstd}
YAML
      s=$(date +%s.%N)
      /usr/bin/time -f "%M %U %S" -o "$W/rss" bin/auditship run --config "$W/auditship.yaml" 2> "$W/auditship.log"
      secs=$(wait_all t-auditship "$s")
      read -r rss u sy < <(tail -1 "$W/rss")
      report auditship "$secs" "$rss" "$(echo "$u + $sy" | bc)" \
        "$(bin/auditship --version 2>/dev/null | head -1) (\`batch_max_events: ${AUDITSHIP_BATCH:-2000}\`)"
      ;;
    syslog-ng)
      cat > "$W/syslog-ng.conf" <<CONF
@version: 3.38
options { stats-freq(0); keep-hostname(yes); };
source s_file { file("$W/events.log" flags(no-parse) follow-freq(1) log-fetch-limit(10000) log-iw-size(100000)); };
destination d_kafka {
  kafka-c(
    bootstrap-servers("$B")
    config("compression.codec" => "zstd" "acks" => "all"
           "enable.idempotence" => "true" "linger.ms" => "20")
    topic("t-syslog-ng")
    message("\$MSG")
  );
};
log { source(s_file); destination(d_kafka); flags(flow-control); };
CONF
      s=$(date +%s.%N)
      LD_LIBRARY_PATH="$SNG_ROOT/usr/lib/syslog-ng" "$SNG_ROOT/usr/sbin/syslog-ng" \
        --module-path="$SNG_ROOT/usr/lib/syslog-ng/3.38" -F -e -f "$W/syslog-ng.conf" \
        -R "$W/sng.persist" -p "$W/sng.pid" -c "$W/sng.ctl" > "$W/syslog-ng.log" 2>&1 &
      pid=$!
      secs=$(wait_all t-syslog-ng "$s" "$pid") || { cat "$W/syslog-ng.log" >&2; exit 1; }
      rss=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
      cpu=$(cpu_of "$pid")
      kill "$pid"; wait "$pid" 2>/dev/null || true
      report syslog-ng "$secs" "$rss" "$cpu" "syslog-ng 3.38 \`kafka-c()\` (\`flags(flow-control)\`)"
      ;;
    kcat)
      s=$(date +%s.%N)
      /usr/bin/time -f "%M %U %S" -o "$W/rss" kcat -P -b "$B" -t t-kcat -z zstd -X acks=all \
        -X enable.idempotence=true -X linger.ms=20 -l "$W/events.log"
      secs=$(wait_all t-kcat "$s")
      read -r rss u sy < <(tail -1 "$W/rss")
      report kcat "$secs" "$rss" "$(echo "$u + $sy" | bc)" \
        "kcat $(kcat -V 2>&1 | awk '/^Version/ {print $2}') \`-P -l\`"
      ;;
    *) echo "unknown contender $c" >&2; exit 2 ;;
  esac
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo "load after: $load_after"
echo
echo "Rows for docs/benchmarks.md, \"Kafka\" ($N events, $(date -u '+%Y-%m-%d %H:%M UTC'), load average $load_before before and $load_after after):"
echo
echo "| contender | seconds until the broker held every event | events/s | peak RSS | CPU |"
echo "|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
