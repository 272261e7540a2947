package io.finality.tools.importer;

/**
 * Why import-blk refused or stopped, with the process exit code that says so. Thrown only at the edges
 * (before the node opens, or between blocks), never with a block half-published. Immutable; any thread.
 */
public final class ImportException extends RuntimeException {
    /** The configuration is invalid or has no {@code bitcoin} section. */
    public static final int INVALID_CONFIG = 2;
    /** The blocks directory cannot be used: missing, no blk files, bad xor.dat, another network, no block at all. */
    public static final int BAD_BLOCKS_DIR = 3;
    /** The import finished but block records were lost to damage (truncated or oversized records, junk-only files). */
    public static final int DAMAGED = 4;
    /** The pipeline refused a block (e.g. larger than the ring slot) or the journal failed; what was applied stays. */
    public static final int FAILED = 5;
    /** Stopped by a signal (as a shell reports SIGINT); what was imported stays and the next run continues. */
    public static final int STOPPED = 130;

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    public ImportException(final int exitCode, final String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The exit code for this failure. */
    public int exitCode() {
        return exitCode;
    }
}
