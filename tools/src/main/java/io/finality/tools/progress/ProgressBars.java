package io.finality.tools.progress;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The terminal progress bars of the long-running commands (import-blk, rescan): me.tongfei:progressbar on a
 * writer (stderr), ASCII, with rate and ETA, refreshed by the library's own timer thread.
 */
public final class ProgressBars {
    /** Rendered width: the bar never asks the terminal (no jline terminal is opened). */
    private static final int WIDTH = 110;

    private ProgressBars() {
    }

    /** A bar for {@code task} counting to {@code max} {@code unit}s. */
    public static ProgressBar start(final PrintWriter err, final String task, final long max, final String unit) {
        return new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(1, max)).setUnit(" " + unit, 1).showSpeed()
            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200)
            .setConsumer(new DelegatingProgressBarConsumer(line -> {
                err.print('\r');
                err.print(line);
                err.flush();
            }, WIDTH)).build();
    }

    /** Close {@code bar} (if any) and end its line; returns null for the caller's field. */
    public static ProgressBar finish(final ProgressBar bar, final PrintWriter err) {
        if (bar != null) {
            bar.close();
            err.println();
            err.flush();
        }
        return null;
    }
}
