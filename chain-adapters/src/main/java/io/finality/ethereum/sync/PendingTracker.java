package io.finality.ethereum.sync;

import io.finality.core.buffer.Hex;
import io.finality.ethereum.BlockJsonDecoder;
import io.finality.ethereum.JsonError;
import io.finality.ethereum.PendingTxReader;
import io.finality.ethereum.rpc.JsonRpcClient;
import io.finality.ethereum.rpc.RpcResponse;
import io.finality.ethereum.rpc.RpcResponseHandler;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Pending transactions, where the node offers {@code newPendingTransactions}: each announced hash is fetched
 * ({@code eth_getTransactionByHash}) and, if still pending, published as {@code MEMPOOL_TX} (the engine reports a
 * payment seen, never counted). Published hashes are tracked until a published block mines them; one still unmined
 * {@link EthereumContext#pendingGoneAfterBlocks()} heads later is asked for again, and if the node no longer has it
 * (dropped, or replaced by another transaction with the same nonce) {@code MEMPOOL_TX_GONE} is published, so the
 * engine drops the payment it had seen.
 *
 * <p>Bounded: at most {@value #MAX_IN_FLIGHT} lookups in flight and {@link EthereumContext#maxPendingTracked()}
 * tracked; announcements beyond that are skipped and counted (their payments still count once mined). The mempool is
 * an edge path: this class allocates (hex keys, handlers) and never runs on the scan or engine threads.
 *
 * <p>Thread rules: the connection's event loop only; {@link #published()}, {@link #skipped()} and {@link #gone()} from
 * any thread.
 */
final class PendingTracker {
    private static final System.Logger LOG = System.getLogger(PendingTracker.class.getName());
    static final int MAX_IN_FLIGHT = 64;
    private static final int RECHECKS_PER_HEAD = 32;

    private final EthereumContext context;
    private final RingPublication publication;
    private final PendingTxReader reader = new PendingTxReader();
    private final BlockJsonDecoder blockDecoder = new BlockJsonDecoder();
    private final Map<String, Long> tracked = new LinkedHashMap<>();
    private final UnsafeBuffer goneHash = new UnsafeBuffer(new byte[32]);
    private volatile long published;
    private volatile long skipped;
    private volatile long gone;
    private volatile String subscription;
    private int inFlight;
    private int epoch;
    private long headNow;

    PendingTracker(final EthereumContext context, final RingPublication publication) {
        this.context = context;
        this.publication = publication;
    }

    /** Subscribe on a new connection (answers of the old one are void). */
    void onConnected(final JsonRpcClient client) {
        epoch++;
        inFlight = 0;
        subscription = null;
        if (!context.pendingTransactions()) {
            return;
        }
        final int e = epoch;
        client.call("eth_subscribe", "[\"newPendingTransactions\"]", new RpcResponseHandler() {
            @Override
            public void onResponse(final RpcResponse r) {
                if (e != epoch) {
                    return;
                }
                subscription = r.resultAsString();
                if (subscription == null) {
                    LOG.log(System.Logger.Level.INFO, context.chain().configName()
                        + ": the node offers no pending transactions (" + r.describe() + "); payments show once mined");
                }
            }

            @Override
            public void onFailure(final int reason) {
            }
        });
    }

    /** Whether {@code notification} belongs to the pending-transactions subscription. */
    boolean owns(final RpcResponse notification) {
        return subscription != null && subscription.equals(notification.subscription());
    }

    /** A pending transaction was announced: its hash is the notification's result. */
    void onAnnounced(final JsonRpcClient client, final RpcResponse notification) {
        final String hash = notification.resultAsString();
        if (hash == null || !hash.matches("0x[0-9a-fA-F]{64}")) {
            skipped++;
            return;
        }
        final String key = hash.toLowerCase(Locale.ROOT);
        if (tracked.containsKey(key)) {
            return;
        }
        if (inFlight >= MAX_IN_FLIGHT || tracked.size() >= context.maxPendingTracked()) {
            skipped++;
            return;
        }
        inFlight++;
        final int e = epoch;
        client.call("eth_getTransactionByHash", "[\"" + key + "\"]", new RpcResponseHandler() {
            @Override
            public void onResponse(final RpcResponse r) {
                if (e != epoch) {
                    return;
                }
                inFlight--;
                if (reader.read(r.buffer(), r.offset(), r.length()) != JsonError.OK || !reader.pending()) {
                    // gone already, or mined (the block brings it), or unreadable: nothing to publish
                    return;
                }
                if (publication.pending(r.buffer(), r.offset(), r.length())) {
                    published++;
                    tracked.put(key, headNow);
                } else {
                    skipped++;
                }
            }

            @Override
            public void onFailure(final int reason) {
                if (e == epoch) {
                    inFlight--;
                }
            }
        });
    }

    /** A block was published as connected: what it mined is no longer pending. */
    void onBlockPublished(final ByteBuf block) {
        if (tracked.isEmpty()) {
            return;
        }
        final DirectBuffer view = view(block);
        blockDecoder.decode(view, 0, view.capacity(), tx -> tracked.remove("0x" + Hex.toHex(tx.txHash(), 0, 32)));
    }

    /** A new head: ask again about transactions pending for long enough; publish the ones the node dropped. */
    void onHead(final JsonRpcClient client, final long head) {
        headNow = head;
        if (tracked.isEmpty()) {
            return;
        }
        final List<String> due = new ArrayList<>();
        final Iterator<Map.Entry<String, Long>> it = tracked.entrySet().iterator();
        while (it.hasNext() && due.size() < RECHECKS_PER_HEAD) {
            final Map.Entry<String, Long> entry = it.next();
            if (entry.getValue() + context.pendingGoneAfterBlocks() > head) {
                break;
            }
            due.add(entry.getKey());
        }
        final int e = epoch;
        for (String key : due) {
            // re-stamped and moved to the back: asked at most once per interval
            tracked.remove(key);
            tracked.put(key, head);
            client.call("eth_getTransactionByHash", "[\"" + key + "\"]", new RpcResponseHandler() {
                @Override
                public void onResponse(final RpcResponse r) {
                    if (e != epoch || !tracked.containsKey(key)) {
                        return;
                    }
                    final int status = reader.read(r.buffer(), r.offset(), r.length());
                    if (status == JsonError.NULL_RESULT) {
                        goneHash.putBytes(0, Hex.fromHex(key.substring(2)));
                        if (publication.gone(goneHash)) {
                            gone++;
                            tracked.remove(key);
                        }
                    } else if (status == JsonError.OK && !reader.pending()) {
                        // mined in a block we have not published yet: that block will settle it
                        tracked.remove(key);
                    }
                }

                @Override
                public void onFailure(final int reason) {
                }
            });
        }
    }

    private static DirectBuffer view(final ByteBuf buf) {
        if (buf.hasArray()) {
            return new UnsafeBuffer(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        final byte[] copy = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), copy);
        return new UnsafeBuffer(copy);
    }

    /** Whether the node accepted the pending-transactions subscription on the current connection. */
    boolean subscribed() {
        return subscription != null;
    }

    long published() {
        return published;
    }

    long skipped() {
        return skipped;
    }

    long gone() {
        return gone;
    }
}
