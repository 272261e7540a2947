#!/usr/bin/env bash
# Runs every benchmark of docs/BENCHMARKS.md. Usage: benchmarks/run.sh [quick|full] (default quick).
#   quick: one short fork per JMH class, a 10 s pipeline replay and small sizes for the one-shot harnesses,
#          about seven minutes on the 2-core machine;
#   full:  the settings the recorded figures used (the 10 M-invoice store alone takes ~6 minutes to build).
# Not run here: the A/B tools that compare two builds (JarAbHarness, ScanAbHarness, TxidAbHarness, ProbeAbHarness),
# whose commands are in the sections of docs/BENCHMARKS.md that used them.
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
       --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.security.provider=ALL-UNNAMED --add-modules=jdk.incubator.vector
       --enable-native-access=ALL-UNNAMED
       --sun-misc-unsafe-memory-access=allow -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true)
if [ "$MODE" = quick ]; then
    JMH=(-f 1 -wi 1 -i 2 -w 1s -r 1s -prof gc)
    SECONDS_REPLAY=10
    PAUSE_KEYS=2000000
    SYNC=(60 1)
    STORE_INVOICES=1000000
else
    JMH=(-f 1 -wi 2 -i 5 -w 2s -r 2s -prof gc)
    SECONDS_REPLAY=60
    PAUSE_KEYS=11000000
    SYNC=(300 3)
    STORE_INVOICES=10000000
fi
export FINALITY_DATA="${FINALITY_DATA:-$(cd .. && pwd)/shared/data}"
step() {
    echo
    echo "=== $* ($(date -u +%H:%M:%S) UTC)"
}
for bench in EventEncodeBenchmark 'io.finality.bench.bitcoin' WatchKeyIndexProbeBenchmark EngineStepBenchmark \
    MeteredStepBenchmark 'io.finality.bench.ethereum'; do
    step "JMH $bench"
    "$JAVA" -Dfinality.data="$FINALITY_DATA" -jar "$JAR" "$bench" "${JMH[@]}"
done
step "whole pipeline: replay, then latency"
"$JAVA" "${FLAGS[@]}" -Xms4g -Xmx4g -Dfinality.data="$FINALITY_DATA" -cp "$JAR" \
    io.finality.bench.pipeline.PipelineReplayHarness "$SECONDS_REPLAY"
step "the latency phase's floor: the same ring, threads and pacing, one read of each block for scan and engine"
"$JAVA" "${FLAGS[@]}" -Xms4g -Xmx4g -Dfinality.data="$FINALITY_DATA" -Dfinality.bench.floor=true -cp "$JAR" \
    io.finality.bench.pipeline.PipelineReplayHarness "$SECONDS_REPLAY" yielding latency
step "matcher pauses: grow to $PAUSE_KEYS keys, then remove 60 % of them"
"$JAVA" "${FLAGS[@]}" -Xmx3g -cp "$JAR" io.finality.bench.matcher.WatchKeyIndexPauseHarness "$PAUSE_KEYS"
step "Bitcoin P2P sync from a loopback peer: ${SYNC[*]} (blocks, runs)"
"$JAVA" "${FLAGS[@]}" -Xmx3g -cp "$JAR" io.finality.bench.p2p.P2pSyncHarness "${SYNC[@]}"
step "start-up load of $STORE_INVOICES invoices from RocksDB (build, first open replays the WAL, then the figure)"
STORE="$(mktemp -d -t finality-store-XXXXXX)"
trap 'rm -rf "$STORE"' EXIT
"$JAVA" "${FLAGS[@]}" -Xmx3g -cp "$JAR" io.finality.bench.matcher.InvoiceStoreLoadHarness build "$STORE" "$STORE_INVOICES"
"$JAVA" "${FLAGS[@]}" -Xmx3g -cp "$JAR" io.finality.bench.matcher.InvoiceStoreLoadHarness load "$STORE"
"$JAVA" "${FLAGS[@]}" -Xmx3g -cp "$JAR" io.finality.bench.matcher.InvoiceStoreLoadHarness load "$STORE"
