package io.finality.core.pipeline;

import io.finality.core.ring.ChainEvent;

/**
 * Stage 1 of the pipeline: scan payloads and match them against the watched keys; the only writer
 * of the address index.
 *
 * <p>Thread rules: called only from the scan thread, in ring order.
 */
@FunctionalInterface
public interface ScanStage {
    void onScan(ChainEvent event, long sequence, boolean endOfBatch);
}
