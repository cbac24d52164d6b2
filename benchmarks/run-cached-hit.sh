#!/bin/sh
# Builds connector-core and the benchmarks, then runs the cached-hit benchmark and the Clock.millis() baseline
# in one JMH run (with -prof gc) and prints "ratio = X" (throughput per CPU-second of the benchmark thread, so
# the load of a shared machine cancels out); exits non-zero when a cached token() hit reaches less
# than 0.8x the throughput of one Clock.millis() read, or allocates. About 40 s of measuring.
#   benchmarks/run-cached-hit.sh [--no-build] [measurement iterations, default 8]
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--no-build" ]; then
    shift
else
    ./mvnw -B -o -q -pl connector-core -am install -DskipTests
    ./mvnw -B -o -q -pl benchmarks package -DskipTests
fi
exec java -cp benchmarks/target/benchmarks.jar dev.xaa4j.benchmarks.CachedHitRatio "$@"
