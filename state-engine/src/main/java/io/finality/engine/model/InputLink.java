package io.finality.engine.model;

/**
 * Input {@link #input()} of a tracked payment that holds its transaction's inputs, as a link in the engine's chain of
 * transactions that spend the same outpoint. Doubly linked, so a payment leaves every chain it is in in constant time
 * per input, whatever the order in which payments leave. Each payment record owns the links of its input positions and
 * keeps them when it is reused or hands its inputs on, so steady state allocates none.
 *
 * <p>Owned by the state-engine thread.
 */
public final class InputLink {
    private Payment payment;
    private final int input;
    private InputLink previous;
    private InputLink next;

    InputLink(final Payment payment, final int input) {
        this.payment = payment;
        this.input = input;
    }

    /** The payment that holds its transaction's inputs (see {@link Payment#takeInputsFrom}). */
    public Payment payment() {
        return payment;
    }

    void payment(final Payment value) {
        payment = value;
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
