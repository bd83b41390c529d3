#!/usr/bin/env bash
# Plots bench/results/overhead.tsv (from bench/overhead.sh) to docs/bench-overhead.png with gnuplot: requests/s
# and p99 latency per concurrency for direct, nginx proxy_pass and the gateway.
#   bench/plot.sh [results.tsv] [out.png]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TSV=${1:-$ROOT/bench/results/overhead.tsv}
PNG=${2:-$ROOT/docs/bench-overhead.png}
if ! command -v gnuplot >/dev/null 2>&1; then
  echo "installing gnuplot-nox from Debian's packages" >&2
  apt-get update -q >/dev/null && apt-get install -y -q gnuplot-nox >/dev/null
fi
DATA=$(mktemp)
trap 'rm -f "$DATA"' EXIT
# One row per concurrency of the plain page: conns, rps direct/nginx/gateway, p99 direct/nginx/gateway.
awk -F'\t' 'NR>1 && $2=="plain"{rps[$3,$1]=$4; p99[$3,$1]=$6; if(!($3 in seen)){seen[$3]=1; c[++n]=$3}}
  END{for(i=1;i<=n;i++){k=c[i]; printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k, rps[k,"direct"], rps[k,"nginx"], rps[k,"gateway"],
      p99[k,"direct"], p99[k,"nginx"], p99[k,"gateway"]}}' "$TSV" > "$DATA"
STAMP=$(head -1 "${TSV%.tsv}.md" 2>/dev/null | cut -c1-150 || true)
gnuplot <<GP
set terminal pngcairo size 1100,460 font "sans,10" noenhanced
set output "$PNG"
set multiplot layout 1,2 title "Pass-through overhead: direct vs nginx proxy_pass vs bc-gateway\n$STAMP"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left
set xlabel "concurrent connections"
set ylabel "requests/s"
set yrange [0:*]
plot "$DATA" using 2:xtic(1) title "direct" lc rgb "#999999", "" using 3 title "nginx proxy_pass" lc rgb "#009639", \
     "" using 4 title "bc-gateway" lc rgb "#4169e1"
set ylabel "p99 latency (ms)"
set logscale y
set yrange [*:*]
plot "$DATA" using 5:xtic(1) title "direct" lc rgb "#999999", "" using 6 title "nginx proxy_pass" lc rgb "#009639", \
     "" using 7 title "bc-gateway" lc rgb "#4169e1"
unset multiplot
GP
echo "wrote $PNG" >&2
