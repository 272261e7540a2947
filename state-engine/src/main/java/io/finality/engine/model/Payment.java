package io.finality.engine.model;

import io.finality.core.buffer.Bytes;
import io.finality.core.ring.MatchList;
import java.util.Arrays;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * One payment to an invoice: identified by (txid, output or log index), with its amount, its
 * state, the block it is in and, if it is the payment that holds them for its transaction, the
 * outpoints the transaction spends (for conflict detection).
 *
 * <p>Owned by the state-engine thread. Instances come from a {@link PaymentPool} when a payment is
 * first seen and go back to it once the engine has settled them into their invoice's totals (buried
 * beyond every reorg the engine handles, and confirmed for good) or retired them (counting nowhere and
 * unchanged for as long): steady state allocates none.
 */
public final class Payment {
    private Invoice invoice;
    private int index;
    private final UnsafeBuffer txid = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private final UnsafeBuffer blockHash = new UnsafeBuffer(new byte[MatchList.TXID_LENGTH]);
    private final UnsafeBuffer contract = new UnsafeBuffer(new byte[MatchList.CONTRACT_LENGTH]);
    private int outputIndex;
    private long amountHi;
    private long amountLo;
    private PaymentState state;
    private long height = -1;
    private boolean late;
    private boolean token;
    private byte[] inputTxids = new byte[0];
    private int[] inputIndexes = new int[0];
    private InputLink[] inputLinks = new InputLink[0];
    private int inputCount;
    private boolean tracked;
    private boolean settling;
    private long serial;
    private Payment nextSameTxid;
    private Payment previousSameTxid;
    private Payment nextSameOutput;
    private Payment previousSameOutput;
    private int counted;
    private long changedAt = -1;

    Payment() {
    }

    /** Attach to an invoice at a position; called by {@link Invoice#addPayment} and {@link Invoice#closeGaps}. */
    void attach(final Invoice owner, final int position) {
        invoice = owner;
        index = position;
    }

    /** Forget everything, as a new record would be: the pool hands out only reset records. */
    void reset() {
        invoice = null;
        index = 0;
        txid.setMemory(0, MatchList.TXID_LENGTH, (byte)0);
        blockHash.setMemory(0, MatchList.TXID_LENGTH, (byte)0);
        contract.setMemory(0, MatchList.CONTRACT_LENGTH, (byte)0);
        outputIndex = 0;
        amountHi = 0;
        amountLo = 0;
        state = null;
        height = -1;
        late = false;
        token = false;
        inputCount = 0;
        tracked = false;
        settling = false;
        serial = 0;
        nextSameTxid = null;
        previousSameTxid = null;
        nextSameOutput = null;
        previousSameOutput = null;
        counted = 0;
        changedAt = -1;
    }

    /** Set identity and amount from a match entry. */
    public void init(final DirectBuffer txidSrc, final int txidOffset, final int outIdx, final long hi, final long lo) {
        txid.putBytes(0, txidSrc, txidOffset, MatchList.TXID_LENGTH);
        outputIndex = outIdx;
        amountHi = hi;
        amountLo = lo;
    }

    public Invoice invoice() {
        return invoice;
    }

    /** Position among the invoice's live (not yet settled) payments; snapshots refer to it. */
    public int index() {
        return index;
    }

    public DirectBuffer txid() {
        return txid;
    }

    public boolean sameTxid(final DirectBuffer other, final int offset) {
        return Bytes.equal(txid, 0, other, offset, MatchList.TXID_LENGTH);
    }

    public boolean sameOutput(final DirectBuffer otherTxid, final int offset, final int outIdx) {
        return outputIndex == outIdx && sameTxid(otherTxid, offset);
    }

    public int outputIndex() {
        return outputIndex;
    }

    public long amountHi() {
        return amountHi;
    }

    public long amountLo() {
        return amountLo;
    }

    public PaymentState state() {
        return state;
    }

