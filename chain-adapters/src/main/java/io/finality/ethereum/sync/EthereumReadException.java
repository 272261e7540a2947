package io.finality.ethereum.sync;

/**
 * {@link EthereumBlockReader} could not read a block: the node does not have it, answered with an error or
 * something malformed, or could not be reached. The message says which, for an operator.
 */
public final class EthereumReadException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EthereumReadException(final String message) {
        super(message);
    }
}
