package io.finality.tools.api;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the API refuses: the 4xx status and what to tell the client ({@code field} names the
 * offending request field, or is null). Thrown and caught on an API worker thread only.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient HttpResponseStatus status;
    private final String field;

    ApiException(final HttpResponseStatus status, final String field, final String message) {
        super(message, null, false, false);
        this.status = status;
        this.field = field;
    }

    HttpResponseStatus status() {
        return status;
    }

    String field() {
        return field;
    }
}
