package io.finality.engine;

import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.InvoiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Plays a seeded random scenario into a {@link Target}: invoices opened and cancelled, payment
 * transactions announced to the mempool, replaced, dropped and mined, and some of those that left the mempool or
 * an orphaned block announced again (sooner or later than a short retention), Bitcoin transactions stuck in the
 * mempool (rarely mined, so a short mempool expiry invalidates them), blocks connected, reorgs of
 * depth 1–20 that disconnect tip first and then mine a new branch (re-including some
 * transactions, double-spending others), partial, exact, over- and late payments, ticks that
 * expire invoices; on a Bitcoin chain and an Ethereum chain (tokens, wrong tokens, failed
 * receipts, the finalized tag); rescans of blocks still on the chain (some deeper than a short reorg
 * retention), which also find payments those blocks held to invoices opened after them. One payment in
 * {@value #LARGE_ONE_IN} is a large transaction: up to {@value #LARGE_OUTPUTS} outputs, half of them to one
 * invoice, and up to {@value #LARGE_INPUTS} inputs; one token transfer in {@value #HUGE_ONE_IN} is near 2^127
 * base units, so an invoice's totals saturate at 2^128-1 and must come back exactly when one is reverted.
 */
public final class ScenarioGenerator {
    /** What a scenario drives: the engine and the reference model through the same calls. */
    public interface Target {
        void open(InvoiceSpec spec);

        void cancel(int slot);

        void blockConnected(ChainId chain, long height, byte[] hash, long finalized, MatchList matches);

        void blockDisconnected(ChainId chain, long height, byte[] hash);

        /** A block still on the chain read again (a rescan), with the matches it gives now. */
        void blockRescanned(ChainId chain, long height, byte[] hash, MatchList matches);

        void mempoolTx(ChainId chain, MatchList matches);

        void mempoolTxGone(ChainId chain, byte[] txid);

        void tick(long nowMs);
    }

    static final ChainId BTC = ChainId.BITCOIN_REGTEST;
    static final ChainId ETH = ChainId.ETHEREUM_DEV;
    static final byte[] TOKEN = filled(20, (byte)0x7a);
    static final byte[] OTHER_TOKEN = filled(20, (byte)0x3c);
    static final String[] POLICIES = {"", "tolerant-accept", "strict-ignore", "review-big", "ethereum-finalized"};
    static final int LARGE_ONE_IN = 25;
    static final int LARGE_OUTPUTS = 40;
    static final int LARGE_INPUTS = 8;
    static final int HUGE_ONE_IN = 20;

    private static final class Out {
        int slot;
        int vout;
        long amountHi;
        long amount;
        int flags;
        byte[] contract;
    }

    private static final class Tx {
        final byte[] txid = new byte[32];
        final List<Out> outs = new ArrayList<>();
        final List<byte[]> inputs = new ArrayList<>();
        final List<Integer> inputIndexes = new ArrayList<>();
        ChainId chain;
        /** Pays too low a fee: one block in 40 mines it. */
        boolean stuck;
    }

    private static final class Block {
        long height;
        int slotsAtConnect;
        final byte[] hash = new byte[32];
        final List<Tx> txs = new ArrayList<>();
    }

    private final SplittableRandom rnd;
    private final Target target;
    private final List<Integer> btcSlots = new ArrayList<>();
    private final List<Integer> ethSlots = new ArrayList<>();
    private final List<Tx> btcMempool = new ArrayList<>();
    private final List<Tx> ethMempool = new ArrayList<>();
    private final List<Block> btcChain = new ArrayList<>();
    private final List<Block> ethChain = new ArrayList<>();
    /** Transactions that left: dropped, or orphaned and neither mined again nor back in the mempool. */
    private final List<Tx> btcGone = new ArrayList<>();
    private final List<Tx> ethGone = new ArrayList<>();
    private long now = 1_000_000;
    private int nextSlot;

    ScenarioGenerator(final long seed, final Target target) {
        this.rnd = new SplittableRandom(seed);
        this.target = target;
    }

    void run(final int steps) {
        target.tick(now);
        for (int i = 0; i < 3 + rnd.nextInt(6); i++) {
            openInvoice();
        }
        for (int step = 0; step < steps; step++) {
            final int r = rnd.nextInt(100);
            final boolean eth = rnd.nextInt(3) == 0;
            if (r < 8) {
                openInvoice();
            } else if (r < 30) {
                announce(eth);
            } else if (r < 36) {
                replace(eth);
            } else if (r < 39) {
                drop(eth);
            } else if (r < 62) {
                mine(eth, true);
            } else if (r < 68) {
                reorg(eth);
            } else if (r < 71) {
                rebroadcast(eth);
            } else if (r < 90) {
                now += 1 + rnd.nextInt(10 * 60_000);
                target.tick(now);
            } else if (r < 93) {
                cancelSome(eth);
            } else if (r < 96) {
                rescan(eth);
            } else {
                mineDirect(eth);
            }
        }
    }

    private void openInvoice() {
        final boolean eth = rnd.nextInt(3) == 0;
        final int slot = nextSlot++;
        final long due = switch (rnd.nextInt(3)) {
            case 0 -> 50_000L;
            case 1 -> 50_000_000L;
            default -> 200_000_000L;
        };
        String policy = POLICIES[rnd.nextInt(4)];
        if (eth && rnd.nextInt(3) == 0) {
            policy = "ethereum-finalized";
        }
        final byte[] contract = eth && rnd.nextBoolean() ? TOKEN : null;
        final long expires = now + rnd.nextInt(2 * 3600_000);
        target.open(new InvoiceSpec(slot, "inv-" + slot, eth ? ETH : BTC, contract, 0, due, expires, policy,
            "order-" + slot, "corr-" + slot));
        (eth ? ethSlots : btcSlots).add(slot);
    }

    private Tx payment(final boolean eth) {
        return payment(eth, eth ? ethSlots : btcSlots);
    }

    private Tx payment(final boolean eth, final List<Integer> slots) {
        final Tx tx = new Tx();
        tx.chain = eth ? ETH : BTC;
        rnd.nextBytes(tx.txid);
        final boolean large = rnd.nextInt(LARGE_ONE_IN) == 0;
        final int outputs = large ? 3 + rnd.nextInt(LARGE_OUTPUTS - 2) : 1 + rnd.nextInt(2);
        final int favourite = slots.isEmpty() ? -1 : slots.get(rnd.nextInt(slots.size()));
        for (int i = 0; i < outputs && !slots.isEmpty(); i++) {
            final Out o = new Out();
            o.slot = large && rnd.nextBoolean() ? favourite : slots.get(rnd.nextInt(slots.size()));
            o.vout = i;
            final long base = switch (rnd.nextInt(3)) {
                case 0 -> 50_000L;
                case 1 -> 50_000_000L;
                default -> 200_000_000L;
            };
            o.amount = switch (rnd.nextInt(5)) {
                case 0 -> base / 2;
                case 1 -> base + base / 3;
                case 2 -> base - base / 200;
                default -> base;
            };
            if (eth) {
                final int kind = rnd.nextInt(10);
                if (kind < 4) {
                    o.flags = MatchList.FLAG_TOKEN;
                    o.contract = kind == 0 ? OTHER_TOKEN : TOKEN;
                    if (rnd.nextInt(HUGE_ONE_IN) == 0) {
                        o.amountHi = Long.MIN_VALUE | rnd.nextLong(1L << 40);
                    }
                }
                if (rnd.nextInt(12) == 0) {
                    o.flags |= MatchList.FLAG_FAILED;
                }
            }
            tx.outs.add(o);
        }
        if (!eth) {
            final int inputs = 1 + rnd.nextInt(large ? LARGE_INPUTS : 2);
            for (int i = 0; i < inputs; i++) {
                final byte[] prev = new byte[32];
                rnd.nextBytes(prev);
                tx.inputs.add(prev);
                tx.inputIndexes.add(rnd.nextInt(4));
            }
        }
        return tx;
    }

    private void announce(final boolean eth) {
        final Tx tx = payment(eth);
        tx.stuck = !eth && rnd.nextInt(8) == 0;
        (eth ? ethMempool : btcMempool).add(tx);
        target.mempoolTx(tx.chain, matches(List.of(tx)));
    }

    /** A replacement spending the same inputs, paying an invoice again or paying elsewhere. */
    private void replace(final boolean eth) {
        final List<Tx> pool = eth ? ethMempool : btcMempool;
        if (eth || pool.isEmpty()) {
            announce(eth);
            return;
        }
        // not one that may come back: its replacement may be mined, and a transaction double-spending a payment buried
        // deeper than the retention is beyond what the engine handles
        final Tx old = pool.remove(rnd.nextInt(pool.size()));
        final Tx tx = rnd.nextBoolean() ? payment(false) : new Tx();
        tx.chain = BTC;
        rnd.nextBytes(tx.txid);
        tx.inputs.clear();
        tx.inputIndexes.clear();
        tx.inputs.addAll(old.inputs);
        tx.inputIndexes.addAll(old.inputIndexes);
        pool.add(tx);
        target.mempoolTx(BTC, matches(List.of(tx)));
    }

    private void drop(final boolean eth) {
        final List<Tx> pool = eth ? ethMempool : btcMempool;
        if (pool.isEmpty()) {
            return;
        }
        final Tx tx = pool.remove(rnd.nextInt(pool.size()));
        (eth ? ethGone : btcGone).add(tx);
        target.mempoolTxGone(tx.chain, tx.txid);
    }

    /** A transaction that left comes back to the mempool: its payments revive, or, past the retention, are new. */
    private void rebroadcast(final boolean eth) {
        final List<Tx> gone = eth ? ethGone : btcGone;
        if (gone.isEmpty()) {
            return;
        }
        final Tx tx = gone.remove(rnd.nextInt(gone.size()));
        (eth ? ethMempool : btcMempool).add(tx);
        target.mempoolTx(tx.chain, matches(List.of(tx)));
    }

    private void mine(final boolean eth, final boolean fromMempool) {
        final List<Tx> pool = eth ? ethMempool : btcMempool;
        final List<Tx> txs = new ArrayList<>();
        if (fromMempool) {
            for (int i = pool.size() - 1; i >= 0; i--) {
                if (rnd.nextInt(3) != 0 && (!pool.get(i).stuck || rnd.nextInt(40) == 0)) {
                    txs.add(0, pool.remove(i));
                }
            }
        }
        connect(eth, txs);
    }

    private void mineDirect(final boolean eth) {
        connect(eth, new ArrayList<>(List.of(payment(eth))));
    }

    private void connect(final boolean eth, final List<Tx> txs) {
        final List<Block> chain = eth ? ethChain : btcChain;
        final Block b = new Block();
        b.height = chain.size();
        b.slotsAtConnect = nextSlot;
        rnd.nextBytes(b.hash);
        b.txs.addAll(txs);
        chain.add(b);
        final long finalized = eth ? Math.max(-1, b.height - 2 - rnd.nextInt(3)) : -1;
        target.blockConnected(eth ? ETH : BTC, b.height, b.hash, finalized, matches(txs));
    }

    /** Disconnect 1–20 blocks tip first, then mine a longer branch re-including some and double-spending others. */
    private void reorg(final boolean eth) {
        final List<Block> chain = eth ? ethChain : btcChain;
        if (chain.isEmpty()) {
            return;
        }
        final int depth = 1 + rnd.nextInt(Math.min(20, chain.size()));
        final List<Tx> orphaned = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            final Block b = chain.remove(chain.size() - 1);
            target.blockDisconnected(eth ? ETH : BTC, b.height, b.hash);
            orphaned.addAll(0, b.txs);
        }
        final List<Tx> pool = eth ? ethMempool : btcMempool;
        for (Tx tx : orphaned) {
            if (rnd.nextInt(4) == 0) {
                pool.add(tx);
                target.mempoolTx(tx.chain, matches(List.of(tx)));
            }
        }
        for (int i = 0; i <= depth; i++) {
            final List<Tx> txs = new ArrayList<>();
            for (int k = orphaned.size() - 1; k >= 0; k--) {
                if (rnd.nextInt(depth + 1) == 0) {
                    final Tx tx = orphaned.remove(k);
                    pool.remove(tx);
                    if (!eth && rnd.nextInt(5) == 0) {
                        final Tx conflict = new Tx();
                        conflict.chain = BTC;
                        rnd.nextBytes(conflict.txid);
                        conflict.inputs.addAll(tx.inputs);
                        conflict.inputIndexes.addAll(tx.inputIndexes);
                        txs.add(conflict);
                    } else {
                        txs.add(tx);
                    }
                }
            }
            connect(eth, txs);
        }
        for (Tx tx : orphaned) {
            if (!pool.contains(tx)) {
                (eth ? ethGone : btcGone).add(tx);
            }
        }
    }

    /**
     * Read a block of the chain again, 0–24 deep (so some fall outside a 21-block retention): its own payments
     * (already counted, so nothing new) and, half the time, a payment it held to an invoice opened after it,
     * which the live scan could not match and the rescan must find. The block keeps that transaction, so a
     * later reorg orphans it like any other.
     */
    private void rescan(final boolean eth) {
        final List<Block> chain = eth ? ethChain : btcChain;
        if (chain.isEmpty()) {
            return;
        }
        final Block b = chain.get(chain.size() - 1 - rnd.nextInt(Math.min(25, chain.size())));
        final List<Integer> later = new ArrayList<>();
        for (int slot : eth ? ethSlots : btcSlots) {
            if (slot >= b.slotsAtConnect) {
                later.add(slot);
            }
        }
        if (!later.isEmpty() && rnd.nextBoolean()) {
            b.txs.add(payment(eth, later));
        }
        target.blockRescanned(eth ? ETH : BTC, b.height, b.hash, matches(b.txs));
    }

    private void cancelSome(final boolean eth) {
        final List<Integer> slots = eth ? ethSlots : btcSlots;
        if (!slots.isEmpty()) {
            target.cancel(slots.get(rnd.nextInt(slots.size())));
        }
    }

    private static MatchList matches(final List<Tx> txs) {
        final MatchList m = new MatchList(4);
        for (int t = 0; t < txs.size(); t++) {
            final Tx tx = txs.get(t);
            final UnsafeBuffer txid = new UnsafeBuffer(tx.txid);
            for (Out o : tx.outs) {
                final int i = m.addOutput(t, txid, 0, o.vout, o.amountHi, o.amount, o.slot, o.flags);
                if (o.contract != null) {
                    m.putTokenContract(i, new UnsafeBuffer(o.contract), 0);
                }
            }
        }
        for (Tx tx : txs) {
            for (int k = 0; k < tx.inputs.size(); k++) {
                m.addSpend(new UnsafeBuffer(tx.txid), 0, new UnsafeBuffer(tx.inputs.get(k)), 0, tx.inputIndexes.get(k));
            }
        }
        return m;
    }

    private static byte[] filled(final int n, final byte b) {
        final byte[] out = new byte[n];
        java.util.Arrays.fill(out, b);
        return out;
    }
}
