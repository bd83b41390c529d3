#!/usr/bin/env bash
# The whole benchmark suite, one command: overhead, token stampede, throttle goodput, fan-out, then the plot.
# Each script also runs alone (bench/<name>.sh). Tables go to stdout and bench/results/all.md; the plot to
# docs/bench-overhead.png. Stops at the first benchmark that fails (the stampede fails unless exactly one token
# request was made).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/results/all.md"
mkdir -p "$HERE/results"
{
  echo "# bench/all.sh — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(awk '{print $1, $2, $3}' /proc/loadavg)"
} > "$OUT"
for b in overhead stampede throttle fanout; do
  echo "== $b" >&2
  { echo; echo "## $b"; echo; } >> "$OUT"
  "$HERE/$b.sh" | tee -a "$OUT"
done
"$HERE/plot.sh"
echo >&2; echo "tables: $OUT; plot: docs/bench-overhead.png" >&2
