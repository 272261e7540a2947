package io.finality.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The gateway-facing rules of the enums (fulfil only on INVOICE_CONFIRMED, which events are alarms), the
 * stability of their journal codes, and that docs/events.md says the same as the code.
 */
class PaymentEventTypeTest {

    @Test
    void shouldAllowFulfilOnlyOnInvoiceConfirmed() {
        for (PaymentEventType type : PaymentEventType.values()) {
            assertEquals(type == PaymentEventType.INVOICE_CONFIRMED, type.isFulfilSafe(), type.name());
        }
    }

    @Test
    void shouldRaiseAlarmForConfirmationRevertedAndInvalidationAfterConfirmation() {
        for (PaymentEventType type : PaymentEventType.values()) {
            assertEquals(type == PaymentEventType.CONFIRMATION_REVERTED, type.isAlarm(), type.name());
            assertEquals(type == PaymentEventType.CONFIRMATION_REVERTED, type.isAlarm(null), type.name());
            for (InvoiceStatus previous : InvoiceStatus.values()) {
                final boolean expected = type == PaymentEventType.CONFIRMATION_REVERTED
                    || (type == PaymentEventType.PAYMENT_INVALIDATED && previous == InvoiceStatus.CONFIRMED);
                assertEquals(expected, type.isAlarm(previous), type + " after " + previous);
            }
        }
    }

    /** The journal codes are a persisted contract: this list may only grow. */
    @Test
    void shouldKeepStableCodes() {
        final List<String> types = List.of("INVOICE_OPENED", "PAYMENT_DETECTED", "PAYMENT_IN_BLOCK", "INVOICE_CONFIRMING",
            "INVOICE_CONFIRMED", "INVOICE_UNDERPAID", "INVOICE_EXPIRED", "INVOICE_CANCELLED", "INVOICE_MANUAL_REVIEW",
            "PAYMENT_REVERTED", "PAYMENT_INVALIDATED", "PAYMENT_FAILED", "LATE_PAYMENT", "WRONG_ASSET_PAYMENT", "OVERPAID",
            "CONFIRMATION_REVERTED");
        for (int i = 0; i < types.size(); i++) {
            assertEquals(types.get(i), PaymentEventType.fromCode(i + 1).name());
            assertEquals(i + 1, PaymentEventType.valueOf(types.get(i)).code());
        }
        final List<String> statuses = List.of("AWAITING_PAYMENT", "DETECTED", "CONFIRMING", "CONFIRMED", "UNDERPAID", "EXPIRED",
            "MANUAL_REVIEW", "CANCELLED");
        for (int i = 0; i < statuses.size(); i++) {
            assertEquals(statuses.get(i), InvoiceStatus.fromCode(i + 1).name());
        }
        assertEquals(types.size(), PaymentEventType.values().length);
        assertEquals(statuses.size(), InvoiceStatus.values().length);
        assertNull(PaymentEventType.fromCode(0));
        assertNull(PaymentEventType.fromCode(-1));
        assertNull(PaymentEventType.fromCode(1000));
        assertNull(InvoiceStatus.fromCode(0));
        final String[] flags = {"MEMPOOL", "IN_BLOCK", "REVERTED", "INVALIDATED", "LATE", "OVERPAID", "WRONG_ASSET", "FAILED"};
        for (int bit = 0; bit < flags.length; bit++) {
            assertEquals(flags[bit], PaymentFlags.name(bit));
        }
        assertEquals(PaymentFlags.FAILED, 1 << 7);
        assertTrue(PaymentFlags.isSet(PaymentFlags.IN_BLOCK | PaymentFlags.LATE, PaymentFlags.LATE));
        assertFalse(PaymentFlags.isSet(PaymentFlags.IN_BLOCK, PaymentFlags.LATE));
    }

    private static String docs() throws IOException {
        final Path module = Paths.get(System.getProperty("basedir", System.getProperty("user.dir")));
        return Files.readString(module.resolve("../docs/events.md"));
    }

    @Test
    void shouldDocumentEveryEventTypeAsTheCodeBehaves() throws IOException {
        final Pattern table = Pattern.compile("(?m)^\\| (\\d+) \\| ([A-Z_]+) \\| [^|]+ \\| ([^|]+) \\| ([^|]+) \\| [^|]+ \\|$");
        final Matcher row = table.matcher(docs());
        int rows = 0;
        while (row.find()) {
            final PaymentEventType type = PaymentEventType.valueOf(row.group(2));
            assertEquals(type.code(), Integer.parseInt(row.group(1)), type.name());
            assertEquals(type.isFulfilSafe(), row.group(3).contains("yes"), type.name());
            final String alarm = row.group(4).trim();
            if (type.isAlarm()) {
                assertTrue(alarm.contains("always"), type.name());
            } else if (type.isAlarm(InvoiceStatus.CONFIRMED)) {
                assertTrue(alarm.contains("CONFIRMED"), type.name());
            } else {
                assertEquals("no", alarm, type.name());
            }
            rows++;
        }
        assertEquals(PaymentEventType.values().length, rows);
    }

    @Test
    void shouldDocumentTheLayoutOffsetsOfTheCode() throws IOException {
        final Map<String, Integer> expected = new HashMap<>();
        expected.put("sequence", PaymentEventLayout.SEQUENCE_OFFSET);
        expected.put("eventId", PaymentEventLayout.EVENT_ID_OFFSET);
        expected.put("chain", PaymentEventLayout.CHAIN_OFFSET);
        expected.put("event type", PaymentEventLayout.EVENT_TYPE_OFFSET);
        expected.put("status", PaymentEventLayout.STATUS_OFFSET);
        expected.put("previous status", PaymentEventLayout.PREVIOUS_STATUS_OFFSET);
        expected.put("confirmations", PaymentEventLayout.CONFIRMATIONS_OFFSET);
        expected.put("output index", PaymentEventLayout.OUTPUT_INDEX_OFFSET);
        expected.put("payment flags", PaymentEventLayout.PAYMENT_FLAGS_OFFSET);
        expected.put("txid", PaymentEventLayout.TXID_OFFSET);
        expected.put("asset contract", PaymentEventLayout.ASSET_CONTRACT_OFFSET);
        expected.put("payment amount", PaymentEventLayout.PAYMENT_AMOUNT_OFFSET);
        expected.put("amount due", PaymentEventLayout.AMOUNT_DUE_OFFSET);
        expected.put("received total", PaymentEventLayout.RECEIVED_TOTAL_OFFSET);
        expected.put("confirmed total", PaymentEventLayout.CONFIRMED_TOTAL_OFFSET);
        expected.put("invoiceId", PaymentEventLayout.FIXED_LENGTH);
        final String payment = docs().split("### PAYMENT_EVENT")[1].split("###")[0];
        final Matcher row = Pattern.compile("(?m)^\\| (\\d+) \\| [^|]+ \\| [^|]+ \\| ([^|]+) \\|").matcher(payment);
        int found = 0;
        while (row.find()) {
            final Integer offset = expected.get(row.group(2).trim());
            if (offset != null) {
                assertEquals(offset.intValue(), Integer.parseInt(row.group(1)), row.group(2));
                found++;
            }
        }
        assertEquals(expected.size(), found);
        assertTrue(docs().contains("The record is " + PaymentEventLayout.MIN_LENGTH + " bytes with all text fields empty and at most "
            + PaymentEventLayout.MAX_LENGTH + " bytes"));
    }
}