    public void state(final PaymentState value) {
        state = value;
    }

    /** Height of its block, or -1 when not in a block. */
    public long height() {
        return height;
    }

    public DirectBuffer blockHash() {
        return blockHash;
    }

    public void inBlock(final long blockHeight, final DirectBuffer hash, final int hashOffset) {
        height = blockHeight;
        blockHash.putBytes(0, hash, hashOffset, MatchList.TXID_LENGTH);
    }

    public boolean isInBlock(final long blockHeight, final DirectBuffer hash, final int hashOffset) {
        return height == blockHeight && Bytes.equal(blockHash, 0, hash, hashOffset, MatchList.TXID_LENGTH);
    }

    public void leaveBlock() {
        height = -1;
        blockHash.setMemory(0, MatchList.TXID_LENGTH, (byte)0);
    }

    /** Arrived after the invoice closed unpaid, or after it was cancelled. */
    public boolean late() {
        return late;
    }

    public void late(final boolean value) {
        late = value;
    }

    /** An ERC-20 transfer (then {@link #contract()} is its token). */
    public boolean token() {
        return token;
    }

    public DirectBuffer contract() {
        return contract;
    }

    public void token(final DirectBuffer contractSrc, final int offset) {
        token = true;
        contract.putBytes(0, contractSrc, offset, MatchList.CONTRACT_LENGTH);
    }

    /** True while the engine keeps it on its chain's list of payments a reorg or conflict can still change. */
    public boolean tracked() {
        return tracked;
    }

    public void tracked(final boolean value) {
        tracked = value;
    }

    /** True while the payment counts toward its invoice (before policy exclusions such as ignored late payments). */
    public boolean active() {
        return state == PaymentState.MEMPOOL || state == PaymentState.IN_BLOCK;
    }

    /** True while the engine keeps it on its chain's list of deep payments waiting to be settled. */
    public boolean settling() {
        return settling;
    }

    public void settling(final boolean value) {
        settling = value;
    }

    /** Order of tracking on its chain: the order in which the engine walks payments. */
    public long serial() {
        return serial;
    }

    public void serial(final long value) {
        serial = value;
    }

    /** The next tracked payment whose txid starts with the same eight bytes (the engine's txid index). */
    public Payment nextSameTxid() {
        return nextSameTxid;
    }

    public void nextSameTxid(final Payment value) {
        nextSameTxid = value;
    }

    /** The previous one on the same chain (null at its head): removing a payment from the middle costs nothing. */
    public Payment previousSameTxid() {
        return previousSameTxid;
    }

    public void previousSameTxid(final Payment value) {
        previousSameTxid = value;
    }

    /** The next live payment whose output has the same key (the engine's output index). */
    public Payment nextSameOutput() {
        return nextSameOutput;
    }

    public void nextSameOutput(final Payment value) {
        nextSameOutput = value;
    }

    public Payment previousSameOutput() {
        return previousSameOutput;
    }

    public void previousSameOutput(final Payment value) {
        previousSameOutput = value;
    }

    /**
     * What this payment added to its invoice's totals and counts at the invoice's last evaluation (the engine's
     * bits), so that a change to this payment alone is applied to the totals without walking the other payments.
     */
    public int counted() {
        return counted;
    }

    public void counted(final int value) {
        counted = value;
    }

    /**
     * Its chain's tip when the payment last changed state or was last seen: a record that does not count and has not
     * changed for longer than the engine's reorg retention is retired (see {@code InvoiceEngine}).
     */
    public long changedAt() {
        return changedAt;
    }

    public void changedAt(final long tip) {
        changedAt = tip;
    }

    /** First eight bytes of the txid, the key of the engine's txid index. */
    public long txidKey() {
        return txid.getLong(0, java.nio.ByteOrder.LITTLE_ENDIAN);
    }

