package io.finality.core.pipeline;

import io.finality.core.chain.ChainFamily;
import io.finality.core.ring.ChainEvent;
import io.finality.core.spi.BlockScanner;
import io.finality.core.spi.MutableAddressIndex;

/**
 * The standard stage 1: dispatches each slot by kind. Blocks and mempool transactions go to the
 * scanner of their chain family; invoice open/cancel mutate the index (here, and only here);
 * other kinds pass through untouched for the state engine.
 *
 * <p>Thread rules: single-threaded (the scan thread).
 */
public final class MatchingScanStage implements ScanStage {
    /**
     * Index slots of upkeep each time the stage has caught up with the ring (about 16 KB of reads, a few µs): without it
     * a grown table or a stale pre-filter is finished only by later mutations, which may be few after an expiry sweep.
     */
    public static final int IDLE_MAINTENANCE_SLOTS = 1024;

    private final MutableAddressIndex index;
    private final BlockScanner[] scannersByFamily = new BlockScanner[ChainFamily.values().length];
    private final WatchCommandHandler commands;

    /**
     * @param index    the watched keys.
     * @param commands applies invoice open/cancel to the index.
     */
    public MatchingScanStage(final MutableAddressIndex index, final WatchCommandHandler commands) {
        this.index = index;
        this.commands = commands;
    }

    /** Register the scanner for a chain family (before the pipeline starts). */
    public MatchingScanStage scanner(final ChainFamily family, final BlockScanner scanner) {
        scannersByFamily[family.ordinal()] = scanner;
        return this;
    }

    @Override
    public void onScan(final ChainEvent event, final long sequence, final boolean endOfBatch) {
        switch (event.kind()) {
            case BLOCK_CONNECTED, BLOCK_RESCANNED, MEMPOOL_TX -> {
                final BlockScanner scanner = scannersByFamily[event.chain().family().ordinal()];
                if (scanner == null) {
                    throw new IllegalStateException("no scanner registered for " + event.chain().family());
                }
                event.matches().clear();
                scanner.scan(event, index);
            }
            case INVOICE_OPEN -> {
                awaitIndexReaders();
                commands.onInvoiceOpen(event, index);
            }
            case INVOICE_CANCEL -> {
                awaitIndexReaders();
                commands.onInvoiceCancel(event, index);
            }
            default -> {
                // BLOCK_DISCONNECTED, MEMPOOL_TX_GONE and TICK carry no payload to match.
            }
        }
        if (endOfBatch) {
            doIdleMaintenance();
        }
    }

    /** Nothing more is in the ring: a slice of the index's and the scanners' unfinished upkeep, if any. */
    private void doIdleMaintenance() {
        if (index.maintenanceDue()) {
            awaitIndexReaders();
            index.doMaintenance(IDLE_MAINTENANCE_SLOTS);
        }
        for (BlockScanner scanner : scannersByFamily) {
            if (scanner != null) {
                scanner.doIdleMaintenance();
            }
        }
    }

    /** A scanner's helper thread may still read the index after its scan returned: the index changes only once none does. */
    private void awaitIndexReaders() {
        for (BlockScanner scanner : scannersByFamily) {
            if (scanner != null) {
                scanner.awaitIndexReaders();
            }
        }
    }
}
