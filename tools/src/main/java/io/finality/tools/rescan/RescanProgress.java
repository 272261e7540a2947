package io.finality.tools.rescan;

/** What a rescan reports while it runs; called from the rescanning thread. */
public interface RescanProgress {
    /** Reports nothing. */
    RescanProgress NONE = new RescanProgress() {
        @Override
        public void starting(final long blocks) {
        }

        @Override
        public void rescanned(final long blocks, final long bytes) {
        }

        @Override
        public void close() {
        }
    };

    /** {@code blocks} blocks are about to be read. */
    void starting(long blocks);

    /** So many blocks (and bytes) published so far. */
    void rescanned(long blocks, long bytes);

    /** Done (or failed): release the display. */
    void close();
}
