package io.finality.core.ring;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The reusable list stage 1 (scan and match) fills for stage 2 (state engine) in one ring slot.
 *
 * <p>Two tables, struct-of-arrays so that steady state allocates nothing:
 * <ul>
 *   <li><b>outputs</b>: an output (Bitcoin) or transfer (Ethereum) paying a watched key: the
 *   transaction's position in the payload, its txid, the output or log index, the amount as an
 *   unsigned 128-bit value (hi/lo), the invoice slot the key belongs to, the token contract for
 *   ERC-20 transfers and flags ({@link #FLAG_TOKEN}, {@link #FLAG_FAILED}).</li>
 *   <li><b>spends</b>: an outpoint (previous txid and output index) spent by a transaction that
 *   matched or that spends an outpoint of interest, with the spending txid: the state engine uses
 *   them to detect replacements and double spends.</li>
 * </ul>
 * Capacity doubles when full; that allocation happens only while the ring warms up to the
 * largest block it has seen.
 *
 * <p>Written by stage 1 and read by stage 2 only after the Disruptor's sequence barrier has
 * published the slot; never touched by two threads at once.
 */
public final class MatchList {
    /** The transfer is an ERC-20 token transfer; {@link #copyTokenContract(int, MutableDirectBuffer, int)} gives the contract. */
    public static final int FLAG_TOKEN = 1;
    /** The transaction's receipt reports failure (EVM status 0): it must never count. */
    public static final int FLAG_FAILED = 2;
    /**
     * The amount did not fit 128 bits (an ERC-20 uint256 value): the entry's amount is saturated and must
     * never be credited as it stands.
     */
    public static final int FLAG_AMOUNT_OVERFLOW = 4;

    public static final int TXID_LENGTH = 32;
    public static final int CONTRACT_LENGTH = 20;

    private int outputCount;
    private int[] txIndex;
    private int[] outputIndex;
    private long[] amountHi;
    private long[] amountLo;
    private int[] invoiceSlot;
    private int[] flags;
    private UnsafeBuffer txids;
    private UnsafeBuffer contracts;

    private int spendCount;
    private UnsafeBuffer spenderTxids;
    private UnsafeBuffer prevTxids;
    private int[] prevIndex;

    public MatchList(final int initialCapacity) {
        final int capacity = Math.max(4, initialCapacity);
        allocateOutputs(capacity);
        allocateSpends(capacity);
    }

    /** Forget all entries (called by stage 1 before it scans a slot). */
    public void clear() {
        outputCount = 0;
        spendCount = 0;
    }

    public int outputCount() {
        return outputCount;
    }

    public int spendCount() {
        return spendCount;
    }

    /**
     * Append a payment to a watched key.
     *
     * @return the entry's index.
     */
    public int addOutput(
        final int txIdx,
        final DirectBuffer txid,
        final int txidOffset,
        final int outIdx,
        final long valueHi,
        final long valueLo,
        final int slot,
        final int entryFlags) {
        if (outputCount == txIndex.length) {
            growOutputs();
        }
        final int i = outputCount++;
        txIndex[i] = txIdx;
        outputIndex[i] = outIdx;
        amountHi[i] = valueHi;
        amountLo[i] = valueLo;
        invoiceSlot[i] = slot;
        flags[i] = entryFlags;
        txids.putBytes(i * TXID_LENGTH, txid, txidOffset, TXID_LENGTH);
        contracts.setMemory(i * CONTRACT_LENGTH, CONTRACT_LENGTH, (byte)0);
        return i;
    }

    /** Set the token contract of output entry {@code i} (ERC-20 transfers). */
    public void putTokenContract(final int i, final DirectBuffer src, final int srcOffset) {
        contracts.putBytes(i * CONTRACT_LENGTH, src, srcOffset, CONTRACT_LENGTH);
    }

    /** Copy the token contract of entry {@code i} into {@code dst}. */
    public void copyTokenContract(final int i, final MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, contracts, i * CONTRACT_LENGTH, CONTRACT_LENGTH);
    }

    /** Append an outpoint spent by {@code spenderTxid}. */
    public void addSpend(
        final DirectBuffer spenderTxid,
        final int spenderOffset,
        final DirectBuffer prevTxid,
        final int prevOffset,
        final int prevOutputIndex) {
        if (spendCount == prevIndex.length) {
            growSpends();
        }
        final int i = spendCount++;
        spenderTxids.putBytes(i * TXID_LENGTH, spenderTxid, spenderOffset, TXID_LENGTH);
        prevTxids.putBytes(i * TXID_LENGTH, prevTxid, prevOffset, TXID_LENGTH);
        prevIndex[i] = prevOutputIndex;
    }

    public int txIndex(final int i) {
        return txIndex[i];
    }

    public int outputIndex(final int i) {
        return outputIndex[i];
    }

    public long amountHi(final int i) {
        return amountHi[i];
    }

    public long amountLo(final int i) {
        return amountLo[i];
    }

    public int invoiceSlot(final int i) {
        return invoiceSlot[i];
    }

    public int flags(final int i) {
        return flags[i];
    }

    /** All output txids, entry {@code i} at offset {@code i * 32}, in internal (wire) byte order. */
    public DirectBuffer txids() {
        return txids;
    }

    /** All token contracts, entry {@code i} at offset {@code i * 20}. */
    public DirectBuffer contracts() {
        return contracts;
    }

    /** Spending txids, entry {@code i} at offset {@code i * 32}. */
    public DirectBuffer spenderTxids() {
        return spenderTxids;
    }

    /** Spent outpoint txids, entry {@code i} at offset {@code i * 32}. */
    public DirectBuffer prevTxids() {
        return prevTxids;
    }

    public int prevIndex(final int i) {
        return prevIndex[i];
    }

    /** Heap bytes held by this list, for the ring's memory accounting. */
    public long footprintBytes() {
        return (long)txIndex.length * (4 + 4 + 8 + 8 + 4 + 4 + TXID_LENGTH + CONTRACT_LENGTH)
            + (long)prevIndex.length * (4 + 2 * TXID_LENGTH);
    }

    private void allocateOutputs(final int capacity) {
        txIndex = new int[capacity];
        outputIndex = new int[capacity];
        amountHi = new long[capacity];
        amountLo = new long[capacity];
        invoiceSlot = new int[capacity];
        flags = new int[capacity];
        txids = new UnsafeBuffer(new byte[capacity * TXID_LENGTH]);
        contracts = new UnsafeBuffer(new byte[capacity * CONTRACT_LENGTH]);
    }

    private void allocateSpends(final int capacity) {
        spenderTxids = new UnsafeBuffer(new byte[capacity * TXID_LENGTH]);
        prevTxids = new UnsafeBuffer(new byte[capacity * TXID_LENGTH]);
        prevIndex = new int[capacity];
    }

    private void growOutputs() {
        final int n = outputCount;
        final int[] oldTx = txIndex;
        final int[] oldOut = outputIndex;
        final long[] oldHi = amountHi;
        final long[] oldLo = amountLo;
        final int[] oldSlot = invoiceSlot;
        final int[] oldFlags = flags;
        final UnsafeBuffer oldTxids = txids;
        final UnsafeBuffer oldContracts = contracts;
        allocateOutputs(oldTx.length * 2);
        System.arraycopy(oldTx, 0, txIndex, 0, n);
        System.arraycopy(oldOut, 0, outputIndex, 0, n);
        System.arraycopy(oldHi, 0, amountHi, 0, n);
        System.arraycopy(oldLo, 0, amountLo, 0, n);
        System.arraycopy(oldSlot, 0, invoiceSlot, 0, n);
        System.arraycopy(oldFlags, 0, flags, 0, n);
        txids.putBytes(0, oldTxids, 0, n * TXID_LENGTH);
        contracts.putBytes(0, oldContracts, 0, n * CONTRACT_LENGTH);
    }

    private void growSpends() {
        final int n = spendCount;
        final UnsafeBuffer oldSpender = spenderTxids;
        final UnsafeBuffer oldPrev = prevTxids;
        final int[] oldIndex = prevIndex;
        allocateSpends(oldIndex.length * 2);
        spenderTxids.putBytes(0, oldSpender, 0, n * TXID_LENGTH);
        prevTxids.putBytes(0, oldPrev, 0, n * TXID_LENGTH);
        System.arraycopy(oldIndex, 0, prevIndex, 0, n);
    }
}
