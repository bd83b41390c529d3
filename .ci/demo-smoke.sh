#!/usr/bin/env bash
# Starts the packaged gateway in demo mode (embedded simulator) on a free loopback port and replays the README's
# walkthrough: the bash blocks between the README's demo-walkthrough markers, run as written (only the port changes),
# then checks what they printed and left behind. A README edit that breaks the walkthrough fails CI.
# Bounded: gives up after 60 s of start-up, 10 s per request; always stops the gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v curl >/dev/null || { apt-get update -q && apt-get install -y -q curl; }
command -v jq >/dev/null || { apt-get update -q && apt-get install -y -q jq; }

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)
LOG=target/demo-smoke.log
OUT=target/demo-smoke.out
# The README's command (no host: the demo profile itself listens on loopback), on a free port. The management
# interface (health, metrics) gets a free port too, so that a busy 9000 cannot stop the demo.
MGMT_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 19000)
java -Dquarkus.profile=demo -Dquarkus.http.port="$PORT" -Dquarkus.management.port="$MGMT_PORT" \
  -jar target/quarkus-app/quarkus-run.jar >"$LOG" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true' EXIT

fail() { echo "demo smoke: $*"; echo "--- walkthrough output ---"; cat "$OUT" 2>/dev/null || true
  echo "--- gateway log ---"; tail -50 "$LOG"; exit 1; }

for _ in $(seq 1 120); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/bc/demo/api/v2.0/companies")" = 200 ] && break
  kill -0 $PID 2>/dev/null || fail "the gateway exited"
  sleep 0.5
done

# The README's walkthrough, as written: every bash block between the two markers.
WALKTHROUGH=$(awk '/^<!-- demo-walkthrough/ {on=1; next} /^<!-- \/demo-walkthrough/ {on=0}
  on && /^```bash$/ {code=1; next} on && /^```$/ {code=0} on && code' README.md)
grep -q 'GW=http://localhost:8080/bc/demo/api/v2.0' <<<"$WALKTHROUGH" || fail "no walkthrough found in README.md"
WALKTHROUGH=${WALKTHROUGH//http:\/\/localhost:8080/http://127.0.0.1:$PORT}
curl() { command curl --max-time 10 "$@"; }
# Sourced, not run in a child, so that its variables (C, ID, ETAG, OLD) can be checked below; each step is judged
# by the checks that follow, not by its exit status (the README's commands do not use curl -f).
set +eu
# shellcheck disable=SC1090
source <(printf '%s\n' "$WALKTHROUGH") >"$OUT" 2>&1
set -eu

GUID='^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
[[ $C =~ $GUID ]] || fail "step 1 kept no company id: '$C'"
[[ $ID =~ $GUID ]] || fail "step 2 kept no customer id: '$ID'"
[[ $OLD == W/\"*\" && $OLD != *\\* ]] || fail "step 2 kept no clean ETag: '$OLD'"
grep -q '"displayName":"Contoso Coffee"' "$OUT" || fail "step 3's filter did not find the customer"
[[ $ETAG == W/\"*\" && $ETAG != "$OLD" ]] || fail "step 4 got no new ETag: '$ETAG'"
grep -q '"code":"Request_EntityChanged"' "$OUT" || fail "step 5: the stale ETag was not refused with Request_EntityChanged"
[ "$(tail -1 "$OUT")" = 204 ] || fail "step 6: delete answered $(tail -1 "$OUT")"
STATUS=$(command curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/bc/demo/api/v2.0/companies($C)/customers($ID)")
[ "$STATUS" = 404 ] || fail "the deleted customer still answers $STATUS"
# Health answers on the management port only: callers of the gateway's port cannot reach it.
command curl -sf --max-time 10 -o /dev/null "http://127.0.0.1:$MGMT_PORT/q/health/ready" || fail "readiness on the management port"
STATUS=$(command curl -s --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/q/health/ready")
[ "$STATUS" = 404 ] || fail "health on the gateway's port answered $STATUS"
echo "demo smoke: the README's walkthrough replayed, 6 steps passed"
