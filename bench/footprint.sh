#!/usr/bin/env bash
# Footprint of the JVM image in a real memory cgroup: the gateway started exactly as docker/Dockerfile.jvm starts
# it (docker/entrypoint.sh, the image's JAVA_OPTS, Temurin 25, Quarkus' aot-jar with the JDK AOT cache written by
# docker/aot-train.sh), while the memory limit steps down through LIMITS. For each limit:
#   - time from launch to the first proxied 200 (token grant from the simulator's Entra endpoint included), and the
#     gateway's CPU time (user + sys) by then: steadier than wall time on a shared machine;
#   - RSS (anonymous and file-backed apart: the mapped AOT cache is file pages) and CPU time over IDLE_SECONDS of
#     idleness;
#   - LOAD_SECONDS of wrk with CONNS connections of proxied GETs, while a TRANSFER_MB upload and a TRANSFER_MB
#     download stream through the gateway at the same time (rate-limited by curl so that they span the load);
#   - killed or not (the cgroup's OOM-kill count and whether the process still lives), the cgroup's peak usage,
#     peak RSS, req/s, non-2xx answers and socket errors, whether both transfers arrived whole.
# Then STARTS starts each with and without the AOT cache inside the START_LIMIT cgroup: the medians of the time to
# the first proxied 200 and of the idle RSS. With NMT=1 it also writes NMT summaries (idle, after load, after a full
# GC) of one run at NMT_LIMIT to bench/results/footprint-nmt.md.
#
#   bench/footprint.sh     LIMITS="256 192 160 128 112 96" LOAD_SECONDS=60 CONNS=64 TRANSFER_MB=50 STARTS=5 NMT=1
#                          JAVA_OPTS="..." (default: the ENV line of docker/Dockerfile.jvm)  GATEWAY_ENV="K=V ..."
#                          START_SETTLE=5 (s after the first answer at which each start's RSS is read)
#                          REBUILD=1 (rebuild and retrain the image copy)
#                          TRACING=false (with REBUILD=1: the image built with --build-arg TRACING=false)
#                          CALLER_JWT=false (with REBUILD=1: --build-arg CALLER_JWT=false, no bearer-token validation)
#
# Root only (it creates cgroups under /sys/fs/cgroup; v1 memory controller or v2 memory.max). The BC + Entra
# simulator runs outside the cgroup: the limit is the gateway's alone. Loopback only; every process and cgroup it
# creates is removed at exit. Prints a markdown table and writes it to bench/results/footprint.md.
source "$(dirname "$0")/lib.sh"
LIMITS=${LIMITS-256 192 160 128 112 96}   # LIMITS= (empty): no limit rows, the start medians only
LOAD_SECONDS=${LOAD_SECONDS:-60}
IDLE_SECONDS=${IDLE_SECONDS:-30}
TRACING=${TRACING:-true}
CONNS=${CONNS:-64}
TRANSFER_MB=${TRANSFER_MB:-50}
STARTS=${STARTS:-5}
START_LIMIT=${START_LIMIT:-128}
START_SETTLE=${START_SETTLE:-5}   # seconds after the first answer at which a start's RSS is read (35: after the trim)
NMT=${NMT:-0}
NMT_LIMIT=${NMT_LIMIT:-256}
JAVA25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
IMAGE_OPTS=$(sed -n 's/.*JAVA_OPTS="\([^"]*\)".*/\1/p' "$ROOT/docker/Dockerfile.jvm" | head -1)
JAVA_OPTS=${JAVA_OPTS:-$IMAGE_OPTS}
# The image's other ENV that the JVM reads (glibc's arena cap).
IMAGE_MALLOC=$(sed -n 's/^ *MALLOC_ARENA_MAX=\([0-9]*\).*/\1/p' "$ROOT/docker/Dockerfile.jvm" | head -1)
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX-$IMAGE_MALLOC}   # MALLOC_ARENA_MAX= (empty): glibc default
[ -n "$MALLOC_ARENA_MAX" ] || unset MALLOC_ARENA_MAX
GATEWAY_ENV=${GATEWAY_ENV:-}
WORK="$RESULTS/footprint"
APP=${IMAGE_DIR:-$WORK/image}   # /deployments of the image: aot-jar + app.aot
APP_NOAOT="$APP-noaot"
CLIENT=55555555-0000-4000-8000-000000000001
SECRET=bench-secret-footprint
TENANT=3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42

