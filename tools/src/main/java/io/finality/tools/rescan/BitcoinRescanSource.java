package io.finality.tools.rescan;

import io.finality.bitcoin.p2p.BitcoinBlockFetcher;
import io.finality.bitcoin.p2p.BitcoinFetchException;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import java.util.List;

/** Rescan blocks from the configured Bitcoin node over P2P, by hash ({@code getdata}, a window in flight). */
public final class BitcoinRescanSource implements RescanSource {
    private final BitcoinPeerContext peer;
    private final BitcoinBlockFetcher fetcher;

    public BitcoinRescanSource(final BitcoinPeerContext peer) {
        this.peer = peer;
        this.fetcher = new BitcoinBlockFetcher(peer);
    }

    @Override
    public void read(final List<byte[]> hashes, final BlockSink sink) {
        try {
            fetcher.fetch(hashes, (index, hash, block, offset, length) -> sink.onBlock(index, block, offset, length));
        } catch (final BitcoinFetchException ex) {
            throw new RescanException(RescanException.SOURCE, ex.getMessage(), ex);
        }
    }

    @Override
    public String describe() {
        return "the Bitcoin node " + peer.node();
    }

    @Override
    public void close() {
        fetcher.close();
    }
}
