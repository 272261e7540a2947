package io.finality.engine.model;

/**
 * Input {@link #input()} of a tracked payment, as a link in the engine's chain of payments that spend the same
 * outpoint. Doubly linked, so a payment leaves every chain it is in in constant time per input, whatever the order
 * in which payments leave (the N payments of one transaction's N outputs all spend its inputs). Each payment record
 * owns the links of its inputs and keeps them when it is reused, so steady state allocates none.
 *
 * <p>Owned by the state-engine thread.
 */
public final class InputLink {
    private final Payment payment;
    private final int input;
    private InputLink previous;
    private InputLink next;

    InputLink(final Payment payment, final int input) {
        this.payment = payment;
        this.input = input;
    }

    public Payment payment() {
        return payment;
    }

    /** Which of its payment's inputs this is (for {@link Payment#inputIs}). */
    public int input() {
        return input;
    }

    public InputLink previous() {
        return previous;
    }

    public void previous(final InputLink value) {
        previous = value;
    }

    public InputLink next() {
        return next;
    }

    public void next(final InputLink value) {
        next = value;
    }
}