[ "$(id -u)" = 0 ] || { echo "needs root (memory cgroups)" >&2; exit 1; }
[ -x "$JAVA25/bin/java" ] || { echo "no JDK 25 at $JAVA25 (set JAVA25_HOME)" >&2; exit 1; }
need wrk wrk
need curl curl
need python3 python3

# --- cgroup v2 (memory.max) or v1 (memory.limit_in_bytes)
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  CG_ROOT=/sys/fs/cgroup; CG_V=2
  grep -qw memory "$CG_ROOT/cgroup.subtree_control" || echo +memory > "$CG_ROOT/cgroup.subtree_control"
else
  CG_ROOT=/sys/fs/cgroup/memory; CG_V=1
fi
CGROUPS=()
cg_create() { # cg_create <MiB>: prints the new cgroup's directory
  local dir="$CG_ROOT/bc-footprint-$$-$1-$RANDOM"
  mkdir "$dir"
  if [ $CG_V = 2 ]; then echo $(( $1 * 1048576 )) > "$dir/memory.max"; echo 0 > "$dir/memory.swap.max" 2>/dev/null || true
  else echo $(( $1 * 1048576 )) > "$dir/memory.limit_in_bytes"
       echo $(( $1 * 1048576 )) > "$dir/memory.memsw.limit_in_bytes" 2>/dev/null || true; fi
  echo "$dir"
}
cg_peak_mb() { if [ $CG_V = 2 ]; then f=memory.peak; else f=memory.max_usage_in_bytes; fi
  awk '{printf "%.0f", $1 / 1048576}' "$1/$f" 2>/dev/null || echo "-"; }
cg_kills() { if [ $CG_V = 2 ]; then f=memory.events; else f=memory.oom_control; fi
  awk '$1 == "oom_kill" {print $2}' "$1/$f" 2>/dev/null || echo 0; }
cg_remove() { # moves stragglers out, then removes the cgroup
  local dir=$1 p
  for p in $(cat "$dir/cgroup.procs" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
  [ -d "$dir" ] || return 0
  for _ in $(seq 1 50); do rmdir "$dir" 2>/dev/null && return 0; sleep 0.1; done
  echo "could not remove $dir" >&2
}
trap 'cleanup; for d in "${CGROUPS[@]:-}"; do [ -n "$d" ] && cg_remove "$d"; done' EXIT

# --- the image, emulated: aot-jar built with JDK 25, trained by docker/aot-train.sh with the image's JAVA_OPTS
mkdir -p "$WORK"
if [ -z "${IMAGE_DIR:-}" ] && { [ -n "${REBUILD:-}" ] || [ ! -f "$APP/app.aot" ]; }; then
  if [ -n "${REBUILD:-}" ] || ! unzip -p "$ROOT/target/quarkus-app/quarkus-run.jar" META-INF/MANIFEST.MF 2>/dev/null \
      | grep -q AotQuarkusEntryPoint; then
    echo "building the aot-jar with Java 25 (as the image's build stage)" >&2
    notracing=(); [ "$TRACING" = false ] && notracing=(-Dquarkus.otel.enabled=false)   # as Dockerfile.jvm's TRACING
    [ "${CALLER_JWT:-true}" = false ] && notracing+=(-Dquarkus.oidc.enabled=false)   # and its CALLER_JWT
    (cd "$ROOT" && JAVA_HOME=$JAVA25 PATH="$JAVA25/bin:$PATH" ./mvnw -B -q package -DskipTests \
        -Dquarkus.package.jar.aot.enabled=true "${notracing[@]}" > "$WORK/build.log" 2>&1)
  fi
  # cp -a: the JVM drops an AOT cache whose class-path jars changed modification time since the training run.
  # The copy without the cache goes too: it is made again below from this build (it measured the previous one).
  rm -rf "$APP" "$APP_NOAOT" && cp -a "$ROOT/target/quarkus-app" "$APP" && rm -f "$APP/app-cds.jsa"
  echo "training run (docker/aot-train.sh, JAVA_OPTS of the image)" >&2
  APP_DIR="$APP" TRAIN_PORT=$(free_port) TRAIN_SIM_PORT=$(free_port) JAVA_OPTS="$IMAGE_OPTS" PATH="$ROOT/docker:$JAVA25/bin:$PATH" \
    timeout 300 "$ROOT/docker/aot-train.sh" "$APP/app.aot" > "$WORK/train.log" 2>&1
fi
[ -f "$APP/app.aot" ] || { echo "no AOT cache in $APP" >&2; exit 1; }
[ -d "$APP_NOAOT" ] || { cp -a "$APP" "$APP_NOAOT" && rm -f "$APP_NOAOT/app.aot"; }

# --- the simulator (its own JVM, outside every cgroup), BC's limits lifted: the load measures the gateway
SIM=$(free_port)
java -Xmx1g -cp "$APP/lib/main/*:$APP/app/*" io.bcgateway.simulator.SimulatorMain --port "$SIM" --host 127.0.0.1 \
  --max-running 256 --max-queued 100000 --rate-limit 100000000 > "$WORK/simulator.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SIM/_sim/stats"
register_app "$SIM" "$CLIENT" "$SECRET"
# Entra ID and BC are warm services: the simulator's own cold start (its first grants and reads run interpreted) is not
# the gateway's, so it answers 100 grants and reads before the first gateway starts.
for _ in $(seq 1 100); do
  tok=$(curl -s -X POST "http://127.0.0.1:$SIM/$TENANT/oauth2/v2.0/token" -d "grant_type=client_credentials&client_id=$CLIENT&client_secret=$SECRET&scope=https://api.businesscentral.dynamics.com/.default" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])' 2>/dev/null || true)
  curl -s -o /dev/null -H "Authorization: Bearer $tok" "http://127.0.0.1:$SIM/v2.0/production/api/v2.0/companies" || true
