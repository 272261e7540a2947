package io.finality.tools.importer;

import io.finality.tools.progress.ProgressBars;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;

/**
 * import-blk's progress as terminal progress bars (me.tongfei:progressbar) on stderr: one for the
 * index pass in MB, one for the import pass in blocks with the MB done alongside; each shows its rate
 * and ETA. The bar refreshes from its own timer thread; updates come from the importing thread.
 */
public final class ProgressBarImportProgress implements ImportProgress {
    private static final long MB = 1L << 20;

    private final PrintWriter err;
    private ProgressBar bar;
    private long importBytes;

    public ProgressBarImportProgress(final PrintWriter err) {
        this.err = err;
    }

    @Override
    public void indexing(final long totalBytes) {
        bar = start("index", Math.max(1, totalBytes / MB), "MB");
    }

    @Override
    public void indexed(final long bytes, final long blocks) {
        bar.stepTo(bytes / MB);
        bar.setExtraMessage(" " + blocks + " blocks");
    }

    @Override
    public void importing(final long blocks, final long bytes) {
        finish();
        importBytes = bytes;
        bar = start("import", blocks, "blk");
    }

    @Override
    public void imported(final long blocks, final long bytes) {
        bar.stepTo(blocks);
        bar.setExtraMessage(" " + bytes / MB + "/" + importBytes / MB + " MB");
    }

    @Override
    public void close() {
        finish();
    }

    private ProgressBar start(final String task, final long max, final String unit) {
        return ProgressBars.start(err, task, max, unit);
    }

    private void finish() {
        bar = ProgressBars.finish(bar, err);
    }
}
