package io.finality.bitcoin.p2p;

import io.finality.core.buffer.Hex;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Downloads given blocks by hash from the configured Bitcoin node over P2P, for {@code finality rescan}:
 * a short-lived connection of its own per {@link #fetch} (the live sync is not running meanwhile).
 *
 * <pre>
 *   caller thread                               event loop (one thread, owned by this fetcher)
 *   fetch(hashes) --connect------------------> version ->  <- version, verack   verack ->   ping <-> pong
 *                 --getdata(witness blocks)--> (at most window outstanding)
 *                 <-- queue: Ready, Block(hash, bytes), NotFound, Violation, Closed --
 *   onBlock(index, ...) strictly in list order, on the caller thread
 * </pre>
 *
 * <p>At most {@link BitcoinPeerContext#blockWindow()} blocks are requested and not yet delivered: they may
 * arrive in any order and are held until every block before them has been delivered, so memory is bounded
 * by the window. Each block's 80-byte header must hash to the hash asked for; the node answers
 * {@code getdata} in request order, so a block with any other hash is reported against the first block
 * still awaited.
 *
 * <p>Failures, each a {@link BitcoinFetchException} whose message gives hashes in display order (as
 * bitcoin-cli and block explorers show them, the reverse of the internal order asked with): the node
 * does not have a block ({@code notfound}; the blocks before it are still delivered), sends another
 * block, or breaks the protocol (bad frame, malformed message, bad handshake: not retried). A refused
 * connection, a close by the node, or silence longer than {@link BitcoinPeerContext#stallTimeoutMs()}
 * while something is awaited (the handshake included) closes the channel and reconnects,
 * asking again only for the blocks not yet received; after {@link #maxRetries()} such failures in a row
 * without a new block arriving, the fetch fails with the last reason.
 *
 * <p>Thread rules: {@link #fetch} blocks, runs on the caller's thread and calls the consumer there; one
 * fetch at a time (not reentrant: the consumer must not call it). {@link #close} from the same thread
 * after the last fetch. The counters may be read from any thread.
 */
public final class BitcoinBlockFetcher implements AutoCloseable {
    /** Default connection failures in a row (without a new block) before a fetch gives up. */
    public static final int DEFAULT_MAX_RETRIES = 3;
    /** First pause before reconnecting; doubles per failure in a row up to {@value #MAX_BACKOFF_MS} ms. */
    public static final long MIN_BACKOFF_MS = 50;
    /** Longest pause before reconnecting. */
    public static final long MAX_BACKOFF_MS = 2_000;

    /**
     * Receives fetched blocks, strictly in list order, on the thread that called {@link #fetch}.
     */
    @FunctionalInterface
    public interface BlockConsumer {
        /**
         * One block.
         *
         * @param index position of the block in the list given to {@link #fetch}
         * @param hash the list's own hash array for it (internal byte order); do not modify
         * @param block buffer holding the serialized block (witness serialization); valid only during this call
         * @param offset where the block starts in {@code block}
         * @param length bytes of the block
         * @return true to go on, false to stop the fetch after this block
         */
        boolean onBlock(int index, byte[] hash, DirectBuffer block, int offset, int length);
    }

    private final BitcoinPeerContext context;
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong blocksReceived = new AtomicLong();
    private final AtomicLong readPauses = new AtomicLong();
    private final UnsafeBuffer view = new UnsafeBuffer(new byte[0]);
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private EventLoopGroup group;
    private boolean closed;
    private boolean fetching;

    /** A fetcher dialling {@code context.node()} on {@code context.network()}, with its window and stall timeout. */
    public BitcoinBlockFetcher(final BitcoinPeerContext context) {
        if (context.node() == null) {
            throw new IllegalArgumentException("the node address is required");
        }
        this.context = context;
    }

    /** Connection failures in a row, with no new block in between, after which a fetch gives up. */
    public int maxRetries() {
        return maxRetries;
    }

    public BitcoinBlockFetcher maxRetries(final int value) {
        if (value < 0) {
            throw new IllegalArgumentException("retries must not be negative: " + value);
        }
        maxRetries = value;
        return this;
    }

    /** Connections lost (refused, closed by the node, stalled) and retried, over all fetches. */
    public long reconnects() {
        return reconnects.get();
    }

    /** Blocks received and accepted (hash checked, not a duplicate), over all fetches. */
    public long blocksReceived() {
        return blocksReceived.get();
    }

    /** Times a node sent more than was asked for and reading from it was paused until the backlog drained. */
    long readPauses() {
        return readPauses.get();
    }

    /**
     * Fetch {@code hashesInOrder} (internal byte order, 32 bytes each, no duplicates) and hand each block to
     * {@code consumer} in list order. Returns when every block was delivered or the consumer returned false.
     *
     * @throws BitcoinFetchException when a block cannot be had (see the class comment); every block before
     *     {@link BitcoinFetchException#index()} was delivered, none after it
     * @throws IllegalArgumentException for a hash that is not 32 bytes or appears twice
     * @throws IllegalStateException after {@link #close}, or when called from the consumer
     */
    public void fetch(final List<byte[]> hashesInOrder, final BlockConsumer consumer) {
        if (closed) {
            throw new IllegalStateException("fetcher closed");
        }
        if (fetching) {
            throw new IllegalStateException("a fetch is already running (fetch is not reentrant)");
        }
        final Map<ByteBuffer, Integer> indexOf = new HashMap<>(hashesInOrder.size() * 2);
        for (int i = 0; i < hashesInOrder.size(); i++) {
            final byte[] h = hashesInOrder.get(i);
            if (h == null || h.length != 32) {
                throw new IllegalArgumentException("hash at index " + i + " is not 32 bytes");
            }
            if (indexOf.put(ByteBuffer.wrap(h), i) != null) {
                throw new IllegalArgumentException("hash at index " + i + " appears twice: " + display(h));
            }
        }
        if (hashesInOrder.isEmpty()) {
            return;
        }
        if (group == null) {
            group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        }
        fetching = true;
        try {
            new Run(List.copyOf(hashesInOrder), indexOf, consumer).execute();
        } finally {
            fetching = false;
        }
    }

    @Override
    public void close() {
        closed = true;
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }

    private String node() {
        return String.valueOf(context.node());
    }

    /** A hash as operators see it (bitcoin-cli, explorers): hex of the reversed internal order. */
    static String display(final byte[] internalOrder) {
        return Hex.toHex(Hex.reverse(internalOrder.clone()));
    }

    /** The state of one fetch; lives on the caller's thread. */
    private final class Run {
        private final List<byte[]> hashes;
        private final Map<ByteBuffer, Integer> indexOf;
        private final BlockConsumer consumer;
        private final int count;
        private final int window;
        private final long stallNanos;
        /** Received blocks not yet delivered, by list index (at most {@code window} non-null). */
        private final byte[][] held;
        private final FetchEventQueue events;
        /** Next index to deliver. */
        private int next;
        /** Indices below this were requested (on some connection); never more than {@code window} above {@code next}. */
        private int requestedEnd;
        /** Lowest index the node said it does not have, or {@code count}. */
        private int notFound;
        private int connection;
        private Channel channel;
        private boolean ready;
        /** Service bits of the node's last version message, -1 before any. */
        private long services = -1;
        private long deadline;
        private int failuresInARow;

        Run(final List<byte[]> hashes, final Map<ByteBuffer, Integer> indexOf, final BlockConsumer consumer) {
            this.hashes = hashes;
            this.indexOf = indexOf;
            this.consumer = consumer;
            this.count = hashes.size();
            this.window = context.blockWindow();
            this.stallNanos = TimeUnit.MILLISECONDS.toNanos(context.stallTimeoutMs());
            this.held = new byte[count][];
            this.notFound = count;
            this.events = new FetchEventQueue(window);
        }

        void execute() {
            try {
                while (next < count) {
                    if (channel == null && !connect()) {
                        continue;
                    }
                    final BlockFetchHandler.Event e = poll();
                    if (e == null) {
                        lost("the node sent nothing for " + context.stallTimeoutMs() + " ms (stalled)");
                    } else {
                        handle(e);
                        if (!deliver()) {
                            return;
                        }
                    }
                }
            } finally {
                closeChannel();
                readPauses.addAndGet(events.pauses());
            }
        }

        /** Dial the node; false (failure counted, maybe thrown) when it could not be reached. */
        private boolean connect() {
            final int id = ++connection;
            ready = false;
            final Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int)Math.min(Integer.MAX_VALUE, context.stallTimeoutMs()))
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(final SocketChannel ch) {
                        final int magic = context.network().magic();
                        ch.pipeline().addLast(new P2pFrameDecoder(magic), new P2pFrameEncoder(magic),
                            new BlockFetchHandler(context, id, events));
                    }
                });
            final ChannelFuture f = b.connect(context.node());
            try {
                f.await();
            } catch (final InterruptedException ex) {
                f.channel().close();
                throw interrupted();
            }
            if (!f.isSuccess()) {
                lost("cannot connect: " + f.cause());
                return false;
            }
            channel = f.channel();
            deadline = System.nanoTime() + stallNanos;
            return true;
        }

        /** The next event, or null when the current connection has been silent for the stall timeout. */
        private BlockFetchHandler.Event poll() {
            try {
                return events.poll(Math.max(0, deadline - System.nanoTime()), channel);
            } catch (final InterruptedException ex) {
                throw interrupted();
            }
        }

        /** Apply one event from the event loop (events of earlier connections only add blocks and notfounds). */
        private void handle(final BlockFetchHandler.Event e) {
            final boolean current = e.connection() == connection;
            if (current) {
                deadline = System.nanoTime() + stallNanos;
            }
            switch (e) {
                case BlockFetchHandler.Ready r -> {
                    if (current) {
                        ready = true;
                        services = r.services();
                        request(next);
                    }
                }
                case BlockFetchHandler.Block b -> onBlock(current, b);
                case BlockFetchHandler.NotFound nf -> {
                    for (byte[] h : nf.hashes()) {
                        final Integer i = indexOf.get(ByteBuffer.wrap(h));
                        if (i != null && i >= next && held[i] == null) {
                            notFound = Math.min(notFound, i);
                        }
                    }
                }
                case BlockFetchHandler.Violation v -> {
                    if (current) {
                        throw new BitcoinFetchException(next, "node " + node() + " broke the protocol (" + v.reason()
                            + "); gave up at block " + next + " " + display(hashes.get(next)));
                    }
                }
                case BlockFetchHandler.Closed c -> {
                    if (current) {
                        lost(c.reason());
                    }
                }
            }
        }

        private void onBlock(final boolean current, final BlockFetchHandler.Block b) {
            final Integer index = indexOf.get(ByteBuffer.wrap(b.hash()));
            if (index == null) {
                final int expected = firstAwaited();
                if (current && expected >= 0) {
                    throw new BitcoinFetchException(expected, "node " + node() + " sent the wrong block for index " + expected
                        + ": asked for " + display(hashes.get(expected)) + ", its header hashes to " + display(b.hash()));
                }
                return;
            }
            final int i = index;
            // a late copy from an earlier connection, or a block we did not ask for (yet): not held, memory stays bounded
            if (i < next || i >= requestedEnd || held[i] != null) {
                return;
            }
            held[i] = b.raw();
            failuresInARow = 0;
            blocksReceived.incrementAndGet();
        }

        private int firstAwaited() {
            for (int i = next; i < requestedEnd; i++) {
                if (held[i] == null) {
                    return i;
                }
            }
            return -1;
        }

        /** Deliver every held block that is next in line, then ask for more; false when the consumer stopped. */
        private boolean deliver() {
            while (next < count) {
                if (next == notFound) {
                    throw new BitcoinFetchException(next, "the node " + node() + " does not have block " + display(hashes.get(next))
                        + " (index " + next + "; pruned?)");
                }
                final byte[] raw = held[next];
                if (raw == null) {
                    break;
                }
                held[next] = null;
                final int index = next++;
                view.wrap(raw);
                if (!consumer.onBlock(index, hashes.get(index), view, 0, raw.length)) {
                    return false;
                }
                // time spent in the consumer is not the node's silence
                deadline = System.nanoTime() + stallNanos;
            }
            if (ready && next < count) {
                request(requestedEnd);
            }
            return true;
        }

        /** Ask for the blocks from {@code from} not yet received, filling the window (never past a missing block). */
        private void request(final int from) {
            final int end = Math.min(Math.min(count, notFound), next + window);
            final List<InventoryMessage.Item> items = new ArrayList<>();
            for (int i = from; i < end; i++) {
                if (held[i] == null) {
                    items.add(new InventoryMessage.Item(InventoryMessage.MSG_WITNESS_BLOCK, hashes.get(i)));
                }
                if (items.size() == Command.MAX_INV) {
                    send(items);
                }
            }
            send(items);
            requestedEnd = Math.max(requestedEnd, end);
        }

        private void send(final List<InventoryMessage.Item> items) {
            if (!items.isEmpty()) {
                channel.writeAndFlush(new P2pMessage(Command.GETDATA, new InventoryMessage(List.copyOf(items)).encode(channel.alloc())));
                items.clear();
            }
        }

        /** The connection is gone: count it, give up past the retry limit, else pause before the next dial. */
        private void lost(final String reason) {
            // lost after the handshake, with blocks asked for: the node may simply not have the next one
            final boolean afterHandshake = ready;
            closeChannel();
            failuresInARow++;
            if (failuresInARow > maxRetries) {
                throw new BitcoinFetchException(next, "gave up on node " + node() + " after " + failuresInARow
                    + " connection failures in a row without a new block: " + reason + "; stopped at block " + next + " "
                    + display(hashes.get(next)) + (afterHandshake ? hint() : ""));
            }
            reconnects.incrementAndGet();
            final long backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(16, failuresInARow - 1));
            try {
                Thread.sleep(backoff);
            } catch (final InterruptedException ex) {
                throw interrupted();
            }
        }

        private void closeChannel() {
            if (channel != null) {
                channel.close().awaitUninterruptibly();
                channel = null;
            }
            ready = false;
        }

        /**
         * Bitcoin Core answers a request for a block it does not have with silence, and a pruned node one
         * for a block it pruned by closing the connection: after a handshake, either looks like a flaky node.
         */
        private String hint() {
            final boolean pruned = (services & VersionMessage.NODE_NETWORK) == 0 && (services & VersionMessage.NODE_NETWORK_LIMITED) != 0;
            return pruned
                ? " (the node is pruned, NODE_NETWORK_LIMITED: it serves only about its last " + VersionMessage.LIMITED_BLOCKS
                    + " blocks and closes the connection when asked for an older one)"
                : " (a node that does not have a block may stay silent or close the connection: pruned?)";
        }

        private BitcoinFetchException interrupted() {
            Thread.currentThread().interrupt();
            return new BitcoinFetchException(next, "interrupted while fetching from node " + node() + " at block " + next);
        }
    }
}
