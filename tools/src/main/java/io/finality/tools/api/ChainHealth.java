package io.finality.tools.api;

/**
 * One chain connection as {@code /health} reports it. Implementations read the connection's own
 * counters; called from API worker threads, so every method must be safe to call from any thread.
 */
public interface ChainHealth {
    /** The chain's config name, e.g. {@code bitcoin-regtest}. */
    String chain();

    /** Whether the connection to the node is up. */
    boolean connected();

    /** Height of the last block published into the ring. */
    long height();
}
