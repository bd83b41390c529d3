#!/usr/bin/env bash
# Start-up and footprint of the JVM gateway: time from `java` to the first proxied 200 (token grant included),
# RSS at idle and under load, for
#   - the fast-jar on Java 17,
#   - the same fast-jar on Java 25,
#   - Quarkus' aot-jar on Java 25 with the JDK AOT cache from docker/aot-train.sh: the JVM image's build and
#     training run (production profile, simulator in its own JVM), as bench/footprint.sh emulates it.
# (An earlier variant trained the cache while `mvnw verify` ran the integration tests; the aot-jar it left behind
# did not start — Quarkus: "Invalid magic number in AOT cache file" — and on a busy machine the recording run misses
# Quarkus' start-up wait. The image never used that cache, so the variant is gone.)
# For the memory limit and the image's JAVA_OPTS, see bench/footprint.sh.
# The simulator (BC + Entra ID) runs as its own process, so the gateway's RSS is the gateway's alone.
#
#   bench/startup.sh            RUNS=5 LOAD_SECONDS=10 CALLERS=20 REBUILD=1 to override
#
# Prints a markdown table (medians over RUNS) and writes it to bench/results/startup.md. Loopback only; every
# process it starts is stopped at exit.
source "$(dirname "$0")/lib.sh"
RUNS=${RUNS:-5}
LOAD_SECONDS=${LOAD_SECONDS:-10}
CALLERS=${CALLERS:-20}
JAVA17=${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JAVA25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
HEAP=${HEAP:--Xmx256m}
WORK="$RESULTS/startup"
CLIENT=22222222-0000-4000-8000-000000000001
SECRET=bench-secret-startup

need hey hey
need curl curl
for j in "$JAVA17" "$JAVA25"; do
  [ -x "$j/bin/java" ] || { echo "no JDK at $j (set JAVA17_HOME / JAVA25_HOME)" >&2; exit 1; }
done

# --- builds: aot-jar first (Java 25, as the image's build stage), then the plain fast-jar (Java 17), so target/ is
#     left as every other script expects it.
mkdir -p "$WORK"
if [ -n "${REBUILD:-}" ] || [ ! -f "$WORK/aot-jar/app.aot" ]; then
  echo "building the aot-jar with Java 25" >&2
  (cd "$ROOT" && JAVA_HOME=$JAVA25 PATH="$JAVA25/bin:$PATH" ./mvnw -B -q package -DskipTests \
      -Dquarkus.package.jar.aot.enabled=true > "$WORK/build-aot.log" 2>&1)
  # cp -a: the JVM rejects an AOT cache when a class-path jar's modification time differs from the training run's.
  # app-cds.jsa: Quarkus' AppCDS archive for the build JDK, which the image does not ship either.
  rm -rf "$WORK/aot-jar" && cp -a "$ROOT/target/quarkus-app" "$WORK/aot-jar" && rm -f "$WORK/aot-jar/app-cds.jsa"
  rm -rf "$ROOT/target/quarkus-app"
  echo "training run as in docker/Dockerfile.jvm (docker/aot-train.sh)" >&2
  APP_DIR="$WORK/aot-jar" TRAIN_PORT=$(free_port) TRAIN_MANAGEMENT_PORT=$(free_port) TRAIN_SIM_PORT=$(free_port) JAVA_OPTS="$HEAP" \
    PATH="$ROOT/docker:$JAVA25/bin:$PATH" timeout 300 "$ROOT/docker/aot-train.sh" "$WORK/aot-jar/app.aot" \
    > "$WORK/train.log" 2>&1
fi
if [ -n "${REBUILD:-}" ] || [ ! -f "$WORK/fast-jar/quarkus-run.jar" ]; then
  echo "building the fast-jar with Java 17" >&2
  (cd "$ROOT" && JAVA_HOME=$JAVA17 PATH="$JAVA17/bin:$PATH" ./mvnw -B -q package -DskipTests > "$WORK/build-fast.log" 2>&1)
  rm -rf "$WORK/fast-jar" && cp -a "$ROOT/target/quarkus-app" "$WORK/fast-jar"
fi

# --- the simulator, with limits lifted so that the load phase measures the gateway, not BC's quotas
SIM=$(free_port)
start_simulator "$SIM" --max-running 64 --max-queued 10000 --rate-limit 100000000
register_app "$SIM" "$CLIENT" "$SECRET"
# shellcheck disable=SC2207
CONN=($(connection_flags bench "$SIM" "$CLIENT" "$SECRET") -Dgateway.connections.bench.limits.max-running=64
      -Dgateway.connections.bench.limits.rate-limit=100000000 -Dgateway.throttle.max-queued=10000)

rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null || echo 0; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else printf "%g\n", (a[NR/2]+a[NR/2+1])/2}'; }

