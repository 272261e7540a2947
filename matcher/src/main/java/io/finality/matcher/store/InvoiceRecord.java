package io.finality.matcher.store;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.matcher.index.WatchKeyIndex;

/**
 * One invoice as the store keeps it: what the client asked for plus what the store assigned (the dense
 * {@code slot} the index maps keys to, and {@code createdAtMs}). An edge value (API, store, start-up load);
 * the hot path reads the encoded form through {@link InvoiceCodec}'s accessors instead.
 *
 * <p>The amount due is an unsigned 128-bit integer in base units, split into two longs.
 * {@link #sameRequest} is the idempotency test: equal client-supplied fields, ignoring slot, creation time
 * and status.
 *
 * <p>Immutable (the watch key is copied in and out); safe from any thread.
 *
 * @param invoiceId     client id, 1..{@value #MAX_ID_LENGTH} chars of {@code [A-Za-z0-9._:-]}.
 * @param slot          dense slot assigned by the store, or {@link #UNASSIGNED} in a request.
 * @param chain         chain watched.
 * @param assetContract {@code null} for the native coin, else lower-case {@code 0x} + 40 hex (Ethereum only).
 * @param assetDecimals decimals of the asset's base unit, 0..38.
 * @param watchKey      output script (Bitcoin, 1..10,000 bytes) or the 20-byte address (Ethereum).
 * @param address       the address string as the client gave it.
 * @param amountDueHi   high 64 bits of the unsigned 128-bit amount due.
 * @param amountDueLo   low 64 bits of the amount due.
 * @param createdAtMs   creation time assigned by the store, 0 in a request.
 * @param expiresAtMs   expiry, epoch milliseconds.
 * @param policy        confirmation policy name.
 * @param orderId       opaque client reference, may be {@code null}.
 * @param correlationId opaque client reference, may be {@code null}.
 * @param status        open or cancelled.
 */
