package io.finality.engine;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.PolicyBook;
import java.util.ArrayList;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/** A small language for scripting the engine in named tests: invoices, transactions, blocks, ticks. */
final class EngineFixture {
    final EventText.Recorder recorder = new EventText.Recorder();
    final InvoiceEngine engine;
    private int cursor;

    EngineFixture() {
        this(EngineMatchesReferenceModelTest.policies());
    }

    EngineFixture(final PolicyBook policies) {
        this(policies, InvoiceEngine.DEFAULT_REORG_RETENTION_BLOCKS);
    }

    EngineFixture(final PolicyBook policies, final int reorgRetentionBlocks) {
        this(policies, reorgRetentionBlocks, InvoiceEngine.DEFAULT_MEMPOOL_EXPIRY_BLOCKS);
    }

    EngineFixture(final PolicyBook policies, final int reorgRetentionBlocks, final int mempoolExpiryBlocks) {
        engine = new InvoiceEngine(policies, recorder, reorgRetentionBlocks, mempoolExpiryBlocks);
        engine.tick(0);
    }

    /** A 32-byte id whose first byte is {@code n} (txids, block hashes). */
    static byte[] id(final int n) {
        final byte[] b = new byte[32];
        b[0] = (byte)n;
        b[31] = (byte)0xEE;
        return b;
    }

    EngineFixture open(final int slot, final ChainId chain, final long due, final String policy, final long expiresAt) {
        return open(slot, chain, null, due, policy, expiresAt);
    }

    EngineFixture open(final int slot, final ChainId chain, final byte[] token, final long due, final String policy,
        final long expiresAt) {
        engine.open(new InvoiceSpec(slot, "inv-" + slot, chain, token, 0, due, expiresAt, policy, "o" + slot, "c" + slot));
        return this;
    }

    /** A transaction: outputs paying invoices, and outpoints it spends. */
    static final class Tx {
        final byte[] txid;
        final List<long[]> outputs = new ArrayList<>();
        final List<byte[]> tokens = new ArrayList<>();
        final List<long[]> spends = new ArrayList<>();

        Tx(final int n) {
            txid = id(n);
        }

        /** Pay {@code amount} to the invoice in {@code slot} at output {@code vout}. */
        Tx pays(final int slot, final int vout, final long amount) {
            return pays(slot, vout, amount, 0, null);
        }

        Tx pays(final int slot, final int vout, final long amount, final int flags, final byte[] token) {
            outputs.add(new long[] {slot, vout, amount, flags});
            tokens.add(token);
            return this;
        }

        /** Spend output {@code index} of the transaction whose id starts with byte {@code prev}. */
        Tx spends(final int prev, final int index) {
            spends.add(new long[] {prev, index});
            return this;
        }
    }

    static Tx tx(final int n) {
        return new Tx(n);
    }

    static MatchList matches(final Tx... txs) {
        final MatchList m = new MatchList(4);
        for (int t = 0; t < txs.length; t++) {
            for (int k = 0; k < txs[t].outputs.size(); k++) {
                final long[] o = txs[t].outputs.get(k);
                final int i = m.addOutput(t, new UnsafeBuffer(txs[t].txid), 0, (int)o[1], 0, o[2], (int)o[0], (int)o[3]);
                if (txs[t].tokens.get(k) != null) {
                    m.putTokenContract(i, new UnsafeBuffer(txs[t].tokens.get(k)), 0);
                }
            }
        }
        for (Tx tx : txs) {
            for (long[] s : tx.spends) {
                m.addSpend(new UnsafeBuffer(tx.txid), 0, new UnsafeBuffer(id((int)s[0])), 0, (int)s[1]);
            }
        }
        return m;
    }

    EngineFixture mempool(final ChainId chain, final Tx tx) {
        engine.mempoolTx(chain, matches(tx));
        return this;
    }

    EngineFixture gone(final ChainId chain, final Tx tx) {
        engine.mempoolTxGone(chain, new UnsafeBuffer(tx.txid), 0);
        return this;
    }

    /** Connect block {@code height} whose hash starts with byte {@code hash}. */
    EngineFixture block(final ChainId chain, final long height, final int hash, final Tx... txs) {
        return block(chain, height, hash, -1, txs);
    }

    EngineFixture block(final ChainId chain, final long height, final int hash, final long finalized, final Tx... txs) {
        engine.blockConnected(chain, height, new UnsafeBuffer(id(hash)), 0, finalized, matches(txs));
        return this;
    }

    EngineFixture disconnect(final ChainId chain, final long height, final int hash) {
        engine.blockDisconnected(chain, height, new UnsafeBuffer(id(hash)), 0);
        return this;
    }

    EngineFixture tick(final long now) {
        engine.tick(now);
        return this;
    }

    EngineFixture cancel(final int slot) {
        engine.cancel(slot);
        return this;
    }

    /** Event types written since the last call, as "TYPE status" strings. */
    List<String> newEvents() {
        final List<String> out = new ArrayList<>();
        for (int i = cursor; i < recorder.events.size(); i++) {
            final String[] parts = recorder.events.get(i).split(" ");
            out.add(parts[0] + " " + parts[2].substring(parts[2].indexOf("->") + 2));
        }
        cursor = recorder.events.size();
        return out;
    }
}
