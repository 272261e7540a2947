package io.finality.tools.rescan;

/**
 * Why {@code finality rescan} stopped, with its exit code. Raised before the first block is published (bad
 * arguments, a range the node cannot rescan) or between blocks, never with a block half-published; what was
 * applied before stays applied and is journaled. Immutable; any thread.
 */
public final class RescanException extends RuntimeException {
    /** Invalid configuration or arguments (unknown chain, both chains configured and none named, bad heights). */
    public static final int INVALID = 2;
    /** The heights asked for are not on the applied chain within the rescan depth, or nothing was applied yet. */
    public static final int OUT_OF_RANGE = 3;
    /** The source could not deliver a block (the node lacks it, is unreachable, or answered garbage). */
    public static final int SOURCE = 4;
    /** The node could not open (e.g. `finality run` holds its data directory) or the pipeline refused a block. */
    public static final int FAILED = 5;
    /** Stopped by a signal between blocks. */
    public static final int STOPPED = 130;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public RescanException(final int exitCode, final String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public RescanException(final int exitCode, final String message, final Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code for this failure. */
    public int exitCode() {
        return exitCode;
    }
}
