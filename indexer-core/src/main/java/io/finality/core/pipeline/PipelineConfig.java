package io.finality.core.pipeline;

import io.finality.core.config.ConfigException;
import io.finality.core.config.ConfigSection;

/**
 * Maps the {@code pipeline:} section of {@code finality.yaml} to a {@link PipelineContext}.
 *
 * <pre>
 * pipeline:
 *   ring_size: 64                # slots, power of two
 *   max_payload_bytes: 16MiB     # largest block/tx payload a slot accepts
 *   memory_budget_bytes: 1GiB    # must cover ring_size * max_payload_bytes
 *   wait_strategy: handoff       # handoff | blocking | yielding | sleeping | busy-spin
 *   shutdown_timeout: 30s
 *   scan_helper: false           # true: a helper thread probes large blocks during the scan (needs >= 2 processors)
 *   fused_stages: false          # true: one thread scans each slot, then applies it (lower latency per block)
 *   scan_cpu: -1                 # pin the scan thread to this CPU (-1: the scheduler places it)
 *   scan_helper_cpu: -1          # pin the probe helper to this CPU, another than scan_cpu (-1: unpinned)
 * </pre>
 */
public final class PipelineConfig {
    private PipelineConfig() {
    }

    public static PipelineContext from(final ConfigSection section) {
        final PipelineContext ctx = new PipelineContext()
            .ringSize(section.intValue("ring_size", PipelineContext.DEFAULT_RING_SIZE, 2, 1 << 20))
            .maxPayloadBytes((int)section.bytes("max_payload_bytes", PipelineContext.DEFAULT_MAX_PAYLOAD_BYTES, 1024,
                Integer.MAX_VALUE - 1024))
            .memoryBudgetBytes(section.bytes("memory_budget_bytes", PipelineContext.DEFAULT_MEMORY_BUDGET_BYTES, 1024,
                Long.MAX_VALUE))
            .initialPayloadBytes((int)section.bytes("initial_payload_bytes", PipelineContext.DEFAULT_INITIAL_PAYLOAD_BYTES,
                0, Integer.MAX_VALUE - 1024))
            .waitStrategy(section.enumValue("wait_strategy", PipelineContext.WaitStrategyKind.class,
                PipelineContext.WaitStrategyKind.HANDOFF))
            .shutdownTimeoutMs(section.durationMs("shutdown_timeout", 30_000, 0, 3_600_000));
        ctx.scanHelper(section.bool("scan_helper", ctx.scanHelper()))
            .fusedStages(section.bool("fused_stages", ctx.fusedStages()))
            .scanCpu(section.intValue("scan_cpu", -1, -1, 1023))
            .scanHelperCpu(section.intValue("scan_helper_cpu", -1, -1, 1023));
        section.rejectUnknownKeys();
        try {
            return ctx.conclude();
        } catch (final IllegalArgumentException ex) {
            final String msg = ex.getMessage();
            final int colon = msg.indexOf(':');
            final String key = colon > 0 ? section.keyOf(msg.substring(0, colon)) : section.path();
            throw ConfigException.of(key, msg.substring(colon + 1).trim());
        }
    }
}
