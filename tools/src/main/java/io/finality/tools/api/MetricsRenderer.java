package io.finality.tools.api;

import io.finality.core.chain.ChainId;
import io.finality.core.event.PaymentEventType;
import io.finality.core.pipeline.PipelineCounters;
import io.finality.tools.metrics.EventTypeCounts;
import io.finality.tools.metrics.StepMetrics;
import io.finality.tools.node.FinalityNode;
import java.math.BigDecimal;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * Renders {@code /metrics} in the Prometheus text exposition format 0.0.4: ring counters and backlog, events
 * journaled (in total and by type), the scan helper's take-overs, the watch indexes' maintenance pauses, per chain
 * blocks connected and disconnected, reorgs, transactions scanned, matches, connection state and errors, detection
 * latency as summaries (quantiles over every step since start), the age of the last applied step, and errors by kind.
 *
 * <p>Thread rules: any API worker thread; it only reads counters other threads publish.
 */
final class MetricsRenderer {
    /** Quantiles reported for each latency summary. */
    static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999, 1.0};

    private final FinalityNode node;
    private final List<ChainHealth> chains;
    private final EventTypeCounts eventTypes;
    private final AtomicLongArray responsesByClass;

    MetricsRenderer(final FinalityNode node, final List<ChainHealth> chains, final EventTypeCounts eventTypes,
        final AtomicLongArray responsesByClass) {
        this.node = node;
        this.chains = chains;
        this.eventTypes = eventTypes;
        this.responsesByClass = responsesByClass;
    }

    String render() {
        final PipelineCounters c = node.pipeline().counters();
        final StepMetrics steps = node.metrics();
        final StringBuilder out = new StringBuilder(8192);
        final long published = c.published();
        final long applied = c.applied();
        counter(out, "finality_ring_published_total", "Slots published into the ring.", published);
        counter(out, "finality_ring_scanned_total", "Slots through the scan/match stage.", c.scanned());
        counter(out, "finality_ring_applied_total", "Slots applied by the state engine.", applied);
        gauge(out, "finality_ring_backlog", "Slots published but not yet applied and journaled (the journal's lag behind the ring).",
            Math.max(0, published - applied));
        final long age = steps.lastStepAgeNanos(System.nanoTime());
        if (age >= 0) {
            header(out, "finality_last_step_age_seconds", "Seconds since the state engine last finished a step.", "gauge");
            out.append("finality_last_step_age_seconds ").append(seconds(age)).append('\n');
        }
        counter(out, "finality_events_written_total", "Payment events journaled (the last event sequence).", node.eventsWritten());
        counter(out, "finality_scan_helper_takeovers_total", "Chunks of a large Bitcoin block's probes the scan thread took over"
            + " from its probe helper, which had stopped in them (pipeline.scan_helper).", node.scanHelperTakeOvers());
        perIndex(out, "finality_matcher_pauses_total", "Maintenance passes of a watch index (growth, arena compaction), each a"
            + " pause of the scan thread; index: scripts (invoices) or outpoints (spent by payments).", "counter",
            index -> Long.toString(node.indexPauses(index)));
        perIndex(out, "finality_matcher_pause_max_seconds", "The longest maintenance pause of a watch index so far.", "gauge",
            index -> seconds(node.indexMaxPauseNanos(index)));

        header(out, "finality_events_total", "Payment events journaled by this process, by type.", "counter");
        eventTypes.refresh();
        for (PaymentEventType type : PaymentEventType.values()) {
            out.append("finality_events_total{type=\"").append(type.name()).append("\"} ").append(eventTypes.count(type)).append('\n');
        }

        final Set<ChainId> shown = chainsToShow(steps);
        perChain(out, shown, "finality_blocks_connected_total", "Blocks applied as connected.", steps::blocksConnected);
        perChain(out, shown, "finality_blocks_disconnected_total", "Blocks applied as disconnected by a reorganisation.",
            steps::blocksDisconnected);
        perChain(out, shown, "finality_reorgs_total", "Reorganisations (runs of disconnected blocks).", steps::reorgs);
        perChain(out, shown, "finality_transactions_scanned_total",
            "Transactions scanned (Bitcoin: every transaction of each connected block, and mempool transactions).",
            steps::transactionsScanned);
        header(out, "finality_matches_total",
            "Matches found by the scan stage: outputs paying a watched key, spends of a watched outpoint.", "counter");
        for (ChainId chain : shown) {
            out.append("finality_matches_total{chain=\"").append(chain.configName()).append("\",kind=\"output\"} ")
                .append(steps.matchedOutputs(chain)).append('\n');
            out.append("finality_matches_total{chain=\"").append(chain.configName()).append("\",kind=\"spend\"} ")
                .append(steps.matchedSpends(chain)).append('\n');
        }
        if (!chains.isEmpty()) {
            header(out, "finality_chain_connected", "1 while the connection to the chain's node is up.", "gauge");
            for (ChainHealth chain : chains) {
                out.append("finality_chain_connected{chain=\"").append(chain.chain()).append("\"} ").append(chain.connected() ? 1 : 0)
                    .append('\n');
            }
            header(out, "finality_chain_height", "Height of the last block the connection published.", "gauge");
            for (ChainHealth chain : chains) {
                out.append("finality_chain_height{chain=\"").append(chain.chain()).append("\"} ").append(chain.height()).append('\n');
            }
        }

        for (StepMetrics.LatencyKind kind : StepMetrics.LatencyKind.values()) {
            summary(out, kind, steps.latency(kind));
        }

        header(out, "finality_errors_total", "Errors and refusals by kind.", "counter");
        error(out, "scanErrors", c.scanErrors());
        error(out, "engineErrors", c.engineErrors());
        error(out, "payloadTooLarge", c.payloadTooLarge());
        error(out, "backPressured", c.backPressured());
        error(out, "discarded", c.discarded());
        error(out, "malformedSteps", steps.malformedInputs());
        error(out, "unscannedSlots", steps.unscannedSlots());
        error(out, "truncatedFields", steps.truncatedFields());
        error(out, "journalFailed", node.healthy() ? 0 : 1);
        error(out, "apiClientErrors", responsesByClass.get(4));
        error(out, "apiServerErrors", responsesByClass.get(5));
        header(out, "finality_chain_errors_total", "Chain connection errors by chain and kind (each dropped the connection).", "counter");
        for (ChainHealth chain : chains) {
            chain.errors((kind, value) -> out.append("finality_chain_errors_total{chain=\"").append(chain.chain())
                .append("\",kind=\"").append(kind).append("\"} ").append(value).append('\n'));
        }
        return out.toString();
    }

    /** One sample per watch index, labelled scripts or outpoints. */
    private static void perIndex(final StringBuilder out, final String name, final String help, final String type,
        final Function<FinalityNode.WatchIndex, String> value) {
        header(out, name, help, type);
        for (FinalityNode.WatchIndex index : FinalityNode.WatchIndex.values()) {
            out.append(name).append("{index=\"").append(index.name().toLowerCase(Locale.ROOT)).append("\"} ")
                .append(value.apply(index)).append('\n');
        }
    }

    /** Chains with a connection, and any other chain something happened on. */
    private Set<ChainId> chainsToShow(final StepMetrics steps) {
        final Set<ChainId> shown = EnumSet.noneOf(ChainId.class);
        for (ChainHealth chain : chains) {
            shown.add(ChainId.fromConfigName(chain.chain()));
        }
        for (ChainId chain : ChainId.values()) {
            if (steps.blocksConnected(chain) + steps.blocksDisconnected(chain) + steps.transactionsScanned(chain) > 0) {
                shown.add(chain);
            }
        }
        return shown;
    }

    private static void summary(final StringBuilder out, final StepMetrics.LatencyKind kind, final StepMetrics.LatencySnapshot latency) {
        final String name = "finality_detection_latency_seconds";
        final String label = kind.name().toLowerCase(Locale.ROOT);
        if (kind.ordinal() == 0) {
            header(out, name, "From a slot's publication into the ring to its step (with its events) journaled; "
                + "block: connected blocks, mempool: matching mempool transactions.", "summary");
        }
        final Histogram h = latency.histogram();
        for (double q : QUANTILES) {
            out.append(name).append("{kind=\"").append(label).append("\",quantile=\"").append(q).append("\"} ");
            if (h.getTotalCount() == 0) {
                out.append("NaN");
            } else {
                out.append(seconds(h.getValueAtPercentile(q * 100.0)));
            }
            out.append('\n');
        }
        out.append(name).append("_sum{kind=\"").append(label).append("\"} ").append(seconds(latency.sumNanos())).append('\n');
        out.append(name).append("_count{kind=\"").append(label).append("\"} ").append(latency.count()).append('\n');
    }

    private static void perChain(final StringBuilder out, final Set<ChainId> chains, final String name, final String help,
        final java.util.function.ToLongFunction<ChainId> value) {
        header(out, name, help, "counter");
        for (ChainId chain : chains) {
            out.append(name).append("{chain=\"").append(chain.configName()).append("\"} ").append(value.applyAsLong(chain)).append('\n');
        }
    }

    private static String seconds(final long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    private static void header(final StringBuilder out, final String name, final String help, final String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(final StringBuilder out, final String name, final String help, final long value) {
        header(out, name, help, "counter");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(final StringBuilder out, final String name, final String help, final long value) {
        header(out, name, help, "gauge");
        out.append(name).append(' ').append(value).append('\n');
    }

    private static void error(final StringBuilder out, final String kind, final long value) {
        out.append("finality_errors_total{kind=\"").append(kind).append("\"} ").append(value).append('\n');
    }
}
