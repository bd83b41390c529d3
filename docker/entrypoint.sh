#!/usr/bin/env bash
# Starts the gateway; uses the AOT cache when the image has one. exec: the JVM is PID 1 and gets SIGTERM directly.
#
# Without the cache (an image built with --build-arg AOT=false, or the jars run outside the image), two flags
# for the start (docs/deployment.md, "Start time"), both left out with the cache, where neither has work to do:
# - -javaagent:quarkus-run.jar (io.bcgateway.startup.ClassPreload): a second thread loads and links the classes the
#   start needs while the main thread starts Quarkus; PRELOAD_CLASSES=false turns it off;
# - -XX:MetaspaceSize=64m: the ~40 MB of class metadata a start loads passed the JVM's first metaspace threshold
#   (~21 MB), which triggered a full collection in the middle of the start that freed nothing (no class is unloaded).
set -eu
cd "${APP_DIR:-/deployments}"
start=()
if [ -f app.aot ]; then
  start=(-XX:AOTCache=app.aot)
else
  start=(-XX:MetaspaceSize=64m)
  [ "${PRELOAD_CLASSES:-true}" = false ] || start+=(-javaagent:quarkus-run.jar)
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java "${start[@]}" $JAVA_OPTS "$@" -jar quarkus-run.jar
