package io.finality.ethereum.sync;

import io.finality.core.buffer.Hex;
import io.finality.ethereum.BlockJsonDecoder;
import io.finality.ethereum.EthereumPayload;
import io.finality.ethereum.JsonError;
import io.finality.ethereum.rpc.JsonRpcClient;
import io.finality.ethereum.rpc.JsonRpcContext;
import io.finality.ethereum.rpc.JsonRpcListener;
import io.finality.ethereum.rpc.RpcResponse;
import io.finality.ethereum.rpc.RpcResponseHandler;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads given blocks by hash from an Ethereum node, for {@code finality rescan}: the block with full
 * transactions ({@code eth_getBlockByHash}) and its receipts ({@code eth_getBlockReceipts} by the same hash),
 * in one batch, framed as a {@code BLOCK_CONNECTED} payload ({@link EthereumPayload}) so the same scanner reads
 * it. The block's own hash is checked against the one asked for.
 *
 * <p>Not the live sync: a blocking, one-block-at-a-time reader of blocks the engine already applied, where
 * simplicity beats throughput (a rescan is rare and bounded by the journal's memory of 1,000 blocks). A lost
 * connection or a late answer is retried ({@value #ATTEMPTS} attempts, the client redials meanwhile).
 *
 * <p>Thread rules: {@link #read} and {@link #close} from one caller thread; the client's event loop does the I/O.
 */
public final class EthereumBlockReader implements AutoCloseable {
    /** Attempts per block before the read fails. */
    public static final int ATTEMPTS = 3;

    private final JsonRpcContext context;
    private final JsonRpcClient client;
    private final BlockJsonDecoder header = new BlockJsonDecoder();
    private volatile CompletableFuture<Void> connected = new CompletableFuture<>();

    public EthereumBlockReader(final JsonRpcContext context) {
        this.context = context;
        this.client = new JsonRpcClient(context, new JsonRpcListener() {
            @Override
            public void onConnected() {
                connected.complete(null);
            }

            @Override
            public void onDisconnected(final String reason) {
                if (connected.isDone()) {
                    connected = new CompletableFuture<>();
                }
            }

            @Override
            public void onNotification(final RpcResponse notification) {
                // no subscriptions
            }
        }).start();
    }

    /**
     * The framed payload of the block with {@code hash} (32 bytes, as displayed).
     *
     * @throws EthereumReadException if the node does not have the block, answers with an error or something
     *     malformed, or cannot be reached within the attempts.
     */
    public byte[] read(final byte[] hash) {
        final String hex = "0x" + Hex.toHex(hash);
        EthereumReadException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                awaitConnected();
                final byte[][] parts = request(hex);
                return check(hash, hex, parts[0], parts[1]);
            } catch (final RetryableReadException ex) {
                last = new EthereumReadException("block " + hex + ": " + ex.getMessage() + " (" + attempt + " of " + ATTEMPTS
                    + " attempts, node " + context.redactedUri() + ")");
            }
        }
        throw last;
    }

    private void awaitConnected() {
        try {
            connected.get(context.requestTimeoutMs(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException ex) {
            throw new RetryableReadException("no connection to the node");
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new EthereumReadException("interrupted");
        } catch (final ExecutionException ex) {
            throw new RetryableReadException(ex.getCause().getMessage());
        }
    }

    /** Both answers as byte arrays (the whole JSON-RPC response objects). */
    private byte[][] request(final String hex) {
        final CompletableFuture<byte[]> block = new CompletableFuture<>();
        final CompletableFuture<byte[]> receipts = new CompletableFuture<>();
        client.eventLoop().execute(() -> {
            client.beginBatch();
            client.call("eth_getBlockByHash", "[\"" + hex + "\",true]", new Answer("eth_getBlockByHash", block));
            client.call("eth_getBlockReceipts", "[\"" + hex + "\"]", new Answer("eth_getBlockReceipts", receipts));
            client.endBatch();
        });
        try {
            final long wait = context.requestTimeoutMs() + 1_000;
            return new byte[][] {block.get(wait, TimeUnit.MILLISECONDS), receipts.get(wait, TimeUnit.MILLISECONDS)};
        } catch (final TimeoutException ex) {
            throw new RetryableReadException("no answer");
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new EthereumReadException("interrupted");
        } catch (final ExecutionException ex) {
            if (ex.getCause() instanceof EthereumReadException fatal) {
                throw fatal;
            }
            throw new RetryableReadException(ex.getCause().getMessage());
        }
    }

    private byte[] check(final byte[] hash, final String hex, final byte[] block, final byte[] receipts) {
        final int status = header.decodeHeader(new UnsafeBuffer(block), 0, block.length);
        if (status != JsonError.OK) {
            throw new EthereumReadException("the node's eth_getBlockByHash answer for " + hex + " is malformed ("
                + JsonError.name(status) + ")");
        }
        final byte[] got = new byte[32];
        header.blockHash().getBytes(0, got);
        if (!Arrays.equals(got, hash)) {
            throw new EthereumReadException("asked the node for block " + hex + ", it answered with block 0x" + Hex.toHex(got));
        }
        return EthereumPayload.frame(block, receipts);
    }

    @Override
    public void close() {
        client.close();
    }

    /** One request's answer: its bytes, or why there are none. */
    private static final class Answer implements RpcResponseHandler {
        private final String method;
        private final CompletableFuture<byte[]> result;

        Answer(final String method, final CompletableFuture<byte[]> result) {
            this.method = method;
            this.result = result;
        }

        @Override
        public void onResponse(final RpcResponse response) {
            if (response.isError()) {
                result.completeExceptionally(new EthereumReadException(method + " failed: " + response.errorMessage()
                    + " (code " + response.errorCode() + ")"));
            } else if (response.resultNull()) {
                result.completeExceptionally(new EthereumReadException("the node does not have the block (" + method
                    + " answered null): pruned, or reorganised away since it was applied"));
            } else {
                final byte[] bytes = new byte[response.length()];
                response.buffer().getBytes(response.offset(), bytes);
                result.complete(bytes);
            }
        }

        @Override
        public void onFailure(final int reason) {
            result.completeExceptionally(new RetryableReadException(method + " " + RpcResponseHandler.describe(reason)));
        }
    }

    /** A failure worth another attempt (no connection, no answer in time). */
    private static final class RetryableReadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RetryableReadException(final String message) {
            super(message, null, false, false);
        }
    }
}
