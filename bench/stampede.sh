#!/usr/bin/env bash
# Token stampede: 1,000 concurrent calls arriving when the gateway's cached token has just become unusable, and
# 1,000 concurrent calls that all meet BC's 401 after the token was revoked. Counts the token requests the
# simulator's Entra ID endpoint saw (/_sim/stats): each must be exactly 1. The token endpoint takes TOKEN_DELAY_MS
# to answer, so the calls really overlap with the one request in flight.
#
#   bench/stampede.sh       CALLS=1000 LIFETIME=20 TOKEN_DELAY_MS=300 to override
#
# Prints a markdown table and writes it to bench/results/stampede.md. Loopback only; every process stops at exit.
source "$(dirname "$0")/lib.sh"
CALLS=${CALLS:-1000}
LIFETIME=${LIFETIME:-20}
TOKEN_DELAY_MS=${TOKEN_DELAY_MS:-300}
CLIENT=55555555-0000-4000-8000-000000000001
SECRET=bench-secret-stampede

need hey hey
need curl curl
need jq jq
build
ulimit -n 65536 2>/dev/null || true   # 1,000 sockets at once

SIM=$(free_port)
# BC's limits out of the way (this measures token work, not admission): every call runs at once.
start_simulator "$SIM" --token-lifetime "$LIFETIME" --token-endpoint-delay-ms "$TOKEN_DELAY_MS" \
  --max-running 100000 --max-queued 100000 --rate-limit 100000000
register_app "$SIM" "$CLIENT" "$SECRET"
GW=$(free_port)
# shellcheck disable=SC2046
start_gateway "$GW" gateway-stampede $(connection_flags st "$SIM" "$CLIENT" "$SECRET") \
  -Dgateway.connections.st.limits.max-running=100000 -Dgateway.connections.st.limits.rate-limit=100000000 \
  -Dgateway.throttle.max-queued=100000 -Dgateway.upstream.max-pool-size=200
URL="http://127.0.0.1:$GW/bc/st/api/v2.0/companies?\$select=id"

tokens() { curl -sf "http://127.0.0.1:$SIM/_sim/stats" | jq .tokenRequests; }
burst() { # burst <label>: CALLS calls at once; prints "<2xx> <other>"
  hey -n "$CALLS" -c "$CALLS" -t 60 "$URL" > "$RESULTS/hey-stampede-$1.txt" 2>&1 || true
  awk '/^[ \t]*\[2[0-9][0-9]\][ \t]+[0-9]+ responses/{ok+=$2} /^[ \t]*\[[0-9]+\][ \t]+[0-9]+ responses/{all+=$2}
       END{print ok+0, all-ok}' "$RESULTS/hey-stampede-$1.txt"
}

# JIT and connection warm-up with a valid token, then silence until the token is past its usable life (the
# gateway stops using a token a tenth of its lifetime before expiry, and refreshes in the background only when
# calls arrive in the last half of its life, so after this silence there is no token and no refresh in flight).
curl -sf -o /dev/null "$URL"
hey -n 2000 -c 50 "$URL" > /dev/null 2>&1 || true
curl -sf -o /dev/null -X POST "http://127.0.0.1:$SIM/_sim/stats/reset"
curl -sf -o /dev/null "$URL"   # first token of the measured life
sleep "$LIFETIME"
before=$(tokens)
read -r ok1 other1 <<<"$(burst expiry)"
expiry=$(( $(tokens) - before ))

# Revocation: BC answers 401 to the cached token; every call is replayed once with a fresh token.
curl -sf -o /dev/null "$URL"
curl -sf -o /dev/null -X POST "http://127.0.0.1:$SIM/_sim/tokens/revoke"
before=$(tokens)
read -r ok2 other2 <<<"$(burst revoked)"
revoked=$(( $(tokens) - before ))

{
  echo "token stampede: $CALLS concurrent calls; token lifetime ${LIFETIME}s, token endpoint answers in ${TOKEN_DELAY_MS} ms;" \
       "$(date -u '+%Y-%m-%d %H:%M UTC'); load $(awk '{print $1, $2, $3}' /proc/loadavg)"
  echo
  echo "| scenario | calls | 2xx | other | token requests (must be 1) |"
  echo "|---|---|---|---|---|"
  echo "| token expired, $CALLS calls at once | $CALLS | $ok1 | $other1 | $expiry |"
  echo "| token revoked (BC 401), $CALLS calls at once | $CALLS | $ok2 | $other2 | $revoked |"
} | tee "$RESULTS/stampede.md"
[ "$expiry" = 1 ] && [ "$revoked" = 1 ]
