package io.finality.bitcoin.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Flow control of the fetcher's thread boundary: reading stops at the high-water mark and resumes below the low one. */
class FetchEventQueueTest {
    @Test
    void shouldStopReadingAtTheHighWaterMarkAndResumeBelowTheLowOne() throws Exception {
        final int window = 4;
        final int high = 2 * window + 4;
        final FetchEventQueue q = new FetchEventQueue(window);
        final EmbeddedChannel ch = new EmbeddedChannel();
        final List<BlockFetchHandler.Event> offered = new ArrayList<>();
        // one past the mark: what a read batch already decoded still arrives after the pause
        for (int i = 0; i <= high; i++) {
            assertEquals(i < high, ch.config().isAutoRead(), "reading before event " + i);
            final BlockFetchHandler.Event e = new BlockFetchHandler.NotFound(i, List.of());
            offered.add(e);
            q.offer(e, ch);
        }
        assertFalse(ch.config().isAutoRead(), "paused at " + high + " unread");
        assertEquals(1, q.pauses(), "one pause, however far past the mark");
        assertEquals(high + 1, q.unread());
        int taken = 0;
        while (q.unread() >= window) {
            assertFalse(ch.config().isAutoRead(), "still paused at " + q.unread() + " unread");
            assertSame(offered.get(taken++), q.poll(0, ch), "FIFO");
        }
        assertEquals(window - 1, q.unread());
        assertTrue(ch.config().isAutoRead(), "resumed below " + window + " unread");
        while (q.unread() > 0) {
            assertSame(offered.get(taken++), q.poll(0, null));
        }
        final long start = System.nanoTime();
        assertNull(q.poll(TimeUnit.MILLISECONDS.toNanos(20), ch), "nothing left: times out");
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
        ch.finishAndReleaseAll();
    }
}
