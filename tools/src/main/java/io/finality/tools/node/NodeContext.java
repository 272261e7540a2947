package io.finality.tools.node;

import io.finality.core.pipeline.PipelineContext;
import io.finality.engine.journal.JournalContext;
import io.finality.engine.policy.PolicyBook;
import java.nio.file.Path;

/**
 * Everything {@link FinalityNode} needs: where its data lives, the ring, the journal, the policies
 * and how many keys to size the index for. Mutable builder; read at start-up.
 */
public final class NodeContext {
    private Path dataDirectory;
    private PipelineContext pipeline = new PipelineContext();
    private JournalContext.Durability durability = JournalContext.Durability.ASYNC;
    private long snapshotEverySteps = 10_000;
    private int pretouchCpu = -1;
    private PolicyBook policies = PolicyBook.withDefaults();
    private int expectedKeys = 1 << 16;
    private int outpointRetentionBlocks = 1_000;
    private TokenBook tokens = new TokenBook();

    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Holds {@code invoices/} (RocksDB) and {@code journal/} (Chronicle Queue). */
    public NodeContext dataDirectory(final Path value) {
        dataDirectory = value;
        return this;
    }

    public PipelineContext pipeline() {
        return pipeline;
    }

    public NodeContext pipeline(final PipelineContext value) {
        pipeline = value;
        return this;
    }

    public JournalContext.Durability durability() {
        return durability;
    }

    public NodeContext durability(final JournalContext.Durability value) {
        durability = value;
        return this;
    }

    public int pretouchCpu() {
        return pretouchCpu;
    }

    /** Pin the journal's pretouch thread to this CPU, another than a pinned stage thread's (-1: unpinned). */
    public NodeContext pretouchCpu(final int value) {
        pretouchCpu = value;
        return this;
    }

    public long snapshotEverySteps() {
        return snapshotEverySteps;
    }

    public NodeContext snapshotEverySteps(final long value) {
        snapshotEverySteps = value;
        return this;
    }

    public PolicyBook policies() {
        return policies;
    }

    public NodeContext policies(final PolicyBook value) {
        policies = value;
        return this;
    }

    public int expectedKeys() {
        return expectedKeys;
    }

    public NodeContext expectedKeys(final int value) {
        expectedKeys = value;
        return this;
    }

    public int outpointRetentionBlocks() {
        return outpointRetentionBlocks;
    }

    public NodeContext outpointRetentionBlocks(final int value) {
        outpointRetentionBlocks = value;
        return this;
    }

    /** The ERC-20 tokens invoices may be opened in. */
    public TokenBook tokens() {
        return tokens;
    }

    public NodeContext tokens(final TokenBook value) {
        tokens = value;
        return this;
    }
}
