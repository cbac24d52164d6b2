#!/usr/bin/env bash
# Whole-process start-up time of the sample issuer: from `java -jar` to the ready JSON line on stdout.
#   sample-issuer/bench/startup.sh [RUNS]          the launcher target/sample-issuer (AppCDS archive)
#   PLAIN=1 sample-issuer/bench/startup.sh [RUNS]  plain `java -jar target/sample-issuer.jar`
# (default 10 runs; builds if missing)
# Prints each run and the min / median / max in milliseconds. Target: under 2000 ms.
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-10}"
jar=sample-issuer/target/sample-issuer.jar
java_opts=(${SAMPLE_ISSUER_JAVA_OPTS:-})
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package -pl sample-issuer
if [ -n "${PLAIN:-}" ]; then launch=(java "${java_opts[@]}" -jar "$jar"); else launch=(sample-issuer/target/sample-issuer); fi
times=()
for i in $(seq 1 "$runs"); do
  state=$(mktemp -d)
  start=$(date +%s%N)
  coproc ISSUER { exec "${launch[@]}" --port-base 0 --state-dir "$state" 2>/dev/null; }
  read -r line <&"${ISSUER[0]}"
  end=$(date +%s%N)
  kill "$ISSUER_PID" 2>/dev/null || true
  wait "$ISSUER_PID" 2>/dev/null || true
  rm -rf "$state"
  case "$line" in \{\"idp\"*) ;; *) echo "run $i: no ready line (got: $line)" >&2; exit 1 ;; esac
  ms=$(( (end - start) / 1000000 ))
  times+=("$ms")
  echo "run $i: ${ms} ms"
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
n=${#sorted[@]}
if [ -n "${PLAIN:-}" ]; then how="plain java -jar"; else how="launcher with AppCDS"; fi
echo "sample-issuer start-up ($how) over $n runs: min ${sorted[0]} ms, median ${sorted[$((n / 2))]} ms, max ${sorted[$((n - 1))]} ms (target < 2000 ms)"
