package io.finality.ethereum;

import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.ring.MatchList;
import io.finality.core.spi.AddressIndex;
import io.finality.core.spi.BlockScanner;
import java.nio.ByteOrder;
import org.agrona.DirectBuffer;

/**
 * Stage 1 for Ethereum chains: scans a {@code BLOCK_CONNECTED} payload (block and receipts JSON, framed as
 * {@link EthereumPayload} describes) in place and records every payment to a watched 20-byte address.
 *
 * <ol>
 *   <li>Receipts first ({@link ReceiptsJsonDecoder}): remembers which transactions failed (status 0) and
 *   matches ERC-20 {@code Transfer(address,address,uint256)} logs: topic0 {@code 0xddf252ad...}, exactly
 *   three topics and one 32-byte data word; the recipient (last 20 bytes of topic2) is probed in the index
 *   and a hit becomes {@link MatchList#addOutput} with {@link MatchList#FLAG_TOKEN}, the log index as
 *   output index, and the emitting contract via {@link MatchList#putTokenContract}. Logs of other shapes
 *   (ERC-721's four topics, non-standard tokens) are not ERC-20 transfers and are ignored.</li>
 *   <li>Then the block ({@link BlockJsonDecoder}): each transaction with a {@code to} and a non-zero value
 *   is a native transfer; {@code to} is probed and a hit is recorded with output index
 *   {@link EthereumPayload#NATIVE_OUTPUT_INDEX}. A zero-value call moves no ether and is not a payment.</li>
 * </ol>
 * Matches of a transaction whose receipt has status 0 carry {@link MatchList#FLAG_FAILED}; an amount of
 * 2<sup>128</sup> or more is saturated and flagged {@link EthereumScanFlags#FLAG_AMOUNT_OVERFLOW}, never
 * truncated. The state engine judges the asset (native or which contract) against the invoice.
 *
 * <p>A {@code MEMPOOL_TX} payload (a pending transaction) is scanned by {@link #scanPending}: native transfers only.
 *
 * <p>Bad payloads end the scan with a {@link JsonError} code and absolute payload offset through
 * {@link ChainEvent#scanResult(int, int)}; matches found before the error stay in the list. Nothing
 * allocates after construction except the failed-transaction bitset and the match list growing while
 * the ring warms up to the largest block.
 *
 * <p>Thread rules: one instance per scan-stage thread.
 */
public final class EthereumBlockScanner implements BlockScanner {
    /** Keccak-256 of {@code Transfer(address,address,uint256)}, as two-word prefix checks plus the rest. */
    private static final long TRANSFER_TOPIC_0 = 0xddf252ad1be2c89bL;
    private static final long TRANSFER_TOPIC_1 = 0x69c2b068fc378daaL;
    private static final long TRANSFER_TOPIC_2 = 0x952ba7f163c4a116L;
    private static final long TRANSFER_TOPIC_3 = 0x28f55a4df523b3efL;
    private static final int ADDRESS_IN_WORD = ReceiptsJsonDecoder.WORD_LENGTH - MatchList.CONTRACT_LENGTH;

    private final BlockJsonDecoder blockDecoder = new BlockJsonDecoder();
    private final ReceiptsJsonDecoder receiptsDecoder = new ReceiptsJsonDecoder();
    private final TransactionHandler onTransaction = this::onTransaction;
    private final ReceiptHandler onReceipt = new ReceiptHandler() {
        @Override
        public void onReceipt(final ReceiptsJsonDecoder decoder) {
            receipt(decoder);
        }

        @Override
        public void onLog(final ReceiptsJsonDecoder decoder) {
            log(decoder);
        }
    };

    private long[] failed = new long[16];
    private int failedWords;
    private int chainCode;
    private AddressIndex index;
    private MatchList matches;
    private int errorOffset;
    private int receiptFailed;

    @Override
    public int scan(final ChainEvent event, final AddressIndex addressIndex) {
        final int status;
        if (event.kind() == EventKind.BLOCK_CONNECTED || event.kind() == EventKind.BLOCK_RESCANNED) {
            status = scanBlock(event.payloadBuffer(), 0, event.payloadLength(), event.chain().code(), addressIndex, event.matches());
            event.transactionCount(blockDecoder.transactionCount());
        } else if (event.kind() == EventKind.MEMPOOL_TX) {
            status = scanPending(event.payloadBuffer(), 0, event.payloadLength(), event.chain().code(), addressIndex, event.matches());
            event.transactionCount(1);
        } else {
            status = JsonError.OK;
        }
        event.scanResult(status, status == JsonError.OK ? 0 : errorOffset);
        return status;
    }

