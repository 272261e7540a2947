package io.finality.ethereum.sync;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the chain sync reports about itself: heights (ours, the node's head, its finalized and safe tags), counters
 * and why it stopped. Written by the connection's event loop only; read from any thread (health, metrics).
 */
final class SyncStatus {
    private final AtomicLong blocksConnected = new AtomicLong();
    private final AtomicLong blocksDisconnected = new AtomicLong();
    private final AtomicLong reorgs = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong skippedNotifications = new AtomicLong();
    private volatile boolean receiptsByLogs;
    private volatile long nodeHead = -1;
    private volatile long finalized = -1;
    private volatile long safe = -1;
    private volatile long tipHeight = -1;
    private volatile String stopReason;

    long nodeHead() {
        return nodeHead;
    }

    void nodeHead(final long value) {
        nodeHead = value;
    }

    /** Raise the node's head to {@code value} if it is higher. */
    void headSeen(final long value) {
        if (value > nodeHead) {
            nodeHead = value;
        }
    }

    long finalizedHeight() {
        return finalized;
    }

    void finalizedHeight(final long value) {
        finalized = value;
    }

    long safeHeight() {
        return safe;
    }

    void safeHeight(final long value) {
        safe = value;
    }

    long tipHeight() {
        return tipHeight;
    }

    void tipHeight(final long value) {
        tipHeight = value;
    }

    boolean receiptsByLogs() {
        return receiptsByLogs;
    }

    void receiptsByLogs(final boolean value) {
        receiptsByLogs = value;
    }

    String stopReason() {
        return stopReason;
    }

    void stopReason(final String value) {
        stopReason = value;
    }

    long blocksConnected() {
        return blocksConnected.get();
    }

    void connected() {
        blocksConnected.incrementAndGet();
    }

    long blocksDisconnected() {
        return blocksDisconnected.get();
    }

    void disconnected() {
        blocksDisconnected.incrementAndGet();
    }

    long reorgs() {
        return reorgs.get();
    }

    void reorg() {
        reorgs.incrementAndGet();
    }

    long retries() {
        return retries.get();
    }

    void retry() {
        retries.incrementAndGet();
    }

    long skippedNotifications() {
        return skippedNotifications.get();
    }

    void skippedNotification() {
        skippedNotifications.incrementAndGet();
    }
}
