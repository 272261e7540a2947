package io.finality.core.pipeline;

/**
 * Configuration of the ring and its two stages. Mutable builder, validated by {@link #conclude()}
 * before the pipeline is built; read-only afterwards.
 *
 * <p>Memory is bounded by construction: every slot's payload may grow to {@link #maxPayloadBytes()}
 * and no further, so a ring full of maximum-size payloads occupies at most
 * {@code ringSize * maxPayloadBytes} bytes, which must fit in {@link #memoryBudgetBytes()}.
 */
public final class PipelineContext {
    /** A Bitcoin block is at most 4,000,000 bytes of serialized weight-limited data. */
    public static final int BITCOIN_MAX_BLOCK_BYTES = 4_000_000;
    public static final int DEFAULT_RING_SIZE = 64;
    /** Room for a 4 MB Bitcoin block or an Ethereum block with its receipts as JSON. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
    public static final int DEFAULT_INITIAL_PAYLOAD_BYTES = 64 * 1024;
    public static final long DEFAULT_MEMORY_BUDGET_BYTES = 1024L * 1024 * 1024;
    public static final int DEFAULT_INITIAL_MATCHES = 64;

    /** How idle stage threads wait for the next slot. */
    public enum WaitStrategyKind {
        /**
         * Lock and condition: no CPU while idle, but a slow wake-up (publish to scan start 0.6 ms mean, p99 4.3 ms on a
         * 2-core machine, docs/BENCHMARKS.md), and stage 2 spins through stage 1's scan. The default until session 4.
         */
        BLOCKING,
        /**
         * Spin, then yield: lowest latency, keeps a core busy per stage thread. With {@link #fusedStages} and the
         * thread pinned, the lowest block latency measured (docs/BENCHMARKS.md, "One thread for both stages").
         */
        YIELDING,
        /** Spin, yield, then park briefly: little CPU, ~100 µs wake-up. */
        SLEEPING,
        /** Spin forever: needs a dedicated core per stage. */
        BUSY_SPIN,
        /**
         * Spin 20 µs, yield to 100 µs, then park while the ring holds nothing for the stage; a publication
         * wakes both stages, and stage 2 yields (does not park) while stage 1 has its slot. No CPU while
         * idle, low latency for sparse blocks. The sidecar default: of the strategies that cost no CPU while idle, the one
         * with the shortest tail (docs/BENCHMARKS.md, "Whole pipeline"). See {@link HandoffWaitStrategy}.
         */
        HANDOFF
    }

    private int ringSize = DEFAULT_RING_SIZE;
    private int maxPayloadBytes = DEFAULT_MAX_PAYLOAD_BYTES;
    private int initialPayloadBytes = DEFAULT_INITIAL_PAYLOAD_BYTES;
    private long memoryBudgetBytes = DEFAULT_MEMORY_BUDGET_BYTES;
    private int initialMatches = DEFAULT_INITIAL_MATCHES;
    private WaitStrategyKind waitStrategy = WaitStrategyKind.HANDOFF;
    private long shutdownTimeoutMs = 30_000;
    private boolean scanHelper;
    private boolean fusedStages;
    private int scanCpu = -1;
    private int scanHelperCpu = -1;
    private ThreadAffinity threadAffinity;

    public int ringSize() {
        return ringSize;
    }

    /** Number of slots; a power of two. */
    public PipelineContext ringSize(final int value) {
        ringSize = value;
        return this;
    }

    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    /** Largest payload a slot accepts; larger ones are refused at publication. */
    public PipelineContext maxPayloadBytes(final int value) {
        maxPayloadBytes = value;
        return this;
    }

    public int initialPayloadBytes() {
        return initialPayloadBytes;
    }

    public PipelineContext initialPayloadBytes(final int value) {
        initialPayloadBytes = value;
        return this;
    }

    public long memoryBudgetBytes() {
        return memoryBudgetBytes;
    }

    /** Upper bound on the bytes a full ring of maximum payloads may occupy. */
    public PipelineContext memoryBudgetBytes(final long value) {
        memoryBudgetBytes = value;
        return this;
    }

    public int initialMatches() {
        return initialMatches;
    }

    public PipelineContext initialMatches(final int value) {
        initialMatches = value;
        return this;
    }

    public WaitStrategyKind waitStrategy() {
        return waitStrategy;
    }

    public PipelineContext waitStrategy(final WaitStrategyKind value) {
        waitStrategy = value;
        return this;
    }

    public long shutdownTimeoutMs() {
        return shutdownTimeoutMs;
    }

    /** How long {@code close()} waits for the ring to drain. */
    public PipelineContext shutdownTimeoutMs(final long value) {
        shutdownTimeoutMs = value;
        return this;
    }

    public boolean scanHelper() {
        return scanHelper;
    }

