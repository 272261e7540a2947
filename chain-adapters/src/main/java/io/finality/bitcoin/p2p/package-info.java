/**
 * The Bitcoin P2P wire protocol over Netty: frame codec with per-command size caps, payload codecs for
 * the messages a headers-first client and a serving peer need, header-chain checks (linkage and proof of
 * work against {@code nBits}) with a header tree that plans reorgs, the live node connection, a block
 * fetcher by hash for rescans ({@link io.finality.bitcoin.p2p.BitcoinBlockFetcher}), and a loopback peer
 * that serves an in-process regtest chain over the real protocol.
 */
package io.finality.bitcoin.p2p;
