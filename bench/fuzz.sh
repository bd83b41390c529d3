#!/usr/bin/env bash
# Runs every Jazzer fuzz test in fuzzing mode, one after another, for a given time each, and writes a Markdown report
# (executions per second, libFuzzer's coverage counters, findings) to stdout and bench/results/fuzz.md.
#
#   bench/fuzz.sh [seconds-per-target] [class-name-filter]     (default 120 s each, every target)
#   FUZZ_JOBS=4 nice -n 15 bench/fuzz.sh 600                    (the 10-minute run in docs/fuzzing.md)
#
# FUZZ_JOBS targets run at once (default 1): each fuzzes for the full time whatever runs beside it, so more jobs
# shorten the wall-clock time and lower each target's executions per second, not its duration.
#
# In the normal build (`./mvnw verify`) the same tests only replay their checked-in inputs. Here JAZZER_FUZZ=1 makes
# each one fuzz; Jazzer fuzzes one test per JVM, so every target is its own Maven run. A finding stops its target,
# fails its test and is written by Jazzer straight into the test's inputs directory under src/test/resources, where
# the build replays it from then on (fix the code, keep the input). The generated corpus (inputs that added
# coverage) is kept in target/fuzz-corpus/<Class>/ and grows from run to run; it is not checked in.
#
# Bounded in time: libFuzzer stops itself after -max_total_time, and `timeout` kills a target that overstays by more
# than FUZZ_GRACE seconds (default 1200: Maven, the JVM and Jazzer's instrumentation took over seven minutes to
# start under load here before fuzzing began; also a hang the fuzzer itself did not catch).
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
SECONDS_EACH=${1:-${FUZZ_SECONDS:-120}}
FILTER=${2:-}
JOBS=${FUZZ_JOBS:-1}
GRACE=${FUZZ_GRACE:-1200}
OUT=${FUZZ_REPORT:-$HERE/results/fuzz.md}
LOGS=$ROOT/target/fuzz-logs
TARGETS=(
  "io.bcgateway.proxy.PathGuardFuzzTest"
  "io.bcgateway.proxy.BcLinkRewriterFuzzTest"
  "io.bcgateway.fanout.PageParserFuzzTest"
  "io.bcgateway.fanout.BatchSplitterFuzzTest"
  "io.bcgateway.proxy.DeadlineFuzzTest"
  "io.bcgateway.proxy.HeaderFilterFuzzTest"
  "io.bcgateway.config.ConnectionEnvConfigSourceFuzzTest"
  "io.bcgateway.simulator.FilterParserFuzzTest"
)
mkdir -p "$LOGS" "$(dirname "$OUT")"
cd "$ROOT"

# FUZZ_REPORT_ONLY=1 writes the report again from target/fuzz-logs/ without fuzzing.
[[ -n "${FUZZ_REPORT_ONLY:-}" ]] || {
# Compile once; every target then runs from the compiled classes (-o: nothing is downloaded while fuzzing).
./mvnw -B -q -o test-compile -Dquarkus.build.skip=true >"$LOGS/compile.log" 2>&1 \
  || { echo "test-compile failed, see $LOGS/compile.log" >&2; exit 1; }
}

{
  echo "# bench/fuzz.sh: ${SECONDS_EACH} s per target, $JOBS at a time"
  [[ -z "${FUZZ_REPORT_ONLY:-}" ]] \
    || printf '\n(written again from the logs of the run that started %s)\n' "$(date -u -r "$LOGS/compile.log" '+%H:%M UTC')"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load at start $(awk '{print $1, $2, $3}' /proc/loadavg)," \
    "Jazzer $(grep -A1 '<artifactId>jazzer-junit</artifactId>' pom.xml | sed -n 's:.*<version>\(.*\)</version>.*:\1:p')," \
    "$(java -version 2>&1 | head -1)"
  echo
  echo "| target | property | runs | seconds | exec/s | cov | ft | corpus | wall s | result |"
  echo "|---|---|---:|---:|---:|---:|---:|---|---:|---|"
} >"$OUT.tmp"

