package io.finality.tools.importer;

/**
 * What import-blk reports while it works: the index pass (bytes of blk files read) and the import
 * pass (blocks and bytes published). Called from the importing thread only.
 */
public interface ImportProgress extends AutoCloseable {
    /** Reports nothing (--quiet, tests). */
    ImportProgress NONE = new ImportProgress() {
    };

    /** The index pass starts over {@code totalBytes} of files. */
    default void indexing(final long totalBytes) {
    }

    /** Bytes of files indexed so far and blocks found. */
    default void indexed(final long bytes, final long blocks) {
    }

    /** The import pass starts: {@code blocks} blocks of {@code bytes} bytes to publish. */
    default void importing(final long blocks, final long bytes) {
    }

    /** Blocks and bytes published so far. */
    default void imported(final long blocks, final long bytes) {
    }

    /** Finish the display (e.g. end the progress line). */
    @Override
    default void close() {
    }
}
