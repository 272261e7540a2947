package io.finality.core.chain;

/**
 * The protocol family a chain belongs to; selects the scanner and the address rules.
 */
public enum ChainFamily {
    BITCOIN,
    ETHEREUM
}
