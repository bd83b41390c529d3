#!/usr/bin/env bash
# CI check of native readiness without GraalVM: runs every Quarkus native build step (reflection, resources,
# build-time initialisation checks) and writes target/native-sources/native-image.args, but not native-image itself.
# Fails when the build fails or when the resources the native image needs are missing from the runner jar.
set -euo pipefail
cd "$(dirname "$0")/.."

./mvnw -B package -DskipTests -Dnative -Dquarkus.native.sources-only=true

args=target/native-sources/native-image.args
runner=$(ls target/native-sources/*-runner.jar)
test -s "$args" || { echo "native-sources: $args was not written" >&2; exit 1; }
# The simulator (demo mode) reads its $metadata document as a class-path resource; resource-config.json includes it.
entries=$(jar tf "$runner")
for entry in simulator/bc-api-v2.0-metadata.xml META-INF/native-image/io.bcgateway/bc-gateway/resource-config.json; do
  grep -qxF "$entry" <<<"$entries" || { echo "native-sources: $entry is not in $runner" >&2; exit 1; }
done
echo "native-sources: OK ($(wc -w < "$args") native-image arguments in $args)"
