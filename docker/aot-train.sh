#!/usr/bin/env bash
# aot-train.sh <cache file>: training run for the JDK AOT cache (JDK 25, JEP 514 one-step -XX:AOTCacheOutput).
# Runs the gateway in the production profile against the BC + Entra simulator started as a separate JVM on
# loopback (no network, no real secrets), sends the requests a real caller sends, stops it with SIGTERM; the JVM
# assembles the cache on exit. Every wait is bounded.
#
# Why a separate simulator process, not demo mode: a JDK AOT cache loads every class it holds when the JVM starts.
# Trained in demo mode, production gateways would load the simulator (and the Jackson databind it uses) on every
# start: ~100 simulator classes and 1.7 MB more cache (docs/deployment.md, "Footprint").
set -eu
out=$1 port=${TRAIN_PORT:-8080} mport=${TRAIN_MANAGEMENT_PORT:-9000} sim_port=${TRAIN_SIM_PORT:-8081}
cd "${APP_DIR:-/deployments}"
tenant=3f6b2a10-8c4e-4f1a-9d2b-5e7c1a0b9d42   # the simulator's demo tenant and app (SimulatorSettings.defaults())
java -Xmx128m -XX:TieredStopAtLevel=1 -cp 'lib/main/*:app/*' io.bcgateway.simulator.SimulatorMain \
     --port "$sim_port" --host 127.0.0.1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true' EXIT
# shellcheck disable=SC2086
java -XX:AOTCacheOutput="$out" $JAVA_OPTS -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$port" \
     -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$mport" \
     -Dgateway.connections.train.tenant-id="$tenant" \
     -Dgateway.connections.train.client-id=6a1e5c3b-2f47-4d8e-b1a9-0c3d5e7f9a21 \
     -Dgateway.connections.train.client-secret=demo-only-secret-not-a-real-credential \
     -Dgateway.connections.train.environment=production \
     -Dgateway.connections.train.base-url="http://127.0.0.1:$sim_port" \
     -Dgateway.connections.train.token-url="http://127.0.0.1:$sim_port/$tenant/oauth2/v2.0/token" \
     -jar quarkus-run.jar &
pid=$!
trap 'kill "$sim" "$pid" 2>/dev/null || true' EXIT
up() { for _ in $(seq 1 300); do http-get.sh "$1" "$2" 2>/dev/null && return 0; sleep 0.2; done; return 1; }
up /_sim/stats "$sim_port" || { echo "aot-train: the simulator did not start on port $sim_port" >&2; exit 1; }
up /q/health/ready "$mport" || { echo "aot-train: the gateway did not become ready on port $port" >&2; exit 1; }
# A slow answer (a busy build machine) is not a reason to fail the build: every request is tried, the training
# only needs the code paths run. It fails when not one proxied request succeeded.
gw=/bc/train/api/v2.0 proxied=0
for _ in $(seq 1 50); do
  http-get.sh "$gw/companies" "$port" && proxied=$((proxied + 1))
  http-get.sh "$gw/companies?\$select=id,name&\$top=2" "$port" || true
  http-get.sh "/bc/nope/api/v2.0/companies" "$port" || true   # the gateway's own 404 problem answer
  http-get.sh "/q/health/live" "$mport" || true
  http-get.sh "/q/health/ready" "$mport" || true
  http-get.sh "/q/metrics" "$mport" || true
done
[ "$proxied" -gt 0 ] || { echo "aot-train: no proxied request succeeded" >&2; exit 1; }
kill -TERM "$pid"
wait "$pid" || true
kill -TERM "$sim" && wait "$sim" || true
trap - EXIT
test -s "$out"
