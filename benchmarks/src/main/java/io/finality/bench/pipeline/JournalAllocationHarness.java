package io.finality.bench.pipeline;

import io.finality.engine.journal.ChronicleGuard;
import io.finality.engine.journal.EventJournal;
import io.finality.engine.journal.JournalContext;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.ExpandableArrayBuffer;

/**
 * Question: what does the state-engine thread allocate per journal append, when, and whose is it?
 *
 * <p>Appends documents of the pipeline harness's size (about 80 kB: one block's ~290 payment events)
 * to a Chronicle journal in a loop, on one thread, and reads
 * {@code com.sun.management.ThreadMXBean#getCurrentThreadAllocatedBytes} around each append (and the
 * appends slower than a millisecond, by document number: Chronicle's index and chunk boundaries). Prints
 * the appends that allocated: how many, how much, and where in the journal (bytes written, which
 * mapped chunk), so a per-document, per-index-block or per-chunk pattern shows. With tiny fixed TLABs
 * ({@code -XX:TLABSize=2k -XX:MinTLABSize=2k -XX:-ResizeTLAB}) it also samples the allocating stacks: each
 * TLAB refill is a JFR event with the stack that needed it ({@link AllocationStacks}). ({@code -XX:-UseTLAB}
 * does not do here: compiled code then allocates in eden inline and JFR sees nothing.)
 *
 * <p>Journal set-ups (the last argument, comma-separated): {@code production} (the engine's own
 * {@link EventJournal#open}, with its pretouch thread), {@code production-nopretouch} (without it), or
 * Chronicle builder settings {@code block=<MiB>}, {@code indexCount=<n>}, {@code indexSpacing=<n>},
 * {@code roll=<RollCycles name>}, {@code pretouch} (Chronicle's own appender pretoucher, run before each
 * append; a no-op in the open-source edition), on top of the production ones (FAST_DAILY, no sync).
 *
 * <p>Run: {@code java <flags> [-XX:-UseTLAB] -cp benchmarks/target/benchmarks.jar
 * io.finality.bench.pipeline.JournalAllocationHarness [documents [documentBytes [setup]]]}
 */
public final class JournalAllocationHarness {
    private static final int SHOW = 12;
    private static final long SLOW_APPEND_NANOS = 1_000_000;

    private JournalAllocationHarness() {
    }

    /** One journal under test: the production {@link EventJournal} or a builder variant. */
    private interface Journal extends AutoCloseable {
        void append(ExpandableArrayBuffer document, int length);

        long blockSize();

        @Override
        void close();
    }

