package io.finality.ethereum.node;

import io.finality.ethereum.devnet.AnvilRpc;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fault armed on a {@link FaultyRpcProxy} for a JSON-RPC method: what to do instead of an honest answer, and
 * how many more requests it applies to.
 *
 * <p>Armed by the test thread, consumed by the proxy's event loop: the count is atomic, the rest immutable.
 */
final class ArmedFault {
    /** What the proxy does to a request or its answer. */
    enum Kind {
        /** Answer a JSON-RPC error without forwarding the request. */
        ERROR,
        /** Forward; answer {@code "result":null} instead of the node's answer. */
        NULL_RESULT,
        /** Forward; answer a truncated (malformed) JSON object carrying the id instead. */
        GARBAGE,
        /** Forward; never answer (the node's answer is dropped). */
        SWALLOW,
        /** Forward; answer a valid but huge frame of a given size instead. */
        OVERSIZE
    }

    private final Kind kind;
    private final AtomicInteger remaining;
    private final int code;
    private final String message;
    private final int bytes;

    ArmedFault(final Kind kind, final int times, final int code, final String message, final int bytes) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive: " + times);
        }
        this.kind = kind;
        this.remaining = new AtomicInteger(times);
        this.code = code;
        this.message = message;
        this.bytes = bytes;
    }

    /** Use the fault once if it has uses left. */
    boolean take() {
        int left;
        do {
            left = remaining.get();
            if (left <= 0) {
                return false;
            }
        } while (!remaining.compareAndSet(left, left - 1));
        return true;
    }

    Kind kind() {
        return kind;
    }

    /** The frame that replaces the answer to the request with JSON id {@code id} (ERROR, NULL_RESULT, GARBAGE, OVERSIZE). */
    String answer(final String id) {
        return switch (kind) {
            case ERROR -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"error\":{\"code\":" + code + ",\"message\":"
                + AnvilRpc.MAPPER.writeValueAsString(message) + "}}";
            case NULL_RESULT -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":null}";
            case GARBAGE -> "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"number\":\"0x1";
            case OVERSIZE -> oversize(id);
            case SWALLOW -> throw new IllegalStateException("a swallowed request has no answer");
        };
    }

    /** {"jsonrpc":"2.0","id":id,"result":"0x00..."} padded with zero digits to exactly {@code bytes} (if that is enough). */
    private String oversize(final String id) {
        final String head = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":\"0x";
        final String tail = "\"}";
        final int digits = Math.max(0, bytes - head.length() - tail.length());
        final StringBuilder sb = new StringBuilder(head.length() + digits + tail.length()).append(head);
        sb.repeat('0', digits);
        return sb.append(tail).toString();
    }
}
