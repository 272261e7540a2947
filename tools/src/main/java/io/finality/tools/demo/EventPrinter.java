package io.finality.tools.demo;

import io.finality.core.amount.U128;
import io.finality.core.chain.Asset;
import io.finality.core.chain.ChainId;
import io.finality.core.event.PaymentEventDecoder;
import io.finality.core.event.PaymentEventType;
import io.finality.engine.journal.EventJournal;
import io.finality.engine.journal.EventTailer;
import io.finality.tools.node.TokenBook;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tails the journal on its own thread and prints each payment event as one readable line, the
 * way a gateway would consume them; remembers each invoice's last status for the summary.
 */
final class EventPrinter implements Runnable, AutoCloseable {
    private final EventJournal journal;
    private final PrintWriter out;
    private final boolean color;
    private final Map<String, String> lastStatus = new LinkedHashMap<>();
    private final Map<String, String> lastTotals = new LinkedHashMap<>();
    private final Map<PaymentEventType, Integer> counts = new java.util.EnumMap<>(PaymentEventType.class);
    private final Map<String, Unit> invoiceUnits = new LinkedHashMap<>();
    private final TokenBook tokens;
    private final org.agrona.concurrent.UnsafeBuffer contract = new org.agrona.concurrent.UnsafeBuffer(new byte[20]);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long printed;

    EventPrinter(final EventJournal journal, final PrintWriter out, final boolean color, final TokenBook tokens) {
        this.journal = journal;
        this.tokens = tokens;
        this.out = out;
        this.color = color;
        this.thread = new Thread(this, "finality-demo-tail");
        this.thread.setDaemon(true);
    }

    EventPrinter start() {
        thread.start();
        return this;
    }

    long printed() {
        return printed;
    }

    @Override
    public void run() {
        try (EventTailer tailer = new EventTailer(journal, 1)) {
            while (running) {
                if (tailer.poll(this::print, 64) == 0) {
                    Thread.sleep(5);
                }
            }
            while (tailer.poll(this::print, 64) > 0) {
                Thread.onSpinWait();
            }
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void print(final PaymentEventDecoder e) {
        final PaymentEventType type = e.eventType();
        final String id = e.invoiceId();
        final U128 amount = new U128(e.paymentAmountHi(), e.paymentAmountLo());
        final Unit moved = unitOf(e);
        final Unit invoiced = invoiceUnits.computeIfAbsent(id, k -> moved);
        final String line = String.format("  #%-3d %-22s %-11s -> %-16s %s%s", e.sequence(), type.name(), id, e.status().name(),
            amount.isZero() ? "" : amount.toDecimalString(moved.decimals()) + " " + moved.symbol(),
            e.confirmations() > 0 ? "  (" + e.confirmations() + " conf)" : "");
        final String painted = color ? paint(type, line) : line;
        synchronized (out) {
            out.println(painted);
            out.flush();
        }
        lastStatus.put(id, e.status().name());
        lastTotals.put(id, new U128(e.receivedTotalHi(), e.receivedTotalLo()).toDecimalString(invoiced.decimals()) + " / "
            + new U128(e.amountDueHi(), e.amountDueLo()).toDecimalString(invoiced.decimals()) + " " + invoiced.symbol());
        counts.merge(type, 1, Integer::sum);
        printed++;
    }

    /** The asset an event's amount is in: the chain's coin, a configured token, or raw units of an unknown one. */
    private Unit unitOf(final PaymentEventDecoder e) {
        final ChainId chain = e.chain();
        if (e.isNativeAsset()) {
            return new Unit(chain.nativeDecimals(), chain.nativeSymbol());
        }
        e.getAssetContract(contract, 0);
        final String address = "0x" + io.finality.core.buffer.Hex.toHex(contract, 0, 20);
        final Asset token = tokens.byContract(chain, address);
        return token == null ? new Unit(0, "units of " + address.substring(0, 10) + "...") : new Unit(token.decimals(), token.symbol());
    }

    /** Decimals and symbol for display. */
    private record Unit(int decimals, String symbol) {
    }

    private static String paint(final PaymentEventType type, final String line) {
        if (type.isAlarm()) {
            return "\u001b[1;31m" + line + "\u001b[0m";
        }
        if (type.isFulfilSafe()) {
            return "\u001b[1;32m" + line + "\u001b[0m";
        }
        return line;
    }

    Map<String, String> lastStatus() {
        return lastStatus;
    }

    Map<String, String> lastTotals() {
        return lastTotals;
    }

    Map<PaymentEventType, Integer> counts() {
        return counts;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (final InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