done
# shellcheck disable=SC2207
CONN=($(connection_flags bench "$SIM" "$CLIENT" "$SECRET") -Dgateway.connections.bench.limits.max-running=256
      -Dgateway.connections.bench.limits.rate-limit=100000000 -Dgateway.throttle.max-queued=100000)
BLOB="$WORK/blob.bin"
[ "$(stat -c %s "$BLOB" 2>/dev/null || echo 0)" = $(( TRANSFER_MB * 1048576 )) ] \
  || head -c $(( TRANSFER_MB * 1048576 )) /dev/urandom > "$BLOB"
BLOB_SHA=$(sha256sum "$BLOB" | cut -d' ' -f1)

file_mb() { local v; v=$(awk '/^RssFile:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null); echo "${v:-0}"; }
anon_mb() { local v; v=$(awk '/^RssAnon:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null); echo "${v:-0}"; }
rss_mb() { local v; v=$(awk '/^VmRSS:/ {printf "%.0f", $2 / 1024}' "/proc/$1/status" 2>/dev/null); echo "${v:-0}"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR+1)/2]; else printf "%g\n", (a[NR/2]+a[NR/2+1])/2}'; }

# launch <cgroup dir> <app dir> <log> [extra JVM flags]: docker/entrypoint.sh inside the cgroup; sets GW_PID, PORT
launch() {
  local cg=$1 dir=$2 log=$3; shift 3
  PORT=$(free_port)
  # A container starts with none of the image's files in its page cache, and the pages it reads are charged to its
  # cgroup: evict the AOT cache and the jars first, so that they are charged to this limit too, as they would be.
  find "$dir" -type f \( -name '*.jar' -o -name 'app.aot' -o -name '*.dat' \) -print0 \
    | xargs -0 python3 -c 'import os, sys
for f in sys.argv[1:]:
    fd = os.open(f, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)'
  T0=$(now_ms)   # the clock starts at the launch, not at the eviction above (a python3 start under load: 0.1-1 s)

  # The log goes through a pipe to a cat outside the cgroup, as a container runtime reads stdout: the log file's
  # page cache is not charged to the gateway's limit.
  # The shell joins the cgroup first, then execs the entrypoint, which execs java: the JVM is born inside the limit
  # and sizes itself from it, as in a container.
  # shellcheck disable=SC2086
  bash -c 'echo $$ > "$0/cgroup.procs"; exec "$@"' "$cg" env $GATEWAY_ENV APP_DIR="$dir" JAVA_OPTS="$JAVA_OPTS" \
      PATH="$JAVA25/bin:$PATH" "$ROOT/docker/entrypoint.sh" -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$PORT" \
      -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 "${CONN[@]}" "$@" > >(cat > "$log") 2>&1 &
  GW_PID=$!
  PIDS+=("$GW_PID")
}
# first_answer: polls the proxied URL every 10 ms for up to 90 s after $T0; prints the ms since $T0, or "-" when
# none came (then the gateway is stopped: a gateway that cannot answer within 90 s is not serving). Sets FIRST_CPU to
# the gateway's CPU time (ms) at that moment.
first_answer() {
  local url="http://127.0.0.1:$PORT/bc/bench/api/v2.0/companies"
  while [ $(( $(now_ms) - T0 )) -lt 90000 ]; do
    kill -0 "$GW_PID" 2>/dev/null || { echo "-"; return; }
    if [ "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "$url")" = 200 ]; then
      echo $(( $(now_ms) - T0 )) $(( $(cpu_ticks "$GW_PID") * 10 )); return
    fi
    sleep 0.01
  done
  echo "-"
}
stop() { kill "$GW_PID" 2>/dev/null || true; wait "$GW_PID" 2>/dev/null || true; }

nmt() { "$JAVA25/bin/jcmd" "$GW_PID" VM.native_memory summary 2>&1 | sed -n '/^Total/,$p' \
  | grep -E '^(Total|-  *[A-Z])|committed=|malloc:' | grep -vE '^\s+\(' | head -60; }
# smaps_by: resident and anonymous MB per mapping (the AOT cache, libjvm.so, anonymous memory...), 0.25 MB and up
smaps_by() { awk '/^[0-9a-f]+-[0-9a-f]+ / {n = $6; if (n == "") n = "[anonymous]"} /^Rss:/ {r[n] += $2}
  /^Anonymous:/ {a[n] += $2} END {for (k in r) if (r[k] >= 256) printf "| %s | %.1f | %.1f |\n", k, r[k] / 1024, a[k] / 1024}' \
  "/proc/$GW_PID/smaps" 2>/dev/null | sort -t'|' -k3 -rn; }

# --- one row per limit
ROWS=()
for limit in $LIMITS; do
  echo "limit $limit MiB" >&2
  cg=$(cg_create "$limit"); CGROUPS+=("$cg")
  T0=$(now_ms)
  launch "$cg" "$APP" "$WORK/gateway-$limit.log"
  read -r ttfr first_cpu <<<"$(first_answer)"
  idle="-" idle_cpu="-" first_cpu=${first_cpu:--} peak_rss=0 peak_anon=0 rps="-" cpu_req="-" non2xx="-" errors="-" up="-" down="-"
  if [ "$ttfr" != "-" ]; then
    sleep 2
    c0=$(cpu_ticks "$GW_PID"); sleep "$IDLE_SECONDS"; c1=$(cpu_ticks "$GW_PID")
    idle="$(rss_mb "$GW_PID") ($(anon_mb "$GW_PID") + $(file_mb "$GW_PID"))"; idle_cpu=$(( (c1 - c0) * 10 ))   # ms of CPU (100 ticks/s)
    company=$(curl -s "http://127.0.0.1:$PORT/bc/bench/api/v2.0/companies" | python3 -c 'import json,sys; print(json.load(sys.stdin)["value"][0]["id"])' 2>/dev/null || echo x)
    att="http://127.0.0.1:$PORT/bc/bench/api/v2.0/companies($company)/documentAttachments"
    down_url="$att($(python3 -c 'import uuid; print(uuid.uuid4())'))/attachmentContent"
    up_url="$att($(python3 -c 'import uuid; print(uuid.uuid4())'))/attachmentContent"
    # the download's source, uploaded before the load at full speed
    curl -s -o /dev/null -w '%{http_code}' --max-time 300 -X PUT -H 'Expect:' -H 'Content-Type: application/octet-stream' \
      -T "$BLOB" "$down_url" > "$WORK/seed-$limit.status" || true
    rate=$(( TRANSFER_MB * 1024 * 10 / (LOAD_SECONDS * 9) ))k   # both transfers end in ~90 % of the load's time
    wrk -t2 -c"$CONNS" -d"${LOAD_SECONDS}s" --timeout 10s "http://127.0.0.1:$PORT/bc/bench/api/v2.0/companies" \
      > "$WORK/wrk-$limit.txt" 2>&1 &
    wrk_pid=$!
    lc0=$(cpu_ticks "$GW_PID")
    curl -s -o /dev/null -w '%{http_code}' --max-time $(( LOAD_SECONDS * 5 )) --limit-rate "$rate" -X PUT -H 'Expect:' \
      -H 'Content-Type: application/octet-stream' -T "$BLOB" "$up_url" > "$WORK/up-$limit.status" 2>/dev/null &
    up_pid=$!
    (curl -s --max-time $(( LOAD_SECONDS * 5 )) --limit-rate "$rate" -w '%{http_code}' -o "$WORK/down-$limit.bin" "$down_url" > "$WORK/down-$limit.status" 2>/dev/null) &
    down_pid=$!
    while kill -0 "$wrk_pid" 2>/dev/null; do
      r=$(rss_mb "$GW_PID"); [ "$r" -gt "$peak_rss" ] && peak_rss=$r
      r=$(anon_mb "$GW_PID"); [ "$r" -gt "$peak_anon" ] && peak_anon=$r
      sleep 0.5
    done
    wait "$wrk_pid" || true
    lc1=$(cpu_ticks "$GW_PID")
    wait "$up_pid" || true; wait "$down_pid" || true
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk-$limit.txt")
    # CPU per request: the gateway's CPU time under load over the requests wrk completed (the transfers' share
    # included); steadier than req/s on a shared machine.
    reqs=$(awk '/requests in/ {print $1}' "$WORK/wrk-$limit.txt")
    cpu_req=$(awk -v t=$(( lc1 - lc0 )) -v n="${reqs:-0}" 'BEGIN {if (n > 0 && t >= 0) printf "%.2f", t * 10 / n; else print "-"}')
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$WORK/wrk-$limit.txt"); non2xx=${non2xx:-0}
    errors=$(awk '/Socket errors/ {gsub(",", ""); s = 0; for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+$/) s += $i; print s}' "$WORK/wrk-$limit.txt"); errors=${errors:-0}
    up=$(cat "$WORK/up-$limit.status")
    down=$(cat "$WORK/down-$limit.status")
    if [ "$down" = 200 ] && [ "$(sha256sum "$WORK/down-$limit.bin" | cut -d' ' -f1)" = "$BLOB_SHA" ]; then down="200, intact"; fi
    rm -f "$WORK/down-$limit.bin"
  fi
  grep -q app.aot "/proc/$GW_PID/maps" 2>/dev/null && aot=yes || aot=no
  kills=$(cg_kills "$cg")
  if kill -0 "$GW_PID" 2>/dev/null && [ "${kills:-0}" = 0 ]; then killed=no; else killed="**yes**"; fi
  [ "$ttfr" = "-" ] && [ "$killed" = no ] && killed="no, but no answer in 90 s"
  peak=$(cg_peak_mb "$cg")
  stop
  cg_remove "$cg"
  ROWS+=("| $limit | $aot | $killed | $peak | $peak_rss | $peak_anon | ${ttfr} | $first_cpu | $idle | $idle_cpu | $rps | $cpu_req | $non2xx | $errors | $up | $down |")
  echo "${ROWS[-1]}" >&2
done

# --- start-time medians, with and without the AOT cache, inside the START_LIMIT cgroup
start_run() { # start_run <app dir> <label> <i>: appends "ttfr idle_rss cpu_at_first anon file load" to $WORK/starts-<label>
  local cg; cg=$(cg_create "$START_LIMIT"); CGROUPS+=("$cg")
  T0=$(now_ms)
  launch "$cg" "$1" "$WORK/start-$2-$3.log"
  local t c; read -r t c <<<"$(first_answer)"
  sleep "$START_SETTLE"
  echo "$t $(rss_mb "$GW_PID") ${c:--} $(anon_mb "$GW_PID") $(file_mb "$GW_PID") $(cut -d' ' -f1 /proc/loadavg)" >> "$WORK/starts-$2"
  stop; cg_remove "$cg"
}
if [ "$STARTS" -gt 0 ]; then
  : > "$WORK/starts-aot"; : > "$WORK/starts-noaot"
  # Interleaved (with, without, with, ...): a busy neighbour on the machine slows both alike, not one.
  for i in $(seq 1 "$STARTS"); do
    echo "start $i/$STARTS" >&2
    start_run "$APP" aot "$i"
    start_run "$APP_NOAOT" noaot "$i"
  done
fi

# --- NMT: idle, after a short load, after a full GC
if [ "$NMT" = 1 ]; then
  cg=$(cg_create "$NMT_LIMIT"); CGROUPS+=("$cg")
  T0=$(now_ms)
  launch "$cg" "$APP" "$WORK/gateway-nmt.log" -XX:NativeMemoryTracking=summary
  read -r t c <<<"$(first_answer)"
  sleep 5
  {
    echo "NMT, JAVA_OPTS: $JAVA_OPTS; limit $NMT_LIMIT MiB; first answer after $t ms (CPU ${c:--} ms)"
    echo; echo "## idle, 5 s after the first answer (RSS $(rss_mb "$GW_PID") MB: $(anon_mb "$GW_PID") anon + $(file_mb "$GW_PID") file)"; nmt
    sleep "$IDLE_SECONDS"   # as the table's idle RSS: the native heap trim (every 20 s) has run
    echo; echo "## idle, $(( IDLE_SECONDS + 5 )) s after the first answer (RSS $(rss_mb "$GW_PID") MB: $(anon_mb "$GW_PID") anon + $(file_mb "$GW_PID") file)"; nmt
    echo; echo "Resident by mapping (/proc/<pid>/smaps):"; echo
    echo "| mapping | resident (MB) | of which anonymous (MB) |"; echo "|---|---:|---:|"; smaps_by
    "$JAVA25/bin/jcmd" "$GW_PID" GC.class_histogram 2>&1 | tail -1 | awk '{printf "\nJava heap live after a full GC: %.1f MB in %d objects\n", $3 / 1048576, $2}'
    wrk -t2 -c"$CONNS" -d20s "http://127.0.0.1:$PORT/bc/bench/api/v2.0/companies" > /dev/null 2>&1 || true
    echo; echo "## after 20 s of wrk -c$CONNS (RSS $(rss_mb "$GW_PID") MB)"; nmt
    "$JAVA25/bin/jcmd" "$GW_PID" GC.run > /dev/null 2>&1
    echo; echo "## after a full GC (RSS $(rss_mb "$GW_PID") MB)"; nmt
    "$JAVA25/bin/jcmd" "$GW_PID" GC.heap_info 2>&1 | tail -n +2
    echo; echo "## threads ($(ls "/proc/$GW_PID/task" | wc -l))"
    cat /proc/"$GW_PID"/task/*/comm | sed 's/-[0-9]*$//' | sort | uniq -c | sort -rn
    echo; echo "## classes loaded (jcmd VM.classloader_stats, total)"
    "$JAVA25/bin/jcmd" "$GW_PID" VM.classloader_stats 2>&1 | awk '/^Total = / {print "classes:", $4}' 
  } > "$RESULTS/footprint-nmt.md"
  stop; cg_remove "$cg"
fi

col() { awk -v c="$1" '{print $c}' "$WORK/starts-$2" | grep -v '^-$' | median; }
{
  echo "Machine: $(nproc) CPUs, load average at the end $(cut -d' ' -f1-3 /proc/loadavg); cgroup v$CG_V; Temurin $("$JAVA25/bin/java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p')."
  echo "Started as the JVM image starts it: docker/entrypoint.sh, JAVA_OPTS=\"$JAVA_OPTS\"${MALLOC_ARENA_MAX:+, MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX}${GATEWAY_ENV:+, env $GATEWAY_ENV}."
  echo "Load: wrk -c$CONNS for ${LOAD_SECONDS} s on a proxied GET, plus a ${TRANSFER_MB} MB upload and a ${TRANSFER_MB} MB download streamed at the same time."
  echo
  echo "| limit (MiB) | AOT cache used | killed | cgroup peak (MiB) | RSS peak (MB) | anonymous RSS peak (MB) | first proxied 200 (ms) | CPU by the first 200 (ms) | RSS idle, anon + file (MB) | CPU idle (ms in ${IDLE_SECONDS} s) | req/s | CPU ms per request | non-2xx | socket errors | upload | download |"
  echo "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|"
  printf '%s\n' "${ROWS[@]}"
  if [ "$STARTS" -gt 0 ]; then
    echo
    echo "Start, inside a $START_LIMIT MiB cgroup, medians of $STARTS (interleaved): first proxied 200 with the AOT cache $(col 1 aot) ms, CPU by then $(col 3 aot) ms, RSS $START_SETTLE s later $(col 2 aot) MB ($(col 4 aot) anon + $(col 5 aot) file); without it $(col 1 noaot) ms, CPU $(col 3 noaot) ms, RSS $(col 2 noaot) MB ($(col 4 noaot) + $(col 5 noaot))."
    echo "Every start (ms to the first 200, RSS MB, CPU ms, anon MB, file MB, load average): with $(paste -sd';' "$WORK/starts-aot"); without $(paste -sd';' "$WORK/starts-noaot")."
  fi
} | tee "$RESULTS/footprint.md"
