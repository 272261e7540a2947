package io.finality.bitcoin.scan;

import org.agrona.DirectBuffer;

/**
 * Classifies an output script in place by its byte pattern, allocating nothing.
 *
 * <p>Stateless; safe from any thread.
 */
public final class ScriptClassifier {
    static final int OP_0 = 0x00;
    static final int OP_1 = 0x51;
    static final int OP_16 = 0x60;
    static final int OP_RETURN = 0x6a;
    static final int OP_DUP = 0x76;
    static final int OP_EQUAL = 0x87;
    static final int OP_EQUALVERIFY = 0x88;
    static final int OP_HASH160 = 0xa9;
    static final int OP_CHECKSIG = 0xac;
    static final int OP_CHECKMULTISIG = 0xae;

    private ScriptClassifier() {
    }

    /** The type of {@code script[offset, offset + length)}. */
    public static ScriptType classify(final DirectBuffer script, final int offset, final int length) {
        if (length == 0) {
            return ScriptType.OTHER;
        }
        final int op0 = script.getByte(offset) & 0xFF;
        switch (length) {
            case 25:
                if (op0 == OP_DUP && u8(script, offset + 1) == OP_HASH160 && u8(script, offset + 2) == 20
                    && u8(script, offset + 23) == OP_EQUALVERIFY && u8(script, offset + 24) == OP_CHECKSIG) {
                    return ScriptType.P2PKH;
                }
                break;
            case 23:
                if (op0 == OP_HASH160 && u8(script, offset + 1) == 20 && u8(script, offset + 22) == OP_EQUAL) {
                    return ScriptType.P2SH;
                }
                break;
            case 22:
                if (op0 == OP_0 && u8(script, offset + 1) == 20) {
                    return ScriptType.P2WPKH;
                }
                break;
            case 34:
                if (op0 == OP_0 && u8(script, offset + 1) == 32) {
                    return ScriptType.P2WSH;
                }
                if (op0 == OP_1 && u8(script, offset + 1) == 32) {
                    return ScriptType.P2TR;
                }
                break;
            case 35:
            case 67:
                if (op0 == length - 2 && u8(script, offset + length - 1) == OP_CHECKSIG) {
                    return ScriptType.P2PK;
                }
                break;
            default:
                break;
        }
        if (op0 == OP_RETURN) {
            return ScriptType.OP_RETURN;
        }
        if (op0 >= OP_1 && op0 <= OP_16 && length >= 4 && length <= 42 && u8(script, offset + 1) == length - 2) {
            return ScriptType.WITNESS_UNKNOWN;
        }
        if (isMultisig(script, offset, length, op0)) {
            return ScriptType.MULTISIG;
        }
        return ScriptType.OTHER;
    }

    /**
     * Witness version of a native segwit script: 0 for P2WPKH/P2WSH, 1..16 for OP_1..OP_16 programs,
     * -1 if the script is not a witness program.
     */
    public static int witnessVersion(final DirectBuffer script, final int offset, final int length) {
        if (length < 4 || length > 42) {
            return -1;
        }
        final int op0 = u8(script, offset);
        if (u8(script, offset + 1) != length - 2) {
            return -1;
        }
        if (op0 == OP_0) {
            return 0;
        }
        return op0 >= OP_1 && op0 <= OP_16 ? op0 - OP_1 + 1 : -1;
    }

    private static boolean isMultisig(final DirectBuffer script, final int offset, final int length, final int op0) {
        if (op0 < OP_1 || op0 > OP_16 || length < 3 || u8(script, offset + length - 1) != OP_CHECKMULTISIG) {
            return false;
        }
        final int opN = u8(script, offset + length - 2);
        if (opN < OP_1 || opN > OP_16) {
            return false;
        }
        final int m = op0 - OP_1 + 1;
        final int n = opN - OP_1 + 1;
        int pos = offset + 1;
        final int keysEnd = offset + length - 2;
        int keys = 0;
        while (pos < keysEnd) {
            final int push = u8(script, pos);
            if (push != 33 && push != 65) {
                return false;
            }
            pos += 1 + push;
            keys++;
        }
        return pos == keysEnd && keys == n && m <= n;
    }

    private static int u8(final DirectBuffer b, final int index) {
        return b.getByte(index) & 0xFF;
    }
}
