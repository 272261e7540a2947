package io.finality.engine.policy;

import io.finality.core.amount.U128;
import java.util.Objects;

/**
 * When a payment counts as final, per chain and asset: confirmation tiers by the invoice's amount
 * due (or the chain's {@code finalized} tag), the underpayment tolerance, the late-payment grace
 * and action, and the manual-review threshold.
 *
 * <p>Immutable after construction; shared by the state-engine thread and configuration code.
 */
public final class ConfirmationPolicy {
    /** No manual-review threshold. */
    public static final long NONE = -1;

    private final String name;
    private final long[] tierMaxHi;
    private final long[] tierMaxLo;
    private final int[] tierConfirmations;
    private final int defaultConfirmations;
    private final boolean finalizedMode;
    private final int toleranceBps;
    private final long graceMs;
    private final LatePaymentAction lateAction;
    private final long reviewHi;
    private final long reviewLo;

    private ConfirmationPolicy(final Builder b) {
        name = b.name;
        final int n = b.tierCount;
        tierMaxHi = java.util.Arrays.copyOf(b.tierMaxHi, n);
        tierMaxLo = java.util.Arrays.copyOf(b.tierMaxLo, n);
        tierConfirmations = java.util.Arrays.copyOf(b.tierConfirmations, n);
        defaultConfirmations = b.defaultConfirmations;
        finalizedMode = b.finalizedMode;
        toleranceBps = b.toleranceBps;
        graceMs = b.graceMs;
        lateAction = b.lateAction;
        reviewHi = b.reviewHi;
        reviewLo = b.reviewLo;
    }

    public static Builder builder(final String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /** Confirmations needed for an invoice of this amount due: the first tier whose maximum covers it. */
    public int requiredConfirmations(final long dueHi, final long dueLo) {
        for (int i = 0; i < tierConfirmations.length; i++) {
            if (U128.compare(dueHi, dueLo, tierMaxHi[i], tierMaxLo[i]) <= 0) {
                return tierConfirmations[i];
            }
        }
        return defaultConfirmations;
    }

    /** True when payments count only once their block is at or below the chain's {@code finalized} block. */
    public boolean finalizedMode() {
        return finalizedMode;
    }

    /** Accepted shortfall in basis points of the amount due (50 = 0.5 %). */
    public int toleranceBps() {
        return toleranceBps;
    }

    /** How long after expiry a payment is still taken as on time. */
    public long graceMs() {
        return graceMs;
    }

    public LatePaymentAction lateAction() {
        return lateAction;
    }

    /** True if invoices due at least the review threshold go to MANUAL_REVIEW instead of CONFIRMED. */
    public boolean needsReview(final long dueHi, final long dueLo) {
        return reviewHi != NONE && U128.compare(dueHi, dueLo, reviewHi, reviewLo) >= 0;
    }

    /** Configures a {@link ConfirmationPolicy}; used at start-up only. */
    public static final class Builder {
        private final String name;
        private long[] tierMaxHi = new long[4];
        private long[] tierMaxLo = new long[4];
        private int[] tierConfirmations = new int[4];
        private int tierCount;
        private int defaultConfirmations = 6;
        private boolean finalizedMode;
        private int toleranceBps;
        private long graceMs = 60 * 60 * 1000L;
        private LatePaymentAction lateAction = LatePaymentAction.MANUAL_REVIEW;
        private long reviewHi = NONE;
        private long reviewLo = NONE;

        private Builder(final String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        /** Invoices due at most {@code maxDue} (inclusive) need {@code confirmations}; add tiers in ascending order. */
        public Builder tier(final long maxDueHi, final long maxDueLo, final int confirmations) {
            if (confirmations < 1) {
                throw new IllegalArgumentException("a tier needs at least 1 confirmation, was " + confirmations);
            }
            if (tierCount > 0 && U128.compare(maxDueHi, maxDueLo, tierMaxHi[tierCount - 1], tierMaxLo[tierCount - 1]) <= 0) {
                throw new IllegalArgumentException("tiers must be in ascending order of their maximum amount");
            }
            if (tierCount == tierConfirmations.length) {
                tierMaxHi = java.util.Arrays.copyOf(tierMaxHi, tierCount * 2);
                tierMaxLo = java.util.Arrays.copyOf(tierMaxLo, tierCount * 2);
                tierConfirmations = java.util.Arrays.copyOf(tierConfirmations, tierCount * 2);
            }
            tierMaxHi[tierCount] = maxDueHi;
            tierMaxLo[tierCount] = maxDueLo;
            tierConfirmations[tierCount] = confirmations;
            tierCount++;
            return this;
        }

        /** Confirmations for amounts above every tier. */
        public Builder defaultConfirmations(final int confirmations) {
            if (confirmations < 1) {
                throw new IllegalArgumentException("confirmations must be >= 1, was " + confirmations);
            }
            defaultConfirmations = confirmations;
            return this;
        }

        public Builder finalizedMode(final boolean value) {
            finalizedMode = value;
            return this;
        }

        public Builder toleranceBps(final int bps) {
            if (bps < 0 || bps >= U128.BASIS_POINTS) {
                throw new IllegalArgumentException("tolerance must be 0..9999 basis points, was " + bps);
            }
            toleranceBps = bps;
            return this;
        }

        public Builder graceMs(final long ms) {
            if (ms < 0) {
                throw new IllegalArgumentException("grace must be >= 0 ms, was " + ms);
            }
            graceMs = ms;
            return this;
        }

        public Builder lateAction(final LatePaymentAction action) {
            lateAction = Objects.requireNonNull(action, "lateAction");
            return this;
        }

        public Builder reviewThreshold(final long hi, final long lo) {
            reviewHi = hi;
            reviewLo = lo;
            return this;
        }

        public ConfirmationPolicy build() {
            return new ConfirmationPolicy(this);
        }
    }
}
