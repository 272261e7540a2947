package io.finality.engine.journal;

import java.nio.file.Path;

/**
 * Configuration of the event journal: where it lives, how durable each append is, how often the
 * engine state is snapshotted.
 */
public final class JournalContext {
    /** How far an append is pushed to disk before the step completes. */
    public enum Durability {
        /** Page cache only: survives a process kill, not a power cut. Fastest. */
        NONE,
        /** Asynchronous msync after each append. */
        ASYNC,
        /** Synchronous msync after each append: survives a power cut. */
        SYNC
    }

    /** Read the journal this far ahead of the appender by default (two of the kernel's 8 MiB steps). */
    public static final long DEFAULT_PRETOUCH_BYTES = 16L << 20;

    private Path directory;
    private Durability durability = Durability.ASYNC;
    private long snapshotEverySteps = 10_000;
    private long recoveryTimeoutMs = 2_000;
    private long pretouchBytes = DEFAULT_PRETOUCH_BYTES;
    private Runnable pretouchThreadStart;
    private boolean prefault = true;

    public Path directory() {
        return directory;
    }

    public JournalContext directory(final Path value) {
        directory = value;
        return this;
    }

    public Durability durability() {
        return durability;
    }

    public JournalContext durability(final Durability value) {
        durability = value;
        return this;
    }

    public long snapshotEverySteps() {
        return snapshotEverySteps;
    }

    /** Write an engine snapshot after this many steps (also on clean shutdown); 0 = only on shutdown. */
    public JournalContext snapshotEverySteps(final long value) {
        snapshotEverySteps = value;
        return this;
    }

    public long recoveryTimeoutMs() {
        return recoveryTimeoutMs;
    }

    /** How long an append waits on a document left half-written by a killed process before reclaiming it. */
    public JournalContext recoveryTimeoutMs(final long value) {
        recoveryTimeoutMs = value;
        return this;
    }

    public long pretouchBytes() {
        return pretouchBytes;
    }

    /**
     * How far ahead of the appender a background thread reads the journal file, so that appends find its
     * page-cache pages already created (see {@code JournalPretoucher}); 0 turns the thread off.
     */
    public JournalContext pretouchBytes(final long value) {
        pretouchBytes = value;
        return this;
    }

    public boolean prefault() {
        return prefault;
    }

    /**
     * Whether the pretouch thread also keeps the appender's mapping populated ahead of it (default true; see
     * {@code JournalPrefault}), so that the state engine's writes do not fault. Needs the pretouch thread.
     */
    public JournalContext prefault(final boolean value) {
        prefault = value;
        return this;
    }

    public Runnable pretouchThreadStart() {
        return pretouchThreadStart;
    }

    /**
     * Run first on the pretouch thread (null: nothing): the node pins that thread with it, off the CPU of a pinned
     * stage thread. Its first read into each new region of the file holds its CPU for ~20 ms on the project machine,
     * and on the stage thread's CPU that stalled whatever was pinned there (docs/BENCHMARKS.md, "The floor").
     */
    public JournalContext pretouchThreadStart(final Runnable value) {
        pretouchThreadStart = value;
        return this;
    }
}
