package io.finality.tools.run;

import io.finality.bitcoin.p2p.BitcoinPeerConnection;
import io.finality.bitcoin.p2p.BitcoinPeerContext;
import io.finality.bitcoin.p2p.DecodeFailure;
import io.finality.core.pipeline.EventPublisher;
import io.finality.ethereum.rpc.JsonRpcClient;
import io.finality.ethereum.sync.EthereumConnection;
import io.finality.ethereum.sync.EthereumContext;
import io.finality.tools.api.ChainHealth;
import io.finality.tools.api.HttpApi;
import io.finality.tools.node.FinalityNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ObjLongConsumer;

/**
 * What {@code finality run} runs: a {@link FinalityNode} with, from a {@link RunConfig}, the HTTP
 * API, the Bitcoin peer connection, the Ethereum node connection and a 1 s TICK timer (the engine's only clock).
 *
 * <p>{@link #close()} stops the producers first (timer, connection), then the API, then closes the
 * node (drains the ring, snapshots the engine, closes the journal and RocksDB). It is idempotent and
 * safe to call from a shutdown hook while another thread also calls it: the first caller closes,
 * others wait for it to finish. {@link #start()} from one owning thread.
 */
public final class NodeRunner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NodeRunner.class.getName());
    /** TICK period: expiry and grace deadlines resolve to within this. */
    public static final long TICK_MS = 1_000;

    private final RunConfig config;
    private final AtomicBoolean closing = new AtomicBoolean();
    private FinalityNode node;
    private HttpApi api;
    private BitcoinPeerConnection bitcoin;
    private EthereumConnection ethereum;
    private ScheduledExecutorService timer;
    private volatile boolean closed;

    public NodeRunner(final RunConfig config) {
        this.config = config;
    }

    /** Open the node, then start the API, the connection and the timer; on failure closes what started. */
    public NodeRunner start() {
        try {
            node = new FinalityNode(config.node());
            final BitcoinPeerContext peer = config.bitcoin();
            final List<ChainHealth> chains = new ArrayList<>();
            if (peer != null) {
                bitcoin = new BitcoinPeerConnection(node.resumeBitcoin(peer));
                chains.add(new BitcoinHealth(peer.network().chain().configName(), bitcoin));
            }
            final EthereumContext eth = config.ethereum();
            if (eth != null) {
                ethereum = new EthereumConnection(node.resumeEthereum(eth));
                chains.add(new EthereumHealth(eth.chain().configName(), ethereum));
            }
            if (config.hasApi()) {
                api = new HttpApi(config.apiContext(), node).chains(chains).start();
            }
            if (bitcoin != null) {
                bitcoin.start(node.publisher());
            }
            if (ethereum != null) {
                ethereum.start(node.publisher());
            }
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread t = new Thread(r, "finality-tick");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
        } catch (final RuntimeException ex) {
            close();
            throw ex;
        }
        return this;
    }

    private void tick() {
        final int result = node.tick(System.currentTimeMillis());
        if (result != EventPublisher.PUBLISHED) {
            // A missed tick is harmless: the next one carries a later time.
            LOG.log(System.Logger.Level.DEBUG, "tick not published: " + EventPublisher.describe(result));
        }
    }

    /** The running node. */
    public FinalityNode node() {
        return node;
    }

    /** The API's bound port, or -1 without an API. */
    public int apiPort() {
        return api == null ? -1 : api.port();
    }

    /** The Ethereum connection, or null. */
    public EthereumConnection ethereum() {
        return ethereum;
    }

    /** The Bitcoin connection, or null. */
    public BitcoinPeerConnection bitcoin() {
        return bitcoin;
    }

    /** Whether {@link #close()} has completed. */
    public boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            synchronized (this) {
                while (!closed) {
                    try {
                        wait(100);
                    } catch (final InterruptedException ex) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            return;
        }
        try {
            if (timer != null) {
                timer.shutdownNow();
                awaitQuietly(timer);
            }
            if (bitcoin != null) {
                bitcoin.close();
            }
            if (ethereum != null) {
                ethereum.close();
            }
            if (api != null) {
                api.close();
            }
        } finally {
            try {
                if (node != null) {
                    node.close();
                }
            } finally {
                synchronized (this) {
                    closed = true;
                    notifyAll();
                }
            }
        }
    }

    private static void awaitQuietly(final ScheduledExecutorService executor) {
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** The Bitcoin connection as {@code /health} shows it. */
    private record BitcoinHealth(String chain, BitcoinPeerConnection connection) implements ChainHealth {
        @Override
        public boolean connected() {
            return connection.connected();
        }

        @Override
        public long height() {
            return connection.connectedHeight();
        }

        @Override
        public long nodeTipHeight() {
            return connection.nodeTipHeight();
        }

        @Override
        public void errors(final ObjLongConsumer<String> sink) {
            for (DecodeFailure reason : DecodeFailure.values()) {
                sink.accept(reason.name(), connection.failures(reason));
            }
            sink.accept("STALLED", connection.stalls());
            sink.accept("RECONNECTED", Math.max(0, connection.connects() - 1));
        }
    }

    /** The Ethereum connection as {@code /health} and {@code /metrics} show it. */
    private record EthereumHealth(String chain, EthereumConnection connection) implements ChainHealth {
        @Override
        public boolean connected() {
            return connection.connected();
        }

        @Override
        public long height() {
            return connection.connectedHeight();
        }

        @Override
        public long nodeTipHeight() {
            return connection.nodeHead();
        }

        @Override
        public void errors(final ObjLongConsumer<String> sink) {
            final JsonRpcClient client = connection.client();
            sink.accept("RETRIED_BLOCK", connection.retries());
            sink.accept("SKIPPED_NOTIFICATION", connection.skippedNotifications());
            sink.accept("TIMEOUT", client == null ? 0 : client.timeouts());
            sink.accept("MALFORMED_FRAME", client == null ? 0 : client.malformedFrames());
            sink.accept("REFUSED_FRAME", client == null ? 0 : client.refusedFrames());
            sink.accept("RECONNECTED", client == null ? 0 : Math.max(0, client.connects() - 1));
            sink.accept("STOPPED", connection.stopReason() == null ? 0 : 1);
        }
    }
}
