package io.finality.matcher.store;

import java.io.PrintStream;
import java.nio.file.Paths;

/**
 * Child JVM for {@link InvoiceStoreKillTest}: applies the deterministic operation sequence of
 * {@link #op(int)} to a store from a given position and prints one line per acknowledged operation, until
 * the parent kills it with SIGKILL.
 */
public final class CrashingWriterMain {
    private CrashingWriterMain() {
    }

    /**
     * Operation {@code i}: open invoice n for most positions, and after every fifth open a cancel of the
     * invoice opened just before it. Returns {@code n} for an open, {@code -n - 1} for a cancel of n.
     */
    static int op(final int i) {
        // Every block of six operations opens five invoices and cancels the fourth.
        final int block = i / 6;
        final int within = i % 6;
        return within < 5 ? block * 5 + within : -(block * 5 + 3) - 1;
    }

    public static void main(final String[] args) {
        final long seed = Long.parseLong(args[1]);
        final int from = Integer.parseInt(args[2]);
        final PrintStream out = System.out;
        try (InvoiceStore store = InvoiceStore.open(new InvoiceStoreContext().path(Paths.get(args[0])))) {
            out.println("READY");
            out.flush();
            for (int i = from; ; i++) {
                final int op = op(i);
                if (op >= 0) {
                    store.open(TestInvoices.request(seed, op));
                } else {
                    store.cancel(TestInvoices.request(seed, -op - 1).invoiceId());
                }
                out.println("ACK " + i);
                out.flush();
            }
        }
    }
}
