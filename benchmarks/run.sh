#!/usr/bin/env bash
# Runs every benchmark of docs/BENCHMARKS.md. Usage: benchmarks/run.sh [quick|full] (default quick).
#   quick: one short fork per JMH class and a 10 s pipeline replay, a few minutes in all;
#   full:  the settings the recorded figures used.
# Build first: mvn -B -q package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
MODE="${1:-quick}"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JAR=benchmarks/target/benchmarks.jar
FLAGS=(--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
       --add-exports=java.base/jdk.internal.util=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
       --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
       --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
       --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED
       --enable-native-access=ALL-UNNAMED
       --sun-misc-unsafe-memory-access=allow -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true)
if [ "$MODE" = quick ]; then
    JMH=(-f 1 -wi 1 -i 2 -w 1s -r 1s -prof gc)
    SECONDS_REPLAY=10
else
    JMH=(-f 1 -wi 2 -i 5 -w 2s -r 2s -prof gc)
    SECONDS_REPLAY=60
fi
export FINALITY_DATA="${FINALITY_DATA:-$(cd .. && pwd)/shared/data}"
for bench in EventEncodeBenchmark 'io.finality.bench.bitcoin' WatchKeyIndexProbeBenchmark EngineStepBenchmark; do
    "$JAVA" -Dfinality.data="$FINALITY_DATA" -jar "$JAR" "$bench" "${JMH[@]}"
done
"$JAVA" "${FLAGS[@]}" -Xms4g -Xmx4g -Dfinality.data="$FINALITY_DATA" -cp "$JAR" \
    io.finality.bench.pipeline.PipelineReplayHarness "$SECONDS_REPLAY"
# the latency phase's floor: the same ring, threads and pacing, with one read of each block for scan and engine
"$JAVA" "${FLAGS[@]}" -Xms4g -Xmx4g -Dfinality.data="$FINALITY_DATA" -Dfinality.bench.floor=true -cp "$JAR" \
    io.finality.bench.pipeline.PipelineReplayHarness "$SECONDS_REPLAY" yielding latency
