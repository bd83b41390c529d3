#!/usr/bin/env bash
# Writes src/main/resources/META-INF/bc-gateway/start-classes.txt: the classes that a start of the JVM image loads by
# its first proxied answer, in load order, marked "link" where the start also verified them; read by
# startup/ClassPreload, the -javaagent that docker/entrypoint.sh adds when the image has no AOT cache. Run it after a
# change to the extensions or the start sequence: a stale list is only slower (a class it misses is loaded by the main
# thread as before, a name that is gone is skipped).
#
#   bench/start-classes.sh   (Temurin 25 at JAVA25_HOME; builds the aot-jar without tracing unless target/quarkus-app
#                             already is an aot-jar)
#
# The run is the production profile against the simulator as a separate process, as docker/aot-train.sh trains: no
# demo, no cluster, no tracing, so the list names no class of a feature a configuration does not use. Left out: the
# JDK classes of its default CDS archive (already mapped, nothing to gain), hidden classes and lambdas (made at run
# time), the simulator (never in a production start) and the agent itself.
source "$(dirname "$0")/lib.sh"
JAVA25=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
APP="$ROOT/target/quarkus-app"
OUT="$ROOT/src/main/resources/META-INF/bc-gateway/start-classes.txt"
WORK=$(mktemp -d); trap 'cleanup; rm -rf "$WORK"' EXIT
if ! unzip -p "$APP/quarkus-run.jar" META-INF/MANIFEST.MF 2>/dev/null | grep -q AotQuarkusEntryPoint; then
  echo "building the aot-jar with Java 25, without tracing (as docker/Dockerfile.jvm --build-arg TRACING=false)" >&2
  (cd "$ROOT" && JAVA_HOME=$JAVA25 PATH="$JAVA25/bin:$PATH" ./mvnw -B -q package -DskipTests \
      -Dquarkus.package.jar.aot.enabled=true -Dquarkus.otel.enabled=false > "$WORK/build.log" 2>&1)
fi
IMAGE_OPTS=$(sed -n 's/.*JAVA_OPTS="\([^"]*\)".*/\1/p' "$ROOT/docker/Dockerfile.jvm" | head -1)
CLIENT=55555555-0000-4000-8000-000000000001 SECRET=start-classes-secret
SIM=$(free_port) PORT=$(free_port)
start_simulator "$SIM"
register_app "$SIM" "$CLIENT" "$SECRET"
# shellcheck disable=SC2046,SC2086
"$JAVA25/bin/java" $IMAGE_OPTS -Xlog:class+load=info,class+init=info:file="$WORK/classes.log" -Dquarkus.http.host=127.0.0.1 \
  -Dquarkus.http.port="$PORT" -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port=0 \
  $(connection_flags start "$SIM" "$CLIENT" "$SECRET") -jar "$APP/quarkus-run.jar" > "$WORK/gateway.log" 2>&1 &
gw=$!
PIDS+=("$gw")
lines=
for _ in $(seq 1 600); do   # up to 60 s
  if [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/bc/start/api/v2.0/companies")" = 200 ]; then
    lines=$(wc -l < "$WORK/classes.log"); break
  fi
  kill -0 "$gw" 2>/dev/null || break
  sleep 0.1
done
kill "$gw" 2>/dev/null || true; wait "$gw" 2>/dev/null || true
[ -n "$lines" ] || { echo "no proxied 200 from the gateway; its log:" >&2; cat "$WORK/gateway.log" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
{
  echo "# Classes a start of the JVM image loads by its first proxied answer, in load order (bench/start-classes.sh;"
  echo "# read by io.bcgateway.startup.ClassPreload when there is no AOT cache). Generated: do not edit by hand."
  # "<name> link" for a class the start verified (so linked) by its first answer; the rest it only loaded
  head -n "$lines" "$WORK/classes.log" | awk '
    /\[class,init *\] Start class verification for: / { linked[$NF] = 1; next }
    /\[class,load *\] / && / source: (jrt:\/|file:)/ { sub(/^.*\[class,load *\] /, ""); order[++n] = $1 }
    END { for (i = 1; i <= n; i++) print order[i] (order[i] in linked ? " link" : "") }' \
    | grep -v -e '^io\.bcgateway\.simulator\.' -e '^io\.bcgateway\.startup\.' -e '\$\$Lambda' -e '/0x'
} > "$OUT"
echo "$(grep -vc '^#' "$OUT") classes written to $OUT" >&2
