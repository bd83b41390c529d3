#!/usr/bin/env bash
# aot-train.sh <cache file>: training run for the JDK AOT cache (JDK 25, JEP 514 one-step -XX:AOTCacheOutput).
# Runs the gateway in demo mode (embedded simulator on loopback), sends the requests a real caller sends, stops it
# with SIGTERM; the JVM assembles the cache on exit. Every wait is bounded.
set -eu
out=$1 port=${TRAIN_PORT:-8080} mport=${TRAIN_MANAGEMENT_PORT:-9000}
cd "${APP_DIR:-/deployments}"
# shellcheck disable=SC2086
java -XX:AOTCacheOutput="$out" $JAVA_OPTS -Dquarkus.profile=demo -Dquarkus.http.host=127.0.0.1 \
     -Dquarkus.http.port="$port" -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$mport" \
     -jar quarkus-run.jar &
pid=$!
for _ in $(seq 1 300); do http-get.sh /q/health/ready "$mport" && break; sleep 0.2; done
gw=/bc/demo/api/v2.0
for _ in $(seq 1 50); do
  http-get.sh "$gw/companies" "$port"
  http-get.sh "$gw/companies?\$select=id,name&\$top=2" "$port"
  http-get.sh "/bc/nope/api/v2.0/companies" "$port" || true   # the gateway's own 404 problem answer
  http-get.sh "/q/health/live" "$mport"
done
kill -TERM "$pid"
wait "$pid" || true
test -s "$out"
