package io.finality.core.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.ChainEvent;
import io.finality.core.ring.EventKind;
import io.finality.core.spi.AddressIndex;
import io.finality.core.spi.BlockScanner;
import io.finality.core.spi.MutableAddressIndex;
import java.util.ArrayList;
import java.util.List;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.Test;

/**
 * When the stage has caught up with the ring (end of batch), it gives the index a slice of its unfinished upkeep, only
 * once the scanners' other readers of the index are done, and lets each scanner do its own; in the middle of a batch,
 * or with nothing due, it leaves the index alone.
 */
class MatchingScanStageTest {
    private final List<String> calls = new ArrayList<>();
    private final RecordingIndex index = new RecordingIndex();
    private final MatchingScanStage stage = new MatchingScanStage(index, new WatchCommandHandler() {
        @Override
        public void onInvoiceOpen(final ChainEvent event, final MutableAddressIndex index) {
            calls.add("open");
        }

        @Override
        public void onInvoiceCancel(final ChainEvent event, final MutableAddressIndex index) {
            calls.add("cancel");
        }
    }).scanner(ChainFamily.BITCOIN, new RecordingScanner());
    private final ChainEvent tick = new ChainEvent(64, 1024, 4);

    @Test
    void shouldGiveTheIndexItsUpkeepOnlyWhenCaughtUpAndAfterItsOtherReaders() {
        tick.reset(EventKind.TICK, ChainId.BITCOIN_REGTEST);
        index.due = true;
        stage.onScan(tick, 1, false);
        assertEquals(List.of(), calls, "in the middle of a batch");

        stage.onScan(tick, 2, true);
        assertEquals(List.of("await readers", "maintain " + MatchingScanStage.IDLE_MAINTENANCE_SLOTS, "scanner upkeep"), calls);

        calls.clear();
        index.due = false;
        stage.onScan(tick, 3, true);
        assertEquals(List.of("scanner upkeep"), calls, "nothing due in the index");
    }

    private final class RecordingIndex implements MutableAddressIndex {
        boolean due;

        @Override
        public int lookup(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            return AddressIndex.MISSING;
        }

        @Override
        public int put(final int chainCode, final DirectBuffer key, final int offset, final int length, final int invoiceSlot) {
            return AddressIndex.MISSING;
        }

        @Override
        public int remove(final int chainCode, final DirectBuffer key, final int offset, final int length) {
            return AddressIndex.MISSING;
        }

        @Override
        public int size() {
            return 0;
        }

        @Override
        public boolean maintenanceDue() {
            return due;
        }

        @Override
        public int doMaintenance(final int maxSlots) {
            calls.add("maintain " + maxSlots);
            return maxSlots;
        }
    }

    private final class RecordingScanner implements BlockScanner {
        @Override
        public int scan(final ChainEvent event, final AddressIndex index) {
            calls.add("scan");
            return OK;
        }

        @Override
        public void awaitIndexReaders() {
            calls.add("await readers");
        }

        @Override
        public void doIdleMaintenance() {
            calls.add("scanner upkeep");
        }
    }
}