    /**
     * Whether the scan stage may use one helper thread to probe a large block's outputs while it walks the block
     * (the Bitcoin scanner's probe helper: lower scan latency, at the cost of a second core's time during the scan of
     * a large block; parked otherwise). Default: off. On the 2-vCPU VM it was measured on (docs/BENCHMARKS.md, "Probe
     * helper") a helper left to the scheduler was woken onto the scan thread's own CPU and made the scan ~15 % slower;
     * pinned apart from the scan thread ({@link #scanCpu}, {@link #scanHelperCpu}) it cut the scan by 20-28 %. Only
     * machines of at least 2 processors get a helper.
     */
    public PipelineContext scanHelper(final boolean value) {
        scanHelper = value;
        return this;
    }

    public boolean fusedStages() {
        return fusedStages;
    }

    /**
     * Whether one thread runs both stages, scanning each slot and then applying it to the state engine (default: off,
     * two threads). Fused, a block's latency loses the hand-off between the stages and the engine thread's wake-up, and
     * the engine no longer competes for a CPU with the scan and its probe helper; a replay loses the overlap of one
     * block's scan with the previous block's step. The engine is still driven by a single thread, so its contract holds.
     * Measured in docs/BENCHMARKS.md, "One thread for both stages".
     */
    public PipelineContext fusedStages(final boolean value) {
        fusedStages = value;
        return this;
    }

    public int scanCpu() {
        return scanCpu;
    }

    /**
     * The CPU the scan stage's thread binds itself to as it starts, through {@link #threadAffinity}; -1 (the default)
     * leaves it to the scheduler. With {@link #scanHelperCpu} on another CPU, the probe helper runs beside the scan.
     */
    public PipelineContext scanCpu(final int value) {
        scanCpu = value;
        return this;
    }

    public int scanHelperCpu() {
        return scanHelperCpu;
    }

    /**
     * The CPU the scan's probe helper thread ({@link #scanHelper}) binds itself to; -1 (the default) leaves it to the
     * scheduler, which on the 2-vCPU VM measured tends to wake it onto the scan thread's CPU. Measured pinned apart from
     * the scan thread (docs/BENCHMARKS.md, "Probe helper"): scan time -20 to -28 % in a quiet phase of the VM, and p99
     * from the ring publish to the journal 0.80-0.99 ms against 1.03-1.28 ms; in noisy phases the VM's stalls dominate.
     */
    public PipelineContext scanHelperCpu(final int value) {
        scanHelperCpu = value;
        return this;
    }

    public ThreadAffinity threadAffinity() {
        return threadAffinity;
    }

    /** How threads are pinned to {@link #scanCpu} and {@link #scanHelperCpu}; null (the default): pinning is off. */
    public PipelineContext threadAffinity(final ThreadAffinity value) {
        threadAffinity = value;
        return this;
    }

    /**
     * Only the form is checked here: which CPU ids exist depends on the machine and its cgroup (a container's may not
     * start at 0), so a CPU the thread cannot have is reported when it is pinned, and the thread then runs unpinned.
     */
    private static void checkCpu(final String key, final int cpu) {
        if (cpu < -1) {
            throw new IllegalArgumentException(key + ": " + cpu + " is not -1 (unpinned) or a CPU id");
        }
    }

    /** Worst-case bytes of a full ring: every slot at its maximum payload. */
    public long worstCaseRingBytes() {
        return (long)ringSize * maxPayloadBytes;
    }

    /**
     * Check the values are consistent.
     *
     * @throws IllegalArgumentException naming the setting, its value and what was expected.
     */
    public PipelineContext conclude() {
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ring_size: " + ringSize + " is not a power of two >= 2");
        }
        if (maxPayloadBytes < 1024) {
            throw new IllegalArgumentException("max_payload_bytes: " + maxPayloadBytes + " is below the minimum of 1024");
        }
        if (initialPayloadBytes < 0 || initialPayloadBytes > maxPayloadBytes) {
            throw new IllegalArgumentException(
                "initial_payload_bytes: " + initialPayloadBytes + " must be within 0.." + maxPayloadBytes);
        }
        if (initialMatches < 1) {
            throw new IllegalArgumentException("initial_matches: " + initialMatches + " must be >= 1");
        }
        if (worstCaseRingBytes() > memoryBudgetBytes) {
            throw new IllegalArgumentException("memory_budget_bytes: " + memoryBudgetBytes
                + " is below ring_size * max_payload_bytes = " + ringSize + " * " + maxPayloadBytes + " = "
                + worstCaseRingBytes() + "; lower ring_size or max_payload_bytes, or raise the budget");
        }
        if (shutdownTimeoutMs < 0) {
            throw new IllegalArgumentException("shutdown_timeout_ms: " + shutdownTimeoutMs + " must be >= 0");
        }
        checkCpu("scan_cpu", scanCpu);
        checkCpu("scan_helper_cpu", scanHelperCpu);
        if (scanHelperCpu >= 0 && !scanHelper) {
            throw new IllegalArgumentException("scan_helper_cpu: " + scanHelperCpu + " is set but scan_helper is off");
        }
        if (scanHelperCpu >= 0 && scanHelperCpu == scanCpu) {
            throw new IllegalArgumentException("scan_helper_cpu: " + scanHelperCpu
                + " is scan_cpu too; the helper is only of use on another CPU than the scan thread's");
        }
        return this;
    }
}
