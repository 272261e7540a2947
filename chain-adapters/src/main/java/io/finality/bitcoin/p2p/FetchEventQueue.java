package io.finality.bitcoin.p2p;

import io.netty.channel.Channel;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thread boundary of a {@link BitcoinBlockFetcher} fetch: the event loop offers
 * {@link BlockFetchHandler.Event}s, the fetching thread polls them. Flow-controlled so that a node sending
 * what was not asked for (blocks, {@code notfound}s) cannot fill the heap while the consumer is busy: at
 * {@code highWater} unread events the channel stops reading (TCP then slows the node down), and reading
 * resumes once the fetching thread is below {@code lowWater}. A node that only answers what was asked
 * never reaches the mark: at most a window of blocks and as many {@code notfound}s can be unread.
 *
 * <p>{@link #offer} from the event loop, {@link #poll} from the fetching thread.
 */
final class FetchEventQueue {
    private final LinkedBlockingQueue<BlockFetchHandler.Event> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger unread = new AtomicInteger();
    private final int highWater;
    private final int lowWater;
    private volatile long pauses;

    /** Flow control around a request window of {@code window} blocks. */
    FetchEventQueue(final int window) {
        this.highWater = 2 * window + 4;
        this.lowWater = window;
    }

    /** Event loop: queue {@code e}; at the high-water mark stop reading {@code from}. */
    void offer(final BlockFetchHandler.Event e, final Channel from) {
        queue.add(e);
        if (unread.incrementAndGet() >= highWater) {
            if (from.config().isAutoRead()) {
                pauses++;
            }
            from.config().setAutoRead(false);
            // the fetching thread may have drained below the mark (and found reading on) in between: undo
            if (unread.get() < lowWater) {
                from.config().setAutoRead(true);
            }
        }
    }

    /**
     * Fetching thread: the next event, waiting up to {@code timeoutNanos}, or null; below the low-water
     * mark, reading on {@code current} (if any) resumes.
     */
    BlockFetchHandler.Event poll(final long timeoutNanos, final Channel current) throws InterruptedException {
        final BlockFetchHandler.Event e = queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (e != null && unread.decrementAndGet() < lowWater && current != null && !current.config().isAutoRead()) {
            current.config().setAutoRead(true);
        }
        return e;
    }

    /** Times reading was stopped at the high-water mark (written by the event loop only). */
    long pauses() {
        return pauses;
    }

    /** Events offered and not yet polled. */
    int unread() {
        return unread.get();
    }
}
