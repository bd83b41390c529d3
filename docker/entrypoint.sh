#!/usr/bin/env bash
# Starts the gateway; uses the AOT cache when the image has one. exec: the JVM is PID 1 and gets SIGTERM directly.
#
# Without the cache (an image built with --build-arg AOT=false), -javaagent:quarkus-run.jar
# (io.bcgateway.startup.ClassPreload): a second thread loads and links the classes the start needs while the main
# thread starts Quarkus (docs/deployment.md, "Start time"); PRELOAD_CLASSES=false turns it off. Not with the cache:
# there every one of those classes is loaded from the cache before main.
set -eu
cd "${APP_DIR:-/deployments}"
start=()
if [ -f app.aot ]; then
  start=(-XX:AOTCache=app.aot)
elif [ "${PRELOAD_CLASSES:-true}" != false ] \
    && [ -e "$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/libinstrument.so" ]; then
  start=(-javaagent:quarkus-run.jar)   # only where the JVM has java.instrument (a jlink'ed JRE may not)
fi
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java "${start[@]}" $JAVA_OPTS "$@" -jar quarkus-run.jar
