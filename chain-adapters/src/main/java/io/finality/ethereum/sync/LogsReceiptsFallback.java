package io.finality.ethereum.sync;

import io.finality.ethereum.JsonError;
import io.finality.ethereum.ReceiptsFromLogs;
import io.finality.ethereum.rpc.JsonRpcClient;
import io.finality.ethereum.rpc.RpcResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Receipts for a node without {@code eth_getBlockReceipts}: one batch of {@code eth_getLogs} by block hash,
 * {@code eth_getTransactionReceipt} for each transaction that moves ether, and {@code eth_getBlockByHash}
 * last to prove the block was still known when the logs were read (a node may answer an empty log list for a
 * block it has just dropped). {@link ReceiptsFromLogs} turns the answers into a receipts array the scanner
 * reads like the real one. Any unusable answer retries the whole block.
 *
 * <p>Thread rules: the connection's event loop only.
 */
final class LogsReceiptsFallback {
    private final EthereumChainSync sync;

    LogsReceiptsFallback(final EthereumChainSync sync) {
        this.sync = sync;
    }

    void fetch(final BlockFetch f, final int epoch) {
        final ReceiptsFromLogs builder = new ReceiptsFromLogs();
        final DirectBuffer block = view(f.block);
        if (builder.readBlock(block, 0, block.capacity()) != JsonError.OK) {
            sync.retry(f);
            return;
        }
        final String hash = "0x" + io.finality.core.buffer.Hex.toHex(f.hash, 0, 32);
        final Gather gather = new Gather(f, builder);
        final JsonRpcClient client = sync.client();
        client.beginBatch();
        gather.expected++;
        client.call("eth_getLogs", "[{\"blockHash\":\"" + hash + "\"}]", sync.new Answer(epoch, f, f.height) {
            @Override
            void answered(final RpcResponse r) {
                if (r.isError() || r.resultNull()) {
                    gather.fail("eth_getLogs: " + r.describe());
                } else {
                    gather.logs = r.retain();
                    gather.logsLength = r.resultLength();
                    gather.logsOffset = r.resultOffset() - r.offset();
                }
                gather.done();
            }

            @Override
            void timedOut() {
                gather.fail("eth_getLogs timed out");
                gather.done();
            }
        });
        for (int i = 0; i < builder.transactionCount(); i++) {
            if (!builder.carriesValue(i)) {
                continue;
            }
            final int index = i;
            gather.expected++;
            client.call("eth_getTransactionReceipt", "[\"" + builder.transactionHash(i) + "\"]",
                sync.new Answer(epoch, f, f.height) {
                    @Override
                    void answered(final RpcResponse r) {
                        if (r.isError() || builder.status(index, r.buffer(), r.resultOffset(), r.resultLength()) != JsonError.OK) {
                            gather.fail("eth_getTransactionReceipt " + builder.transactionHash(index) + ": " + r.describe());
                        }
                        gather.done();
                    }

                    @Override
                    void timedOut() {
                        gather.fail("eth_getTransactionReceipt timed out");
                        gather.done();
                    }
                });
        }
        gather.expected++;
        client.call("eth_getBlockByHash", "[\"" + hash + "\",false]", sync.new Answer(epoch, f, f.height) {
            @Override
            void answered(final RpcResponse r) {
                if (r.isError() || r.resultNull()) {
                    gather.fail("block " + hash + " is no longer known");
                }
                gather.done();
            }

            @Override
            void timedOut() {
                gather.fail("eth_getBlockByHash timed out");
                gather.done();
            }
        });
        client.endBatch();
    }

    private static DirectBuffer view(final ByteBuf buf) {
        if (buf.hasArray()) {
            return new UnsafeBuffer(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        final byte[] copy = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), copy);
        return new UnsafeBuffer(copy);
    }

    /** The answers of one block's batch; the last one builds the receipts or retries the block. */
    private final class Gather {
        final BlockFetch fetch;
        final ReceiptsFromLogs builder;
        int expected;
        int answered;
        String failure;
        ByteBuf logs;
        int logsOffset;
        int logsLength;

        Gather(final BlockFetch fetch, final ReceiptsFromLogs builder) {
            this.fetch = fetch;
            this.builder = builder;
        }

        void fail(final String why) {
            if (failure == null) {
                failure = why;
            }
        }

        void done() {
            if (++answered < expected) {
                return;
            }
            try {
                if (failure == null) {
                    final ExpandableArrayBuffer out = new ExpandableArrayBuffer(1024);
                    final DirectBuffer src = view(logs);
                    final int n = builder.build(src, logsOffset, logsLength, out);
                    if (n >= 0) {
                        sync.receiptsReady(fetch, Unpooled.wrappedBuffer(out.byteArray(), 0, n));
                        return;
                    }
                    fail("eth_getLogs: " + JsonError.name(-n) + " at offset " + (builder.errorOffset() - logsOffset));
                }
                sync.unusable("receipts from eth_getLogs", "block " + fetch.height + ": " + failure);
                sync.retry(fetch);
            } finally {
                if (logs != null) {
                    logs.release();
                }
            }
        }
    }
}
