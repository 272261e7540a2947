package io.finality.bench.pipeline;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * Attributes one thread's heap allocations to their stacks, for the pipeline's allocation questions.
 * A JFR {@link RecordingStream} of the TLAB events ({@code jdk.ObjectAllocationOutsideTLAB},
 * {@code jdk.ObjectAllocationInNewTLAB}) with stack traces, filtered to one thread name and to a time
 * window, aggregated by allocated class and the top frames.
 *
 * <p>Why not {@code jdk.ObjectAllocationSample}: it fires only when a thread refills its TLAB, and a
 * thread that allocates a few hundred bytes per block may not refill its (multi-megabyte) TLAB once
 * in a run, so sampling reports nothing. Run the JVM with {@code -XX:-UseTLAB} and every allocation is
 * an "outside TLAB" event: exact attribution, at a cost in speed that only a diagnostic run pays.
 *
 * <p>Thread rules: construct, {@link #window}, {@link #print} and {@link #close} from one thread; JFR
 * delivers events on its own thread.
 */
final class AllocationStacks implements AutoCloseable {
    private final RecordingStream stream = new RecordingStream();
    private final String threadName;
    private final int depth;
    private final Map<String, long[]> byStack = new ConcurrentHashMap<>();
    private final AtomicLong lastEventNanos = new AtomicLong();
    private volatile Instant from = Instant.MAX;
    private volatile Instant to = Instant.MAX;

    AllocationStacks(final String threadName, final int depth) {
        this.threadName = threadName;
        this.depth = depth;
        stream.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
        stream.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
        stream.onEvent("jdk.ObjectAllocationOutsideTLAB", this::onAllocation);
        stream.onEvent("jdk.ObjectAllocationInNewTLAB", this::onAllocation);
        stream.startAsync();
    }

    /** Count only allocations that start inside [from, to). */
    void window(final Instant windowFrom, final Instant windowTo) {
        from = windowFrom;
        to = windowTo;
    }

    private void onAllocation(final RecordedEvent e) {
        lastEventNanos.set(System.nanoTime());
        final RecordedThread t = e.getThread();
        if (t == null || !threadName.equals(t.getJavaName())) {
            return;
        }
        final Instant at = e.getStartTime();
        if (at.isBefore(from) || !at.isBefore(to)) {
            return;
        }
        final StringBuilder key = new StringBuilder(e.getClass("objectClass").getName());
        final RecordedStackTrace stack = e.getStackTrace();
        if (stack != null) {
            final List<RecordedFrame> frames = stack.getFrames();
            for (int i = 0; i < Math.min(depth, frames.size()); i++) {
                final RecordedFrame f = frames.get(i);
                key.append("\n        at ").append(f.getMethod().getType().getName()).append('.')
                    .append(f.getMethod().getName()).append(':').append(f.getLineNumber());
            }
        }
        final long[] cell = byStack.computeIfAbsent(key.toString(), k -> new long[2]);
        synchronized (cell) {
            cell[0]++;
            cell[1] += e.getLong("allocationSize");
        }
    }

    /** Wait until JFR has delivered what it buffered (no event for a second), then print the top stacks. */
    void print(final String title, final long units, final String unitName, final int top) throws InterruptedException {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        Thread.sleep(1_500);
        while (System.nanoTime() - lastEventNanos.get() < 1_000_000_000L && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        final List<Map.Entry<String, long[]>> rows = new ArrayList<>(byStack.entrySet());
        rows.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        long bytes = 0;
        long count = 0;
        for (Map.Entry<String, long[]> r : rows) {
            count += r.getValue()[0];
            bytes += r.getValue()[1];
        }
        System.out.printf("%n%s: thread %s allocated %d objects, %d bytes (%.1f B per %s over %d %ss)%n", title, threadName,
            count, bytes, bytes / (double)Math.max(1, units), unitName, units, unitName);
        for (int i = 0; i < Math.min(top, rows.size()); i++) {
            final long[] v = rows.get(i).getValue();
            System.out.printf("  %,d bytes in %,d objects: %s%n", v[1], v[0], rows.get(i).getKey());
        }
    }

    @Override
    public void close() {
        stream.close();
    }
}
