#!/usr/bin/env bash
# Pass-through overhead: the same static BC-shaped customers page served by nginx (the "upstream", never the
# bottleneck) and fetched
#   direct   wrk -> upstream nginx
#   nginx    wrk -> nginx proxy_pass (keep-alive upstream pool, fixed Authorization header) -> upstream
#   vertx    wrk -> bare Vert.x proxy (bench/overhead/VertxFloorProxy.java: the gateway's Vert.x and Netty jars, none of
#            its features): the floor of the gateway's stack
#   gateway  wrk -> bc-gateway (prod profile: token cache, admission, breaker, access log) -> upstream
# at 1, 16 and 64 connections: requests/s, p50, p99, p99.9, the proxy's CPU (share of one core and CPU time per
# request) and RSS, and the gateway/nginx ratios. A fourth page variant carries @odata.nextLink (the gateway
# rewrites it, nginx passes it unchanged) and is measured at 16 connections.
#
# The proxy under test (nginx or the gateway) is pinned to PROXY_CPUS (default: core 1); wrk and the upstream
# nginx to LOAD_CPUS (default: core 0). The gateway gets its token once from the simulator (1-hour lifetime) and
# admission limits that never bite (the code path runs, the limits are BC's business, not this benchmark's).
#
#   bench/overhead.sh       DURATION=10 WARMUP=25 CONNS="1 16 64" ROWS=20 EVENT_LOOPS=1 REBUILD=1 GATEWAY_OPTS="-D..."
#
# Besides time, three measures that do not depend on how busy the machine is (see docs/benchmarks.md, "Method"):
#   - bytes allocated per request: the JVM's per-thread allocation counters (`jcmd <pid> Thread.print -e`,
#     "allocated=") summed over the event loops, and over every thread, before and after each row;
#   - system calls per request: `perf stat -e raw_syscalls:sys_enter` attached to the proxy for the row (nginx: its
#     worker; SYSCALLS=0 turns it off);
#   - instructions per request: `perf stat -e instructions` when the CPU exposes its counters (a VM often does not:
#     the column then says "-");
#   - the JVMs' young collections in the row and their mean pause (HotSpot's perf counters, `jcmd PerfCounter.print`).
# ROUNDS=N repeats every row N times, interleaved (round 1: A B C ..., round 2: ... C B A, and so on, so drift in the
# machine's load falls on every target alike) and the tables show the median of the N rounds.
#
# Writes bench/results/overhead.tsv (one row per round, target and concurrency) and bench/results/overhead.md; prints
# the markdown. Loopback only; every process it starts is stopped at exit.
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-25}
CONNS=${CONNS:-1 16 64}
ROWS=${ROWS:-20}
PROXY_CPUS=${PROXY_CPUS:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
HEAP=${HEAP:--Xmx256m}
# One event loop on the one core the gateway gets, as nginx gets one worker there (Quarkus' default is two per
# core: on a single core the second loop only adds hand-overs between threads, see docs/benchmarks.md).
EVENT_LOOPS=${EVENT_LOOPS:-1}
GATEWAY_OPTS=${GATEWAY_OPTS:-}
LABEL=${LABEL:-overhead}
ROUNDS=${ROUNDS:-1}
SYSCALLS=${SYSCALLS:-1}
# VARIANTS="label=<quarkus-app directory> ...": also measure those builds of the gateway, side by side in the same
# run and on the same core (how the before/after figures of each optimisation were taken); OPTS_<label>="-D..."
# adds JVM options to one of them, JAVA_<label>=<java binary> runs it on another JVM.
VARIANTS=${VARIANTS:-}
# The JVM of the main gateway (default: the java on PATH; the container images run Temurin 25).
GATEWAY_JAVA=${GATEWAY_JAVA:-java}
# The main gateway's build (default: this checkout's target/quarkus-app, built if missing).
GATEWAY_APP=${GATEWAY_APP:-}
TARGETS=${TARGETS:-direct nginx vertx gateway}
# PROFILE=cpu (or alloc, wall, ...): in round 1, async-profiler (tools.profiler:async-profiler:4.0 from Maven Central)
# samples every JVM target for its rows and writes collapsed stacks to bench/results/<label>-<target>-<page>-<conns>.collapsed.
# The profiled rows cost a few percent more CPU: take timings from a run without it.
PROFILE=${PROFILE:-}
PROFILE_INTERVAL=${PROFILE_INTERVAL:-200us}
for v in $VARIANTS; do TARGETS="$TARGETS ${v%%=*}"; done

need wrk wrk
need nginx nginx-light
need curl curl
need taskset util-linux
need python3 python3
need jcmd openjdk-17-jdk-headless
if [ "$SYSCALLS" = 1 ]; then need perf linux-perf; fi
build
if [ -n "$PROFILE" ]; then
  AP_JAR="$HOME/.m2/repository/tools/profiler/async-profiler/4.0/async-profiler-4.0.jar"
  [ -f "$AP_JAR" ] || (cd "$ROOT" && ./mvnw -B -q dependency:get -Dartifact=tools.profiler:async-profiler:4.0) >&2
  mkdir -p "$ROOT/target/async-profiler"
  unzip -oq "$AP_JAR" 'linux-x64/*' -d "$ROOT/target/async-profiler"
  AP_LIB="$ROOT/target/async-profiler/linux-x64/libasyncProfiler.so"
fi
# perf counts tracepoints in this VM; the hardware counters (instructions) only where the hypervisor exposes them.
PERF_EVENTS=""
if [ "$SYSCALLS" = 1 ] && perf stat -x, -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
  PERF_EVENTS=raw_syscalls:sys_enter
  perf stat -x, -e instructions -- true 2>&1 | grep -q 'not supported' || PERF_EVENTS="$PERF_EVENTS,instructions"
fi

WORK=$(mktemp -d /tmp/bc-overhead.XXXXXX)
chmod 755 "$WORK"
trap 'cleanup; rm -rf "$WORK"' EXIT
HERE=$(cd "$(dirname "$0")" && pwd)
TENANT=3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42
CLIENT=44444444-0000-4000-8000-000000000001
SECRET=bench-secret-overhead
COMPANY=ba419d35-0dfe-4af7-aee7-bbe10c45c028
RESOURCE="api/v2.0/companies($COMPANY)/customers"

UP=$(free_port)
NP=$(free_port)
mkdir -p "$WORK/www"
python3 "$HERE/overhead/page.py" "$WORK/www" "http://127.0.0.1:$UP/BC" "$ROWS"
chmod 644 "$WORK"/www/*.json

SIM=$(free_port)
start_simulator "$SIM" --token-lifetime 3600
register_app "$SIM" "$CLIENT" "$SECRET"
# The floors inject a token like the one the gateway injects: a real Entra token is a JWT of 1-2.5 KB, and so is the
# simulator's. Header validation and encoding cost per byte, so a floor sending "Bearer x" would charge the gateway
# for the token's length as if it were overhead. FLOOR_TOKEN=short restores the 8-byte header of the runs before
# 2026-12-07 10:00 UTC; the target vertx-x (TARGETS="... vertx-x") measures that floor next to the other.
FLOOR_TOKEN=${FLOOR_TOKEN:-real}
AUTHORIZATION="Bearer x"
if [ "$FLOOR_TOKEN" = real ]; then
  AUTHORIZATION="Bearer $(curl -sf "http://127.0.0.1:$SIM/$TENANT/oauth2/v2.0/token" \
    --data-urlencode grant_type=client_credentials --data-urlencode "client_id=$CLIENT" \
    --data-urlencode "client_secret=$SECRET" --data-urlencode 'scope=https://api.businesscentral.dynamics.com/.default' \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')"
  [ ${#AUTHORIZATION} -gt 100 ] || { echo "no token from the simulator for the floors" >&2; exit 1; }
fi

nginx_conf() { # nginx_conf <name> <server block>
  cat > "$WORK/$1.conf" <<CONF
worker_processes 1;
daemon off;
pid $WORK/$1.pid;
error_log $WORK/$1-error.log warn;
events { worker_connections 4096; }
http {
  types { }
  default_type application/json;
  client_body_temp_path $WORK/$1-tmp;
  proxy_temp_path $WORK/$1-tmp;
  fastcgi_temp_path $WORK/$1-tmp;
  uwsgi_temp_path $WORK/$1-tmp;
  scgi_temp_path $WORK/$1-tmp;
  keepalive_requests 1000000;
  $2
}
CONF
}

# The upstream: a customers page; with Prefer: odata.maxpagesize (BC's way to ask for pages) the page with a nextLink.
nginx_conf upstream "
  access_log off;
  server {
    listen 127.0.0.1:$UP;
    location /BC/ {
      root $WORK/www;
      if (\$http_prefer ~ maxpagesize) { rewrite ^ /customers-paged.json break; }
      rewrite ^ /customers.json break;
    }
  }"
# The comparison: a plain reverse proxy with a keep-alive upstream pool and a fixed Authorization header.
nginx_conf proxy "
  access_log $WORK/proxy-access.log;
  upstream bc { server 127.0.0.1:$UP; keepalive 128; }
  server {
    listen 127.0.0.1:$NP;
    location /bc/bench/ {
      proxy_pass http://bc/BC/;
      proxy_http_version 1.1;
      proxy_set_header Connection \"\";
      proxy_set_header Authorization \"$AUTHORIZATION\";
    }
  }"

taskset -c "$LOAD_CPUS" nginx -c "$WORK/upstream.conf" -p "$WORK" 2>>"$WORK/upstream-error.log" &
PIDS+=($!); UP_PID=$!
taskset -c "$PROXY_CPUS" nginx -c "$WORK/proxy.conf" -p "$WORK" 2>>"$WORK/proxy-error.log" &
PIDS+=($!); NGINX_PID=$!

# Coalescing is off: wrk sends the same GET on every connection, so coalescing would join them and the gateway
# would make fewer BC calls than the floor proxies; the comparison is one upstream call per request. It is set in
# the environment rather than as -D: builds from before coalescing (VARIANTS) refuse an unknown -D key, and ignore
# an unknown environment variable.
start_gw() { # start_gw <port> <quarkus-app dir> <log name> [extra JVM options] [java]: sets GW_STARTED_PID
  # shellcheck disable=SC2086
  GATEWAY_COALESCE_ENABLED=false taskset -c "$PROXY_CPUS" "${5:-$GATEWAY_JAVA}" $HEAP -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$1" \
    -Dquarkus.vertx.event-loops-pool-size="$EVENT_LOOPS" -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 \
    -Dgateway.connections.bench.tenant-id=$TENANT -Dgateway.connections.bench.client-id=$CLIENT \
    -Dgateway.connections.bench.client-secret=$SECRET \
    -Dgateway.connections.bench.base-url="http://127.0.0.1:$UP/BC" \
    -Dgateway.connections.bench.token-url="http://127.0.0.1:$SIM/$TENANT/oauth2/v2.0/token" \
    -Dgateway.connections.bench.limits.max-running=100000 -Dgateway.connections.bench.limits.rate-limit=1000000000 \
    $GATEWAY_OPTS ${4:-} -jar "$2/quarkus-run.jar" > "$RESULTS/$3.log" 2>&1 &
  PIDS+=($!); GW_STARTED_PID=$!
  wait_http "http://127.0.0.1:$1/bc/"
}
FP=$(free_port)
# shellcheck disable=SC2086
FLOOR_AUTHORIZATION="$AUTHORIZATION" taskset -c "$PROXY_CPUS" "$GATEWAY_JAVA" $HEAP -cp "$ROOT/target/quarkus-app/lib/main/*" \
  "$HERE/overhead/VertxFloorProxy.java" "$FP" "$UP" /BC > "$RESULTS/vertx-$LABEL.log" 2>&1 &
PIDS+=($!); FLOOR_PID=$!
wait_http "http://127.0.0.1:$FP/bc/bench/"
FXP=""
if grep -qw vertx-x <<<"$TARGETS"; then
  FXP=$(free_port)
  # shellcheck disable=SC2086
  FLOOR_AUTHORIZATION="Bearer x" taskset -c "$PROXY_CPUS" "$GATEWAY_JAVA" $HEAP -cp "$ROOT/target/quarkus-app/lib/main/*" \
    "$HERE/overhead/VertxFloorProxy.java" "$FXP" "$UP" /BC > "$RESULTS/vertx-x-$LABEL.log" 2>&1 &
  PIDS+=($!); FLOORX_PID=$!
  wait_http "http://127.0.0.1:$FXP/bc/bench/"
fi
GW=$(free_port)
start_gw "$GW" "${GATEWAY_APP:-$ROOT/target/quarkus-app}" "gateway-$LABEL"; GW_PID=$GW_STARTED_PID
declare -A VPORT VPID
for v in $VARIANTS; do
  VPORT[${v%%=*}]=$(free_port)
  opts="OPTS_${v%%=*}" java="JAVA_${v%%=*}"
  start_gw "${VPORT[${v%%=*}]}" "${v#*=}" "${v%%=*}-$LABEL" "${!opts:-}" "${!java:-}"; VPID[${v%%=*}]=$GW_STARTED_PID
done
wait_http "http://127.0.0.1:$UP/BC/"
wait_http "http://127.0.0.1:$NP/bc/bench/"

declare -A URL=(
  [direct]="http://127.0.0.1:$UP/BC/$RESOURCE"
  [nginx]="http://127.0.0.1:$NP/bc/bench/$RESOURCE"
  [vertx]="http://127.0.0.1:$FP/bc/bench/$RESOURCE"
  [gateway]="http://127.0.0.1:$GW/bc/bench/$RESOURCE"
)
[ -n "$FXP" ] && URL[vertx-x]="http://127.0.0.1:$FXP/bc/bench/$RESOURCE"
for v in $VARIANTS; do URL[${v%%=*}]="http://127.0.0.1:${VPORT[${v%%=*}]}/bc/bench/$RESOURCE"; done
# Sanity: the same page three ways; the gateway rewrites the nextLink of the paged variant to itself.
for t in $TARGETS; do
  code=$(curl -s -o "$WORK/check-$t.json" -w '%{http_code}' "${URL[$t]}")
  [ "$code" = 200 ] || { echo "$t answered $code: $(head -c 300 "$WORK/check-$t.json")" >&2; exit 1; }
done
[ -f "$WORK/check-direct.json" ] || curl -s -o "$WORK/check-direct.json" "${URL[direct]}"
# Every BC page carries BC's address in @odata.context, which the gateway points at itself; nothing else may change.
sed "s#http://127.0.0.1:$UP/BC/#http://127.0.0.1:$GW/bc/bench/#g" "$WORK/check-direct.json" > "$WORK/check-expected.json"
cmp -s "$WORK/check-expected.json" "$WORK/check-gateway.json" \
  || { echo "gateway changed a page beyond BC's addresses" >&2; diff "$WORK/check-expected.json" "$WORK/check-gateway.json" | head -c 600 >&2; exit 1; }
curl -s -H 'Prefer: odata.maxpagesize=20' "${URL[gateway]}" | grep -q "\"@odata.nextLink\":\"http://127.0.0.1:$GW/bc/bench/api/v2.0/" \
  || { echo "gateway did not rewrite the nextLink" >&2; exit 1; }

# CPU ticks (utime + stime) of a process and its children (nginx workers), and RSS in MiB.
ticks() {
  local total=0 p
  for p in $1 $(ps -o pid= --ppid "$1" 2>/dev/null); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
rss_mib() {
  local total=0 p
  for p in $1 $(ps -o pid= --ppid "$1" 2>/dev/null); do
    total=$(( total + $(awk '/VmRSS/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0) ))
  done
  echo $(( total / 1024 ))
}
# CPU ticks of the threads of a JVM whose name matches an extended regex: the event loops do the per-request work,
# the JIT compilers and the GC share the core with them (and dominate while the JVM is still warming up).
thread_ticks() { # thread_ticks <pid> <regex>
  local total=0 t
  for t in /proc/"$1"/task/*; do
    grep -qE "$2" "$t/comm" 2>/dev/null || continue
    total=$(( total + $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
EVENT_LOOP_THREADS='^vert\.x-eventloo'
JIT_THREADS='^C[12] CompilerThre'
HZ=$(getconf CLK_TCK)

# The bytes a JVM's threads allocated so far: "<event loops> <all threads>" (the attach listener, which serves this
# very question, left out). HotSpot keeps a per-thread counter (ThreadMXBean#getThreadAllocatedBytes) and prints it
# with the thread dump's -e option, in B, K, M or G.
allocated() {
  jcmd "$1" Thread.print -e 2>/dev/null | awk '
    /^"/ && / allocated=/ {
      match($0, / allocated=[0-9]+[BKMG]/); v = substr($0, RSTART + 11, RLENGTH - 11)
      u = substr(v, length(v)); n = substr(v, 1, length(v) - 1)
      b = n * (u == "K" ? 1024 : u == "M" ? 1048576 : u == "G" ? 1073741824 : 1)
      if ($0 ~ /^"Attach Listener"/) next
      all += b; if ($0 ~ /^"vert\.x-eventloop/) loop += b
    }
    END { printf "%.0f %.0f\n", loop, all }'
}
# Young collections of a JVM so far: "<count> <pause ms in all>" (HotSpot's perf counters: collector 0 is the young
# generation's for Serial, the benchmark's collector on one pinned core; its time is in ticks of sun.os.hrt.frequency).
# A JVM's pauses stop its event loop, so at 16 connections they set the p99 (docs/benchmarks.md, "Issue #15, round 5:
# the p99 tail was GC pauses").
young_gc() {
  jcmd "$1" PerfCounter.print 2>/dev/null | awk -F= '
    $1 == "sun.gc.collector.0.invocations" { n = $2 } $1 == "sun.gc.collector.0.time" { t = $2 }
    $1 == "sun.os.hrt.frequency" { f = $2 } END { printf "%d %.3f\n", n, f ? 1000 * t / f : 0 }'
}
proc_and_children() { echo "$1" $(ps -o pid= --ppid "$1" 2>/dev/null) | tr -s ' ' ','; }
perf_count() { awk -F, -v e="$2" '$3 == e && $1 ~ /^[0-9]+$/ {print $1}' "$1" 2>/dev/null | head -1; }
per_request() { # per_request <count> <requests>: "-" when there is no count
  if [ -z "$1" ] || [ -z "$2" ] || [ "$2" = 0 ]; then echo -; else awk -v a="$1" -v n="$2" 'BEGIN{printf "%.1f", a / n}'; fi
}

load() { taskset -c "$LOAD_CPUS" wrk -t1 -c "$1" -d "$2" --timeout 10s -s "$HERE/overhead/report.lua" "${@:3}"; }

echo "warming up: JVMs ${WARMUP}s each, nginx 3s" >&2
for v in vertx ${FXP:+vertx-x} gateway $VARIANTS; do
  load 16 "${WARMUP}s" "${URL[${v%%=*}]}" >/dev/null
  load 16 5s -H 'Prefer: odata.maxpagesize=20' "${URL[${v%%=*}]}" >/dev/null
done
load 16 3s "${URL[nginx]}" >/dev/null
load 16 3s "${URL[direct]}" >/dev/null

TSV="$RESULTS/$LABEL.tsv"
printf 'target\tpage\tconnections\trps\tp50_ms\tp99_ms\tp999_ms\trequests\terrors\tcpu_pct\tcpu_us_per_req\trss_mib\tload1\tevent_loop_us_per_req\tjit_pct\tevent_loop_bytes_per_req\tall_threads_bytes_per_req\tsyscalls_per_req\tinstructions_per_req\tround\tyoung_gcs\tyoung_pause_ms\n' > "$TSV"
measure() { # measure <target> <page> <connections> [wrk args...]
  local t=$1 page=$2 c=$3; shift 3
  local pid="" before=0 after line cpu="-" per="-" rss="-" load1 loop="-" jit="-" loop0=0 jit0=0
  case $t in direct) ;; nginx) pid=$NGINX_PID ;; vertx) pid=$FLOOR_PID ;; vertx-x) pid=$FLOORX_PID ;; gateway) pid=$GW_PID ;; *) pid=${VPID[$t]} ;; esac
  local jvm="" alloc0="" alloc1="" perfpid="" perfout="$WORK/perf-$t-$c.csv" sys="-" ins="-" loopb="-" allb="-"
  [ "$t" != direct ] && [ "$t" != nginx ] && jvm=1
  local gc0="" gcs="-" pause="-"
  [ -n "$jvm" ] && alloc0=$(allocated "$pid") && gc0=$(young_gc "$pid")
  if [ -n "$pid" ] && [ -n "$PERF_EVENTS" ]; then
    perf stat -x, -e "$PERF_EVENTS" -p "$(proc_and_children "$pid")" -o "$perfout" 2>/dev/null &
    perfpid=$!
    sleep 0.3 # perf attaches to every thread before the load starts
  fi
  local profiled=""
  if [ -n "$PROFILE" ] && [ -n "$jvm" ] && [ "$ROUND" = 1 ]; then
    # The inner quotes matter: without them jcmd reads event=... as its own option.
    jcmd "$pid" JVMTI.agent_load "$AP_LIB" "\"start,event=$PROFILE,interval=$PROFILE_INTERVAL\"" >/dev/null && profiled=1
  fi
  [ -n "$pid" ] && before=$(ticks "$pid")
  if [ -n "$jvm" ]; then
    loop0=$(thread_ticks "$pid" "$EVENT_LOOP_THREADS"); jit0=$(thread_ticks "$pid" "$JIT_THREADS")
  fi
  line=$(load "$c" "${DURATION}s" "$@" "${URL[$t]}" | grep '^WRK')
  load1=$(awk '{print $1}' /proc/loadavg)
  if [ -n "$profiled" ]; then
    jcmd "$pid" JVMTI.agent_load "$AP_LIB" "\"stop,file=$RESULTS/$LABEL-$t-$page-$c.collapsed,collapsed\"" >/dev/null
  fi
  if [ -n "$perfpid" ]; then
    kill -INT "$perfpid"; wait "$perfpid" 2>/dev/null || true
    sys=$(per_request "$(perf_count "$perfout" raw_syscalls:sys_enter)" "$(cut -f6 <<<"$line")")
    ins=$(per_request "$(perf_count "$perfout" instructions)" "$(cut -f6 <<<"$line")")
  fi
  if [ -n "$jvm" ]; then
    alloc1=$(allocated "$pid")
    local gc1; gc1=$(young_gc "$pid")
    gcs=$(( ${gc1% *} - ${gc0% *} ))
    pause=$(awk -v a="${gc0#* }" -v b="${gc1#* }" -v n="$gcs" 'BEGIN{ if (n > 0) printf "%.2f", (b - a) / n; else print "-" }')
    loopb=$(per_request "$(( ${alloc1% *} - ${alloc0% *} ))" "$(cut -f6 <<<"$line")")
    allb=$(per_request "$(( ${alloc1#* } - ${alloc0#* } ))" "$(cut -f6 <<<"$line")")
  fi
  if [ -n "$pid" ]; then
    after=$(ticks "$pid")
    cpu=$(awk -v d=$((after - before)) -v hz="$HZ" -v s="$DURATION" 'BEGIN{printf "%.0f", 100 * d / hz / s}')
    per=$(awk -v d=$((after - before)) -v hz="$HZ" -v n="$(cut -f6 <<<"$line")" 'BEGIN{printf "%.1f", 1e6 * d / hz / n}')
    rss=$(rss_mib "$pid")
  fi
  if [ -n "$jvm" ]; then
    loop=$(awk -v d=$(( $(thread_ticks "$pid" "$EVENT_LOOP_THREADS") - loop0 )) -v hz="$HZ" -v n="$(cut -f6 <<<"$line")" \
      'BEGIN{printf "%.1f", 1e6 * d / hz / n}')
    jit=$(awk -v d=$(( $(thread_ticks "$pid" "$JIT_THREADS") - jit0 )) -v hz="$HZ" -v s="$DURATION" \
      'BEGIN{printf "%.0f", 100 * d / hz / s}')
  fi
  IFS=$'\t' read -r _ rps p50 p99 p999 n err <<<"$line"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$t" "$page" "$c" "$rps" "$p50" "$p99" "$p999" "$n" \
    "$err" "$cpu" "$per" "$rss" "$load1" "$loop" "$jit" "$loopb" "$allb" "$sys" "$ins" "$ROUND" "$gcs" "$pause" >> "$TSV"
}

UPTIME_BEFORE=$(uptime)
REVERSED=$(tr ' ' '\n' <<<"$TARGETS" | grep . | tac | tr '\n' ' ')
for ROUND in $(seq 1 "$ROUNDS"); do
  order=$TARGETS
  [ $(( ROUND % 2 )) = 0 ] && order=$REVERSED
  echo "round $ROUND of $ROUNDS ($order): $(uptime)" >&2
  for c in $CONNS; do
    for t in $order; do
      measure "$t" plain "$c"
    done
  done
  for t in $order; do
    measure "$t" nextlink 16 -H 'Prefer: odata.maxpagesize=20'
  done
done
UPTIME_AFTER=$(uptime)

{
  echo "overhead: $(nproc) cores, proxy on CPU $PROXY_CPUS, wrk + upstream on CPU $LOAD_CPUS; ${DURATION}s per row;" \
       "page $(stat -c %s "$WORK/www/customers.json") bytes ($ROWS customers); $(date -u '+%Y-%m-%d %H:%M UTC');" \
       "median of $ROUNDS interleaved round(s)"
  echo "load before: ${UPTIME_BEFORE#*load average: }; after: ${UPTIME_AFTER#*load average: }"
  echo "gateway JVM: $("$GATEWAY_JAVA" -version 2>&1 | head -1)"
  echo "the floors (nginx, vertx) inject an Authorization header of ${#AUTHORIZATION} bytes (FLOOR_TOKEN=$FLOOR_TOKEN)${FXP:+; vertx-x: the bare Vert.x floor with \"Bearer x\"}"
  for v in $VARIANTS; do
    java="JAVA_${v%%=*}" opts="OPTS_${v%%=*}"
    echo "${v%%=*}: ${v#*=}, JVM $("${!java:-$GATEWAY_JAVA}" -version 2>&1 | head -1) ${!opts:-}"
  done
  echo
  python3 "$HERE/overhead/summary.py" "$TSV"
} | tee "$RESULTS/$LABEL.md"
