/**
 * The Ethereum node connection ({@link io.finality.ethereum.sync.EthereumConnection}): follows the node's best chain
 * through {@code newHeads} and a bounded backfill window, walks back by hash to the fork point on a reorganisation,
 * reads the {@code finalized} and {@code safe} tags, resumes from the journal, and publishes
 * {@code BLOCK_CONNECTED}/{@code BLOCK_DISCONNECTED} into the ring in order, with no gap and no duplicate.
 */
package io.finality.ethereum.sync;