    public static void main(final String[] args) throws Exception {
        ChronicleGuard.disableAnalytics();
        final int documents = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        final int documentBytes = args.length > 1 ? Integer.parseInt(args[1]) : 80_000;
        final String setup = args.length > 2 ? args[2] : "production";
        final Path dir = Files.createTempDirectory("finality-journal-alloc");
        final com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final ExpandableArrayBuffer document = new ExpandableArrayBuffer(documentBytes);
        final byte[] random = new byte[documentBytes];
        new Random(20_261_121L).nextBytes(random);
        document.putBytes(0, random);
        final boolean stacks = ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:-ResizeTLAB");
        final AllocationStacks trace = stacks ? new AllocationStacks(Thread.currentThread().getName(), 12) : null;
        try (Journal journal = open(dir, setup)) {
            // Warm-up: the first appends create the appender, the first cycle file and JIT the path.
            final int warm = Math.min(2_000, documents / 4);
            for (int i = 0; i < warm; i++) {
                journal.append(document, documentBytes);
            }
            final long calibrate = mx.getCurrentThreadAllocatedBytes();
            final long overhead = mx.getCurrentThreadAllocatedBytes() - calibrate;
            final List<long[]> allocating = new ArrayList<>();
            long total = 0;
            final Instant from = Instant.now();
            if (trace != null) {
                trace.window(from, Instant.MAX);
            }
            final long start = System.nanoTime();
            final List<long[]> slow = new ArrayList<>();
            final SlowAppendWatch watch = new SlowAppendWatch(Thread.currentThread());
            watch.start();
            for (int i = 0; i < documents; i++) {
                final long before = mx.getCurrentThreadAllocatedBytes();
                final long t0 = System.nanoTime();
                watch.appendStart = t0;
                journal.append(document, documentBytes);
                watch.appendStart = 0;
                final long took = System.nanoTime() - t0;
                final long allocated = mx.getCurrentThreadAllocatedBytes() - before - overhead;
                if (allocated > 0) {
                    allocating.add(new long[] {i, (long)(warm + i) * documentBytes, allocated});
                    total += allocated;
                }
                if (took > SLOW_APPEND_NANOS) {
                    slow.add(new long[] {warm + i, took});
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            if (trace != null) {
                trace.window(from, Instant.now());
            }
            report(setup, journal.blockSize(), documents, documentBytes, seconds, overhead, allocating, total);
            long over10 = 0;
            long max = 0;
            for (long[] a : slow) {
                over10 += a[1] > 10_000_000 ? 1 : 0;
                max = Math.max(max, a[1]);
            }
            System.out.printf("  %d appends took over %d us, %d over 10 ms, the slowest %d us (document number counted from"
                + " the first, warm-up included):%n", slow.size(), SLOW_APPEND_NANOS / 1000, over10, max / 1000);
            for (int i = 0; i < Math.min(SHOW * 2, slow.size()); i++) {
                System.out.printf("    document %,9d: %,8d us%n", slow.get(i)[0], slow.get(i)[1] / 1000);
            }
            watch.interrupt();
            watch.print();
            if (trace != null) {
                trace.print("allocation stacks", documents, "append", 8);
            }
        } finally {
            if (trace != null) {
                trace.close();
            }
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void report(final String setup, final long blockSize, final int documents, final int documentBytes,
        final double seconds, final long overhead, final List<long[]> allocating, final long total) {
        System.out.printf("setup %s (blockSize %d MiB): %d appends of %d bytes, %.0f MB/s; probe overhead %d B%n", setup,
            blockSize >> 20, documents, documentBytes, (double)documents * documentBytes / 1e6 / seconds, overhead);
        System.out.printf("  %d appends allocated, %d bytes in all = %.1f B per append%n", allocating.size(), total,
            total / (double)documents);
        long previous = -1;
        long gapSum = 0;
        for (int i = 0; i < allocating.size(); i++) {
            final long[] a = allocating.get(i);
            if (previous >= 0) {
                gapSum += a[0] - previous;
            }
            previous = a[0];
            if (i < SHOW || i >= allocating.size() - 3) {
                System.out.printf("    append %,7d at journal byte ~%,14d (chunk %3d, +%,11d): %,8d B%n", a[0], a[1],
                    a[1] / blockSize, a[1] % blockSize, a[2]);
            } else if (i == SHOW) {
                System.out.println("    ...");
            }
        }
        if (allocating.size() > 1) {
            System.out.printf("  mean spacing: %.1f appends = %.1f MiB of journal%n", gapSum / (double)(allocating.size() - 1),
                gapSum / (double)(allocating.size() - 1) * documentBytes / (1 << 20));
        }
    }

    /**
     * Samples the appending thread's stack when an append has run for over {@value #WATCH_NANOS} ns: what a
     * slow append is doing (counted by distinct top frames).
     */
    private static final class SlowAppendWatch extends Thread {
        private static final long WATCH_NANOS = 3_000_000;
        private final Thread appender;
        private final java.util.Map<String, Integer> stacks = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile long appendStart;

        SlowAppendWatch(final Thread appender) {
            super("slow-append-watch");
            this.appender = appender;
            setDaemon(true);
        }

        @Override
        public void run() {
            long sampled = 0;
            while (!isInterrupted()) {
                final long start = appendStart;
                if (start != 0 && start != sampled && System.nanoTime() - start > WATCH_NANOS) {
                    sampled = start;
                    final StringBuilder b = new StringBuilder();
                    final StackTraceElement[] frames = appender.getStackTrace();
                    for (int i = 0; i < Math.min(14, frames.length); i++) {
                        b.append("\n        at ").append(frames[i]);
                    }
                    stacks.merge(b.toString(), 1, Integer::sum);
                }
                java.util.concurrent.locks.LockSupport.parkNanos(500_000);
            }
        }

        void print() {
            System.out.printf("  stacks of appends running over %d us:%n", WATCH_NANOS / 1000);
            stacks.forEach((k, v) -> System.out.printf("    %d x%s%n", v, k));
        }
    }

    private static Journal open(final Path dir, final String setup) {
        if (setup.startsWith("production")) {
            final JournalContext context = new JournalContext().directory(dir).durability(JournalContext.Durability.NONE);
            if (setup.equals("production-nopretouch")) {
                context.pretouchBytes(0);
            }
            final EventJournal j = EventJournal.open(context);
            final long block = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY).blockSize();
            return new Journal() {
                @Override
                public void append(final ExpandableArrayBuffer document, final int length) {
                    j.append(document, length);
                }

                @Override
                public long blockSize() {
                    return block;
                }

                @Override
                public void close() {
                    j.close();
                }
            };
        }
        final SingleChronicleQueueBuilder b = SingleChronicleQueueBuilder.binary(dir).rollCycle(RollCycles.FAST_DAILY);
        boolean pretouch = false;
        for (String s : setup.split(",")) {
            final String[] kv = s.split("=");
            switch (kv[0]) {
                case "block" -> b.blockSize(Long.parseLong(kv[1]) << 20);
                case "indexCount" -> b.indexCount(Integer.parseInt(kv[1]));
                case "indexSpacing" -> b.indexSpacing(Integer.parseInt(kv[1]));
                case "roll" -> b.rollCycle(RollCycles.valueOf(kv[1]));
                case "pretouch" -> pretouch = true;
                default -> throw new IllegalArgumentException("unknown setup " + s);
            }
        }
        final SingleChronicleQueue queue = b.build();
        final ExcerptAppender appender = queue.createAppender();
        final boolean touch = pretouch;
        return new Journal() {
            @Override
            public void append(final ExpandableArrayBuffer document, final int length) {
                if (touch) {
                    appender.pretouch();
                }
                // as EventJournal.append
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().write(document.byteArray(), 0, length);
                }
            }

            @Override
            public long blockSize() {
                return queue.blockSize();
            }

            @Override
            public void close() {
                appender.close();
                queue.close();
            }
        };
    }
}
