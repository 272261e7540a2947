package io.finality.tools.importer;

import io.finality.core.buffer.Hex;
import java.util.List;
import java.util.Locale;

/**
 * What one import-blk run did, for the summary line and for tests. Built once at the end of a run; any thread may read it.
 *
 * @param blocks        blocks published and applied.
 * @param bytes         their total size.
 * @param importNanos   wall time of the import pass (publish until the engine applied the last block).
 * @param indexNanos    wall time of the index pass.
 * @param events        payment events journaled by this run.
 * @param startHeight   height the import continued from (the journal's tip or the configured start).
 * @param startHash     that block's hash, internal order.
 * @param tipHeight     height of the last block imported ({@code startHeight} if none).
 * @param tipHash       its hash, internal order (null if none).
 * @param records       block records read in the files.
 * @param parentUnknown blocks ignored because their parent is in no file.
 * @param stale         blocks on branches off the imported chain.
 * @param duplicates    blocks stored twice.
 * @param badProofOfWork headers that do not meet their own target.
 * @param truncated     truncated records.
 * @param oversized     records claiming more than a block's maximum size.
 * @param junkBytes     non-zero bytes skipped between records.
 * @param damagedFiles  files that lost block records.
 * @param stopped       whether a signal stopped the import before the files' last linked block.
 */
public record ImportSummary(long blocks, long bytes, long importNanos, long indexNanos, long events, long startHeight, byte[] startHash,
                            long tipHeight, byte[] tipHash, long records, long parentUnknown, long stale, long duplicates,
                            long badProofOfWork, long truncated, long oversized, long junkBytes, List<String> damagedFiles,
                            boolean stopped) {

    /** Import rate in MB/s (MiB), 0 when nothing was imported. */
    public double megabytesPerSecond() {
        return importNanos <= 0 ? 0 : bytes / 1_048_576.0 / (importNanos / 1e9);
    }

    /** Whether block records were lost to damage in the files. */
    public boolean damaged() {
        return !damagedFiles.isEmpty();
    }

    /** The human summary: what was imported, how fast, and everything skipped. */
    public String render() {
        final StringBuilder sb = new StringBuilder(256);
        if (blocks == 0) {
            sb.append("imported 0 blocks: none in the files follows height ").append(startHeight).append(" (")
                .append(Hex.toHex(Hex.reverse(startHash.clone()))).append(')');
        } else {
            sb.append(String.format(Locale.ROOT, "imported %d blocks (heights %d..%d), %.1f MB in %.2f s (%.1f MB/s); %d events journaled",
                blocks, startHeight + 1, tipHeight, bytes / 1_048_576.0, importNanos / 1e9, megabytesPerSecond(), events));
        }
        if (tipHash != null) {
            sb.append("; tip ").append(Hex.toHex(Hex.reverse(tipHash.clone())));
        }
        sb.append(String.format(Locale.ROOT, "%nindexed %d block records in %.2f s; ignored: %d with unknown parent, %d stale, "
            + "%d duplicate, %d bad proof of work; skipped: %d truncated, %d oversized records, %d junk bytes", records, indexNanos / 1e9,
            parentUnknown, stale, duplicates, badProofOfWork, truncated, oversized, junkBytes));
        return sb.toString();
    }
}