    /** First eight bytes of spent outpoint {@code i}'s txid. */
    public long inputTxidKey(final int i) {
        long v = 0;
        final int base = i * MatchList.TXID_LENGTH;
        for (int b = 7; b >= 0; b--) {
            v = (v << 8) | (inputTxids[base + b] & 0xFF);
        }
        return v;
    }

    /**
     * Take over the inputs {@code other} holds (both of the same transaction; neither indexed at the time), leaving it
     * none: its arrays and links come here, this record's empty ones go there. Nothing is copied or allocated; the
     * links are re-pointed.
     */
    public void takeInputsFrom(final Payment other) {
        final byte[] txids = inputTxids;
        final int[] indexes = inputIndexes;
        final InputLink[] links = inputLinks;
        inputTxids = other.inputTxids;
        inputIndexes = other.inputIndexes;
        inputLinks = other.inputLinks;
        inputCount = other.inputCount;
        other.inputTxids = txids;
        other.inputIndexes = indexes;
        other.inputLinks = links;
        other.inputCount = 0;
        repoint(inputLinks, this);
        repoint(other.inputLinks, other);
    }

    private static void repoint(final InputLink[] links, final Payment owner) {
        for (InputLink link : links) {
            if (link != null) {
                link.payment(owner);
            }
        }
    }

    /** Forget the inputs (not indexed at the time): another payment of the transaction holds them. */
    public void forgetInputs() {
        inputCount = 0;
    }

    /**
     * Remember an outpoint this payment's transaction spends. The caller knows it is new: the engine asks its spend index
     * (a hash lookup) rather than this payment's list, so learning a transaction's inputs is linear in their number,
     * not quadratic (×3.2 for a 5,569-input payment: docs/BENCHMARKS.md, "A payment that spends thousands of outpoints").
     *
     * @return the new input's position, for {@link #inputIs}.
     */
    public int appendInput(final DirectBuffer prevTxid, final int offset, final int prevIndex) {
        if (inputCount == inputIndexes.length) {
            final int capacity = Math.max(2, inputCount * 2);
            inputIndexes = Arrays.copyOf(inputIndexes, capacity);
            inputTxids = Arrays.copyOf(inputTxids, capacity * MatchList.TXID_LENGTH);
            inputLinks = Arrays.copyOf(inputLinks, capacity);
        }
        prevTxid.getBytes(offset, inputTxids, inputCount * MatchList.TXID_LENGTH, MatchList.TXID_LENGTH);
        inputIndexes[inputCount] = prevIndex;
        return inputCount++;
    }

    /** True if this payment's input {@code i} spends the outpoint (txid at {@code offset}, output {@code prevIndex}). */
    public boolean inputIs(final int i, final DirectBuffer prevTxid, final int offset, final int prevIndex) {
        return inputIndexes[i] == prevIndex && equalAt(inputTxids, i * MatchList.TXID_LENGTH, prevTxid, offset);
    }

    public int inputCount() {
        return inputCount;
    }

    /** Txid of spent outpoint {@code i}, written into {@code dst}. */
    public void inputTxid(final int i, final org.agrona.MutableDirectBuffer dst, final int dstOffset) {
        dst.putBytes(dstOffset, inputTxids, i * MatchList.TXID_LENGTH, MatchList.TXID_LENGTH);
    }

    public int inputIndex(final int i) {
        return inputIndexes[i];
    }

    /** The link of input {@code i} in the engine's spend index (made once per record and input position, then kept). */
    public InputLink inputLink(final int i) {
        InputLink link = inputLinks[i];
        if (link == null) {
            link = new InputLink(this, i);
            inputLinks[i] = link;
        }
        return link;
    }

    private static boolean equalAt(final byte[] a, final int aOffset, final DirectBuffer b, final int bOffset) {
        for (int i = 0; i < MatchList.TXID_LENGTH; i++) {
            if (a[aOffset + i] != b.getByte(bOffset + i)) {
                return false;
            }
        }
        return true;
    }
}