    /**
     * Scan a framed payload in {@code buffer[offset, offset + length)} into {@code matchList}.
     *
     * @return {@link JsonError#OK} or an error code ({@link #errorOffset()} says where).
     */
    public int scanBlock(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int chain,
        final AddressIndex addressIndex,
        final MatchList matchList) {
        if (length < 2 * EthereumPayload.PREFIX_LENGTH) {
            return fail(JsonError.BAD_FRAMING, offset);
        }
        final long blockLength = buffer.getInt(offset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        final int blockStart = offset + EthereumPayload.PREFIX_LENGTH;
        if (blockLength > length - 2L * EthereumPayload.PREFIX_LENGTH) {
            return fail(JsonError.BAD_FRAMING, offset);
        }
        final int receiptsPrefix = blockStart + (int)blockLength;
        final long receiptsLength = buffer.getInt(receiptsPrefix, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        final int receiptsStart = receiptsPrefix + EthereumPayload.PREFIX_LENGTH;
        if (receiptsStart + receiptsLength != (long)offset + length) {
            return fail(JsonError.BAD_FRAMING, receiptsPrefix);
        }
        chainCode = chain;
        index = addressIndex;
        matches = matchList;
        clearFailed();

        int status = receiptsDecoder.decode(buffer, receiptsStart, (int)receiptsLength, onReceipt);
        if (status != JsonError.OK) {
            return fail(status, receiptsDecoder.errorOffset());
        }
        status = blockDecoder.decode(buffer, blockStart, (int)blockLength, onTransaction);
        if (status != JsonError.OK) {
            return fail(status, blockDecoder.errorOffset());
        }
        if (blockDecoder.transactionCount() != receiptsDecoder.receiptCount()) {
            return fail(JsonError.RECEIPT_COUNT_MISMATCH, receiptsStart);
        }
        return JsonError.OK;
    }

    /**
     * Scan a pending transaction ({@code eth_getTransactionByHash} answer) in {@code buffer[offset, offset + length)}:
     * a native transfer to a watched address is recorded like one in a block (so the engine counts it once when it
     * is mined). An ERC-20 transfer is not: its log index, which identifies it in a block, does not exist before
     * mining, and its success is unknown until the receipt; it is reported when mined.
     *
     * @return {@link JsonError#OK} or an error code ({@link #errorOffset()} says where).
     */
    public int scanPending(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int chain,
        final AddressIndex addressIndex,
        final MatchList matchList) {
        chainCode = chain;
        index = addressIndex;
        matches = matchList;
        clearFailed();
        final int status = blockDecoder.decodeTransaction(buffer, offset, length, onTransaction);
        return status == JsonError.OK ? JsonError.OK : fail(status, blockDecoder.errorOffset());
    }

    /** Where the last failed scan stopped (absolute offset in the scanned buffer). */
    public int errorOffset() {
        return errorOffset;
    }

    /** The block decoder, whose header accessors describe the last scanned block. */
    public BlockJsonDecoder block() {
        return blockDecoder;
    }

    private int fail(final int status, final int at) {
        errorOffset = at;
        return status;
    }

    private void receipt(final ReceiptsJsonDecoder r) {
        receiptFailed = r.status() == ReceiptsJsonDecoder.STATUS_FAILED ? MatchList.FLAG_FAILED : 0;
        if (receiptFailed != 0) {
            markFailed(r.txIndex());
        }
    }

    private void log(final ReceiptsJsonDecoder r) {
        if (r.topicCount() != 3 || !r.dataIsWord()) {
            return;
        }
        final DirectBuffer topics = r.topics();
        if (topics.getLong(0, ByteOrder.BIG_ENDIAN) != TRANSFER_TOPIC_0
            || topics.getLong(8, ByteOrder.BIG_ENDIAN) != TRANSFER_TOPIC_1
            || topics.getLong(16, ByteOrder.BIG_ENDIAN) != TRANSFER_TOPIC_2
            || topics.getLong(24, ByteOrder.BIG_ENDIAN) != TRANSFER_TOPIC_3) {
            return;
        }
        final int toOffset = 2 * ReceiptsJsonDecoder.WORD_LENGTH + ADDRESS_IN_WORD;
        final int slot = index.lookup(chainCode, topics, toOffset, MatchList.CONTRACT_LENGTH);
        if (slot == AddressIndex.MISSING) {
            return;
        }
        final boolean fits = (r.dataWord2() | r.dataWord3()) == 0;
        final int flags = MatchList.FLAG_TOKEN | receiptFailed | (fits ? 0 : EthereumScanFlags.FLAG_AMOUNT_OVERFLOW);
        final int entry = matches.addOutput(
            r.txIndex(), r.txHash(), 0, r.logIndex(), fits ? r.dataWord1() : -1L, fits ? r.dataWord0() : -1L, slot, flags);
        matches.putTokenContract(entry, r.address(), 0);
    }

    private void onTransaction(final BlockJsonDecoder tx) {
        if (!tx.hasTo() || (tx.value0() | tx.value1() | tx.value2() | tx.value3()) == 0) {
            return;
        }
        final int slot = index.lookup(chainCode, tx.to(), 0, MatchList.CONTRACT_LENGTH);
        if (slot == AddressIndex.MISSING) {
            return;
        }
        final boolean fits = tx.valueFitsU128();
        final int flags = (isFailed(tx.txIndex()) ? MatchList.FLAG_FAILED : 0) | (fits ? 0 : EthereumScanFlags.FLAG_AMOUNT_OVERFLOW);
        matches.addOutput(
            tx.txIndex(), tx.txHash(), 0, EthereumPayload.NATIVE_OUTPUT_INDEX,
            fits ? tx.value1() : -1L, fits ? tx.value0() : -1L, slot, flags);
    }

    private void clearFailed() {
        final long[] bits = failed;
        for (int i = 0; i < failedWords; i++) {
            bits[i] = 0;
        }
        failedWords = 0;
    }

    private void markFailed(final int txIndex) {
        final int word = txIndex >>> 6;
        if (word >= failed.length) {
            final long[] grown = new long[Math.max(failed.length * 2, word + 1)];
            System.arraycopy(failed, 0, grown, 0, failedWords);
            failed = grown;
        }
        failed[word] |= 1L << txIndex;
        if (word >= failedWords) {
            failedWords = word + 1;
        }
    }

    private boolean isFailed(final int txIndex) {
        final int word = txIndex >>> 6;
        return word < failedWords && (failed[word] & (1L << txIndex)) != 0;
    }
}
