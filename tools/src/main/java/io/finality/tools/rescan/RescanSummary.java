package io.finality.tools.rescan;

import io.finality.core.chain.ChainId;
import java.util.List;
import java.util.Locale;

/**
 * What one rescan did, for the summary and for tests. Built once at the end of a run; any thread may read it.
 *
 * @param chain      the chain rescanned.
 * @param fromHeight first height asked for.
 * @param lastHeight last height read ({@code fromHeight - 1} if none).
 * @param asked      blocks in the range asked for.
 * @param read       blocks read from the source and published.
 * @param bytes      their total size.
 * @param nanos      wall time from the first request until the engine applied the last block.
 * @param applied    rescanned blocks the engine applied.
 * @param refused    rescanned blocks the engine refused (no longer on its applied chain, or out of range).
 * @param events     payment events journaled by this rescan (payments found and the status changes they caused).
 * @param listed     the first of those events, one readable line each.
 * @param stopped    whether a signal stopped it before the last block.
 */
public record RescanSummary(ChainId chain, long fromHeight, long lastHeight, long asked, long read, long bytes, long nanos,
                            long applied, long refused, long events, List<String> listed, boolean stopped) {

    /** The human summary: the range, the rate, and what the rescan found. */
    public String render() {
        final StringBuilder sb = new StringBuilder(256);
        sb.append(String.format(Locale.ROOT, "rescanned %d of %d blocks of %s (heights %d..%d), %.1f MB in %.2f s; %d applied, %d refused;"
            + " %d events journaled", read, asked, chain.configName(), fromHeight, lastHeight, bytes / 1_048_576.0, nanos / 1e9,
            applied, refused, events));
        if (events == 0) {
            sb.append(String.format(Locale.ROOT, "%nno payment found that was not already counted"));
        }
        for (String line : listed) {
            sb.append(String.format(Locale.ROOT, "%n  %s", line));
        }
        if (listed.size() < events) {
            sb.append(String.format(Locale.ROOT, "%n  ... and %d more (finality tail shows them all)", events - listed.size()));
        }
        return sb.toString();
    }
}
