#!/usr/bin/env bash
# Starts the gateway; uses the AOT cache when the image has one. exec: the JVM is PID 1 and gets SIGTERM directly.
set -eu
cd "${APP_DIR:-/deployments}"
aot=()
[ -f app.aot ] && aot=(-XX:AOTCache=app.aot)
# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
exec java "${aot[@]}" $JAVA_OPTS "$@" -jar quarkus-run.jar