# One target: fuzz it, then write its table row to target/fuzz-logs/<class>.row and its exit status to .rc.
run_target() {
  local class=$1 log corpus rc wall last cov ft corp runs eps secs property finding result failed=0 began=$SECONDS
  log=$LOGS/$class.log
  corpus=$ROOT/target/fuzz-corpus/$class
  mkdir -p "$corpus"
  [[ -n "${FUZZ_REPORT_ONLY:-}" ]] || echo "== $class (${SECONDS_EACH} s)" >&2
  if [[ -n "${FUZZ_REPORT_ONLY:-}" ]]; then # re-read the logs of the last run, e.g. after changing this report
    rc=$(cat "$LOGS/$class.exit" 2>/dev/null || echo 0)
    wall=$(cat "$LOGS/$class.wall" 2>/dev/null || echo "?")
  else
    # jazzer.internal.arg.N are the libFuzzer arguments Jazzer's own launcher passes; Jazzer appends them after the
    # ones it derives from @FuzzTest, so this -max_total_time overrides the annotation's maxDuration (a constant).
    JAZZER_FUZZ=1 timeout --kill-after=30 $((SECONDS_EACH + GRACE)) ./mvnw -B -o surefire:test \
      -Dtest="$class" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1="$corpus" \
      -Djazzer.internal.arg.2=-max_total_time="$SECONDS_EACH" -Djazzer.internal.arg.3=-print_final_stats=1 \
      -Djazzer.instrument="io.bcgateway.**,com.fasterxml.jackson.core.**" \
      >"$log" 2>&1
    rc=$?
    wall=$((SECONDS - began))
    echo "$rc" >"$LOGS/$class.exit"
    echo "$wall" >"$LOGS/$class.wall"
  fi
  # libFuzzer's own lines: "#123 NEW cov: 40 ft: 61 corp: 9/120b ... exec/s: 2000" and "Done 123 runs in 60 second(s)".
  last=$(grep -a -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  # -print_final_stats=1 adds "stat::number_of_executed_units" and "stat::average_exec_per_sec" at the end.
  runs=$(grep -a "^stat::number_of_executed_units:" "$log" | tail -1 | tr -dc 0-9)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
  runs=${runs:-$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$last")}
  eps=${eps:-$(sed -n 's/.* exec\/s: \([0-9]*\).*/\1/p' <<<"$last")}
  property=$(grep -h -B1 -E '^\s*void [a-zA-Z]+\(FuzzedDataProvider' -r src/test/java --include="$class.java" \
    | sed -n 's/^\s*void \([a-zA-Z]*\)(.*/\1/p')
  finding=$(grep -a -m1 -E 'Test unit written to' "$log" | sed 's/.*written to //')
  if [[ -n "$finding" ]]; then
    result="**finding**: $(grep -a -m1 -E 'Caused by|FuzzTestFindingException' "$log" | cut -c1-160 | tr '|' '/'); input ${finding#"$ROOT"/}"
    failed=1
  elif [[ -n "$secs" ]] && grep -a -q 'BUILD SUCCESS' "$log"; then
    result="no finding" # libFuzzer's "Done" line and a passing test: whatever the exit status of the watchdog
  elif [[ $rc -eq 124 || $rc -eq 137 ]]; then
    result="**killed after $((SECONDS_EACH + GRACE)) s**"
    failed=1
  else
    result="**failed (exit $rc), see ${log#"$ROOT"/}**"
    failed=1
  fi
  echo "| $class | $property | ${runs:-?} | ${secs:-?} | ${eps:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $wall | $result |" >"$LOGS/$class.row"
  echo "   runs=${runs:-?} secs=${secs:-?} exec/s=${eps:-?} cov=${cov:-?} ft=${ft:-?} -> $result" >&2
  echo $failed >"$LOGS/$class.rc"
}

selected=()
for target in "${TARGETS[@]}"; do
  class=${target##*.}
  [[ -n "$FILTER" && "$class" != *"$FILTER"* ]] && continue
  selected+=("$class")
  rm -f "$LOGS/$class.row" "$LOGS/$class.rc"
  [[ -n "${FUZZ_REPORT_ONLY:-}" ]] || rm -f "$LOGS/$class.exit" "$LOGS/$class.wall"
  while (( $(jobs -rp | wc -l) >= JOBS )); do
    wait -n
  done
  run_target "$class" &
done
wait
failed=0
for class in "${selected[@]}"; do
  cat "$LOGS/$class.row" >>"$OUT.tmp" 2>/dev/null || echo "| $class | | | | | | | | | **no result** |" >>"$OUT.tmp"
  [[ "$(cat "$LOGS/$class.rc" 2>/dev/null)" == 0 ]] || failed=1
done

{
  echo
  echo "runs and exec/s: libFuzzer's final stats (executed units, average per second); seconds: its \"Done N runs in S"
  echo "second(s)\" (empty when a finding stopped the target); cov (edges) and ft (features) from its last status"
  echo "line, counted over the classes Jazzer instruments (io.bcgateway.** and jackson-core); corpus: inputs kept"
  echo "(count/bytes) in target/fuzz-corpus/<class>; wall s: the target's whole Maven run, start-up included. Logs: target/fuzz-logs/. Load at end $(awk '{print $1, $2, $3}' /proc/loadavg)."
} >>"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"
exit $failed