public record InvoiceRecord(
    String invoiceId,
    int slot,
    ChainId chain,
    String assetContract,
    int assetDecimals,
    byte[] watchKey,
    String address,
    long amountDueHi,
    long amountDueLo,
    long createdAtMs,
    long expiresAtMs,
    String policy,
    String orderId,
    String correlationId,
    InvoiceStatus status) {

    /** Slot of a request the store has not yet accepted. */
    public static final int UNASSIGNED = -1;
    public static final int MAX_ID_LENGTH = 64;
    public static final int MAX_TEXT_LENGTH = 256;
    public static final int ETHEREUM_KEY_LENGTH = 20;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_ID_LENGTH + "}");
    private static final Pattern CONTRACT = Pattern.compile("0x[0-9a-f]{40}");
    private static final BigInteger U128_LIMIT = BigInteger.ONE.shiftLeft(128);

    /** Validates every field; throws {@link IllegalArgumentException} naming the first bad one. */
    public InvoiceRecord {
        if (invoiceId == null || !ID.matcher(invoiceId).matches()) {
            throw new IllegalArgumentException("invoiceId must be 1.." + MAX_ID_LENGTH + " chars of [A-Za-z0-9._:-], was '"
                + invoiceId + "'");
        }
        if (slot < UNASSIGNED) {
            throw new IllegalArgumentException("slot must be >= 0 (or UNASSIGNED), was " + slot);
        }
        Objects.requireNonNull(chain, "chain");
        if (assetContract != null) {
            assetContract = assetContract.toLowerCase(Locale.ROOT);
            if (chain.family() != ChainFamily.ETHEREUM || !CONTRACT.matcher(assetContract).matches()) {
                throw new IllegalArgumentException("assetContract must be null or 0x + 40 hex on an Ethereum chain, was '"
                    + assetContract + "' on " + chain.configName());
            }
        }
        if (assetDecimals < 0 || assetDecimals > 38) {
            throw new IllegalArgumentException("assetDecimals must be 0..38, was " + assetDecimals);
        }
        Objects.requireNonNull(watchKey, "watchKey");
        if (watchKey.length < 1 || watchKey.length > WatchKeyIndex.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException("watchKey must be 1.." + WatchKeyIndex.MAX_KEY_LENGTH + " bytes, was " + watchKey.length);
        }
        if (chain.family() == ChainFamily.ETHEREUM && watchKey.length != ETHEREUM_KEY_LENGTH) {
            throw new IllegalArgumentException("an Ethereum watchKey is a 20-byte address, was " + watchKey.length + " bytes");
        }
        watchKey = watchKey.clone();
        checkText("address", address, false);
        if (amountDueHi == 0 && amountDueLo == 0) {
            throw new IllegalArgumentException("amount due must be > 0");
        }
        if (createdAtMs < 0 || expiresAtMs < 0) {
            throw new IllegalArgumentException("times must be >= 0, were createdAtMs=" + createdAtMs + " expiresAtMs=" + expiresAtMs);
        }
        checkText("policy", policy, false);
        if (policy.length() > MAX_ID_LENGTH) {
            throw new IllegalArgumentException("policy must be at most " + MAX_ID_LENGTH + " chars");
        }
        checkText("orderId", orderId, true);
        checkText("correlationId", correlationId, true);
        Objects.requireNonNull(status, "status");
    }

    /** A new open request with a 128-bit amount given as a non-negative {@link BigInteger} (edge use only). */
    public static InvoiceRecord request(
        final String invoiceId, final ChainId chain, final String assetContract, final int assetDecimals, final byte[] watchKey,
        final String address, final BigInteger amountDue, final long expiresAtMs, final String policy, final String orderId,
        final String correlationId) {
        if (amountDue.signum() < 0 || amountDue.compareTo(U128_LIMIT) >= 0) {
            throw new IllegalArgumentException("amount due must fit in unsigned 128 bits, was " + amountDue);
        }
        return new InvoiceRecord(invoiceId, UNASSIGNED, chain, assetContract, assetDecimals, watchKey, address,
            amountDue.shiftRight(64).longValue(), amountDue.longValue(), 0, expiresAtMs, policy, orderId, correlationId,
            InvoiceStatus.OPEN);
    }

    /** The watch key (a copy). */
    @Override
    public byte[] watchKey() {
        return watchKey.clone();
    }

    /** Length of the watch key without copying it. */
    public int watchKeyLength() {
        return watchKey.length;
    }

    /** The amount due as a {@link BigInteger}, for the edges. */
    public BigInteger amountDue() {
        return new BigInteger(Long.toUnsignedString(amountDueHi)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(amountDueLo)));
    }

    /** This request as accepted by the store. */
    public InvoiceRecord withAssigned(final int newSlot, final long newCreatedAtMs) {
        return new InvoiceRecord(invoiceId, newSlot, chain, assetContract, assetDecimals, watchKey, address, amountDueHi,
            amountDueLo, newCreatedAtMs, expiresAtMs, policy, orderId, correlationId, status);
    }

    /** This invoice with another status. */
    public InvoiceRecord withStatus(final InvoiceStatus newStatus) {
        return new InvoiceRecord(invoiceId, slot, chain, assetContract, assetDecimals, watchKey, address, amountDueHi,
            amountDueLo, createdAtMs, expiresAtMs, policy, orderId, correlationId, Objects.requireNonNull(newStatus, "status"));
    }

    /**
     * @return whether every client-supplied field equals {@code other}'s (slot, creation time and status are
     *     assigned by the store and do not count).
     */
    public boolean sameRequest(final InvoiceRecord other) {
        return firstDifference(other) == null;
    }

    /** @return the name of the first client-supplied field that differs, or {@code null}. */
    public String firstDifference(final InvoiceRecord other) {
        if (!invoiceId.equals(other.invoiceId)) {
            return "invoiceId";
        } else if (chain != other.chain) {
            return "chain";
        } else if (!Objects.equals(assetContract, other.assetContract)) {
            return "assetContract";
        } else if (assetDecimals != other.assetDecimals) {
            return "assetDecimals";
        } else if (!Arrays.equals(watchKey, other.watchKey)) {
            return "watchKey";
        } else if (!address.equals(other.address)) {
            return "address";
        } else if (amountDueHi != other.amountDueHi || amountDueLo != other.amountDueLo) {
            return "amountDue";
        } else if (expiresAtMs != other.expiresAtMs) {
            return "expiresAtMs";
        } else if (!policy.equals(other.policy)) {
            return "policy";
        } else if (!Objects.equals(orderId, other.orderId)) {
            return "orderId";
        } else if (!Objects.equals(correlationId, other.correlationId)) {
            return "correlationId";
        }
        return null;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof InvoiceRecord other && sameRequest(other) && slot == other.slot && createdAtMs == other.createdAtMs
            && status == other.status;
    }

    @Override
    public int hashCode() {
        return Objects.hash(invoiceId, slot, chain, assetContract, assetDecimals, Arrays.hashCode(watchKey), address, amountDueHi,
            amountDueLo, createdAtMs, expiresAtMs, policy, orderId, correlationId, status);
    }

    @Override
    public String toString() {
        return "InvoiceRecord[" + invoiceId + ", slot=" + slot + ", " + chain.configName() + ", contract=" + assetContract
            + ", decimals=" + assetDecimals + ", key=" + HexFormat.of().formatHex(watchKey) + ", address=" + address
            + ", amountDue=" + amountDue() + ", createdAtMs=" + createdAtMs + ", expiresAtMs=" + expiresAtMs + ", policy=" + policy
            + ", orderId=" + orderId + ", correlationId=" + correlationId + ", " + status + "]";
    }

    private static void checkText(final String name, final String value, final boolean nullable) {
        if (value == null) {
            if (!nullable) {
                throw new IllegalArgumentException(name + " is required");
            }
            return;
        }
        if ((!nullable && value.isEmpty()) || value.length() > MAX_TEXT_LENGTH) {
            throw new IllegalArgumentException(name + " must be " + (nullable ? 0 : 1) + ".." + MAX_TEXT_LENGTH + " chars, was "
                + value.length());
        }
    }
}
