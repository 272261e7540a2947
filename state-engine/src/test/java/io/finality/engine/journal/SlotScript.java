package io.finality.engine.journal;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.engine.ScenarioGeneratorAccess;
import io.finality.engine.command.InvoiceCommandCodec;
import io.finality.engine.model.InvoiceSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * A seeded scenario turned into the ring slots a pipeline would hand stage 2: invoice commands in
 * their wire format, blocks and mempool transactions with stage 1's matches filled in, ticks.
 * Slots the engine would not journal (mempool transactions with nothing matched) are left out, so
 * step {@code n} of the journal is slot {@code n - 1} of the script.
 */
final class SlotScript {
    private SlotScript() {
    }

    static List<ChainEvent> of(final long seed, final int steps) {
        final List<ChainEvent> slots = new ArrayList<>();
        ScenarioGeneratorAccess.run(seed, steps, new io.finality.engine.ScenarioGenerator.Target() {
            @Override
            public void open(final InvoiceSpec spec) {
                final ChainEvent e = slot(EventKind.INVOICE_OPEN, spec.chain());
                final byte[] key = ("key-" + spec.slot()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                final int n = InvoiceCommandCodec.encodeOpen(spec, key, e.payloadBuffer(), 0);
                e.reservePayload(n);
                slots.add(e);
            }

            @Override
            public void cancel(final int slot) {
                final ChainEvent e = slot(EventKind.INVOICE_CANCEL, ChainId.BITCOIN_REGTEST);
                e.reservePayload(InvoiceCommandCodec.encodeCancel(slot, e.payloadBuffer(), 0));
                slots.add(e);
            }

            @Override
            public void blockConnected(final ChainId chain, final long height, final byte[] hash, final long fin,
                final MatchList m) {
                final ChainEvent e = slot(EventKind.BLOCK_CONNECTED, chain).height(height).finalizedHeight(fin);
                e.blockHash().putBytes(0, hash);
                copy(m, e.matches());
                slots.add(e);
            }

            @Override
            public void blockDisconnected(final ChainId chain, final long height, final byte[] hash) {
                final ChainEvent e = slot(EventKind.BLOCK_DISCONNECTED, chain).height(height);
                e.blockHash().putBytes(0, hash);
                slots.add(e);
            }

            @Override
            public void blockRescanned(final ChainId chain, final long height, final byte[] hash, final MatchList m) {
                final ChainEvent e = slot(EventKind.BLOCK_RESCANNED, chain).height(height);
                e.blockHash().putBytes(0, hash);
                copy(m, e.matches());
                slots.add(e);
            }

            @Override
            public void mempoolTx(final ChainId chain, final MatchList m) {
                if (m.outputCount() == 0 && m.spendCount() == 0) {
                    return;
                }
                final ChainEvent e = slot(EventKind.MEMPOOL_TX, chain);
                copy(m, e.matches());
                slots.add(e);
            }

            @Override
            public void mempoolTxGone(final ChainId chain, final byte[] txid) {
                final ChainEvent e = slot(EventKind.MEMPOOL_TX_GONE, chain);
                e.payload(txid, 0, 32);
                slots.add(e);
            }

            @Override
            public void tick(final long nowMs) {
                slots.add(slot(EventKind.TICK, ChainId.BITCOIN_REGTEST).timestampMs(nowMs));
            }
        });
        return slots;
    }

    private static ChainEvent slot(final EventKind kind, final ChainId chain) {
        return new ChainEvent(256, 1 << 20, 4).reset(kind, chain);
    }

    private static void copy(final MatchList from, final MatchList to) {
        for (int i = 0; i < from.outputCount(); i++) {
            final int e = to.addOutput(from.txIndex(i), from.txids(), i * 32, from.outputIndex(i), from.amountHi(i),
                from.amountLo(i), from.invoiceSlot(i), from.flags(i));
            to.putTokenContract(e, from.contracts(), i * 20);
        }
        for (int j = 0; j < from.spendCount(); j++) {
            to.addSpend(from.spenderTxids(), j * 32, from.prevTxids(), j * 32, from.prevIndex(j));
        }
    }
}