# one_run <label> <dir> <java home> [jvm flags...]: appends "ttfr started idle load rps" to $WORK/<label>.runs
one_run() {
  local label=$1 dir=$2 jhome=$3; shift 3
  local port; port=$(free_port)
  local url="http://127.0.0.1:$port/bc/bench/api/v2.0/companies"
  local t0 t1 pid ok=""
  t0=$(now_ms)
  (cd "$dir" && exec "$jhome/bin/java" "$@" $HEAP -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
      -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 \
      "${CONN[@]}" -jar quarkus-run.jar) > "$WORK/$label.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  for _ in $(seq 1 3000); do   # at most ~60 s
    if [ "$(curl -s -o /dev/null -w '%{http_code}' "$url")" = 200 ]; then ok=1; break; fi
    sleep 0.01
  done
  t1=$(now_ms)
  [ -n "$ok" ] || { echo "$label: no proxied 200 within 60 s; see $WORK/$label.log" >&2; kill "$pid"; return 1; }
  local started; started=$(sed -n 's/.* started in \([0-9.]*\)s.*/\1/p' "$WORK/$label.log" | head -1)
  sleep 5
  local idle; idle=$(rss_mb "$pid")
  hey -z "${LOAD_SECONDS}s" -c "$CALLERS" "$url" > "$WORK/$label.hey" 2>&1 &
  local hey_pid=$! peak=0 r
  while kill -0 "$hey_pid" 2>/dev/null; do
    r=$(rss_mb "$pid"); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.5
  done
  wait "$hey_pid" || true
  local rps; rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/$label.hey")
  local non200; non200=$(awk '/^ *\[[0-9]+\]/ && $1 != "[200]" {s += $2} END {print s + 0}' "$WORK/$label.hey")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo "$((t1 - t0)) ${started:-0} $idle $peak ${rps:-0} $non200" >> "$WORK/$label.runs"
}

VARIANTS=(
  "java17-fast-jar|$WORK/fast-jar|$JAVA17|"
  "java25-fast-jar|$WORK/fast-jar|$JAVA25|"
  "java25-aot|$WORK/aot-jar|$JAVA25|-XX:AOTCache=app.aot"
)
for v in "${VARIANTS[@]}"; do rm -f "$WORK/${v%%|*}.runs"; done
# Interleaved rounds: a busy neighbour on the machine then slows every variant alike, not one.
for round in $(seq 1 "$RUNS"); do
  for v in "${VARIANTS[@]}"; do
    IFS='|' read -r label dir jhome flags <<<"$v"
    echo "round $round/$RUNS: $label" >&2
    # shellcheck disable=SC2086
    one_run "$label" "$dir" "$jhome" $flags
  done
done

col() { awk -v c="$1" '{print $c}' "$WORK/$2.runs" | median; }
{
  echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). $RUNS runs each, medians. Heap $HEAP. Load: hey -c $CALLERS for ${LOAD_SECONDS} s on GET /bc/bench/api/v2.0/companies."
  echo
  echo "| variant | first proxied response (ms) | Quarkus \"started in\" (s) | RSS idle (MB) | RSS under load, peak (MB) | req/s under load | non-200 under load |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for v in "${VARIANTS[@]}"; do
    label=${v%%|*}
    echo "| $label | $(col 1 "$label") | $(col 2 "$label") | $(col 3 "$label") | $(col 4 "$label") | $(col 5 "$label") | $(col 6 "$label") |"
  done
  echo
  echo "Every run (ttfr ms, started s, idle MB, peak MB, req/s, non-200):"
  for v in "${VARIANTS[@]}"; do label=${v%%|*}; echo "- $label: $(paste -sd';' "$WORK/$label.runs")"; done
} | tee "$RESULTS/startup.md"
