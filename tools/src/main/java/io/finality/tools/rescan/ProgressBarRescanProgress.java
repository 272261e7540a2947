package io.finality.tools.rescan;

import io.finality.tools.progress.ProgressBars;
import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;

/** A rescan's progress as a terminal progress bar on stderr, in blocks, with the MB read, the rate and the ETA. */
public final class ProgressBarRescanProgress implements RescanProgress {
    private static final long MB = 1L << 20;

    private final PrintWriter err;
    private ProgressBar bar;

    public ProgressBarRescanProgress(final PrintWriter err) {
        this.err = err;
    }

    @Override
    public void starting(final long blocks) {
        bar = ProgressBars.start(err, "rescan", blocks, "blk");
    }

    @Override
    public void rescanned(final long blocks, final long bytes) {
        bar.stepTo(blocks);
        bar.setExtraMessage(" " + bytes / MB + " MB");
    }

    @Override
    public void close() {
        bar = ProgressBars.finish(bar, err);
    }
}
