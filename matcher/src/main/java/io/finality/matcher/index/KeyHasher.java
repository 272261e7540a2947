package io.finality.matcher.index;

import org.agrona.DirectBuffer;

/**
 * Computes the 64-bit fingerprint of a chain-qualified watch key. Package-private so that tests can
 * force colliding fingerprints; production code always uses {@link #DEFAULT}.
 *
 * <p>Implementations must be pure functions of their arguments, allocate nothing and be callable from
 * the index's owning thread.
 */
@FunctionalInterface
interface KeyHasher {
    /** The production hasher: {@link WatchKeyHash#hash}. */
    KeyHasher DEFAULT = WatchKeyHash::hash;

    long hash(int chainCode, DirectBuffer key, int offset, int length);
}
