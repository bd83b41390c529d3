#!/usr/bin/env bash
# Shared helpers for the benchmark scripts: install tools, build once, start processes on loopback, stop them.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESULTS="$ROOT/bench/results"
mkdir -p "$RESULTS"
PIDS=()

cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
}
trap cleanup EXIT

need() { # need <command> <debian package>
  command -v "$1" >/dev/null 2>&1 && return
  echo "installing $2 from Debian's packages" >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -q >/dev/null && apt-get install -y -q "$2" >/dev/null
  else sudo apt-get update -q >/dev/null && sudo apt-get install -y -q "$2" >/dev/null; fi
}

build() {
  if [ ! -f "$ROOT/target/quarkus-app/quarkus-run.jar" ] || [ -n "${REBUILD:-}" ]; then
    (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_http() { # wait_http <url>: up to 60 s
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "not answering: $1" >&2; return 1
}

# start_simulator <port> [flags...]: the BC + Entra simulator as its own process on 127.0.0.1
start_simulator() {
  local port=$1; shift
  java -Xmx1g -cp "$ROOT/target/quarkus-app/lib/main/*:$ROOT/target/quarkus-app/app/*" \
    io.bcgateway.simulator.SimulatorMain --port "$port" --host 127.0.0.1 "$@" > "$RESULTS/simulator-$port.log" 2>&1 &
  PIDS+=($!)
  wait_http "http://127.0.0.1:$port/_sim/stats"
}

# start_gateway <port> <log name> [-Dkey=value...]: the packaged gateway on 127.0.0.1. Coalesced reads are off unless
# the flags turn them on (bench/coalesce.sh): the other benchmarks measure one BC call per request.
start_gateway() {
  local port=$1 name=$2; shift 2
  java -Xmx256m -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 \
    -Dgateway.coalesce.enabled=false "$@" \
    -jar "$ROOT/target/quarkus-app/quarkus-run.jar" > "$RESULTS/$name.log" 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
  wait_http "http://127.0.0.1:$port/bc/"
}

# connection_flags <name> <simulator port> <client id> <secret>
connection_flags() {
  local name=$1 sim=$2 client=$3 secret=$4 tenant=3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42
  echo "-Dgateway.connections.$name.tenant-id=$tenant -Dgateway.connections.$name.client-id=$client" \
       "-Dgateway.connections.$name.client-secret=$secret -Dgateway.connections.$name.environment=production" \
       "-Dgateway.connections.$name.base-url=http://127.0.0.1:$sim" \
       "-Dgateway.connections.$name.token-url=http://127.0.0.1:$sim/$tenant/oauth2/v2.0/token"
}

register_app() { # register_app <simulator port> <client id> <secret>
  curl -sf -X POST "http://127.0.0.1:$1/_sim/apps" -H 'Content-Type: application/json' \
    -d "{\"tenantId\":\"3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42\",\"clientId\":\"$2\",\"clientSecret\":\"$3\",\"roles\":[\"API.ReadWrite.All\"]}" >/dev/null
}
