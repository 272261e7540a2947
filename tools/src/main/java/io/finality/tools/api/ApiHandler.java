package io.finality.tools.api;

import io.finality.bitcoin.address.AddressException;
import io.finality.bitcoin.address.BitcoinAddressCodec;
import io.finality.bitcoin.address.BitcoinNetwork;
import io.finality.core.chain.ChainFamily;
import io.finality.core.chain.ChainId;
import io.finality.core.event.PaymentEventDecoder;
import io.finality.core.event.PaymentEventJson;
import io.finality.core.pipeline.PipelineCounters;
import io.finality.engine.journal.ChainPosition;
import io.finality.engine.journal.EventTailer;
import io.finality.matcher.store.InvoiceConflictException;
import io.finality.matcher.store.InvoiceRecord;
import io.finality.matcher.store.OpenResult;
import io.finality.tools.metrics.EventTypeCounts;
import io.finality.tools.node.FinalityNode;
import io.finality.tools.node.InvoiceRequest;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AttributeKey;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Routes and answers API requests against a {@link FinalityNode}. Every refusal is a 4xx with a
 * JSON body {@code {"error": "...", "field": "..."|null}}; validation (ours and the node's) runs
 * before the store write, so a refused request changes nothing.
 *
 * <p>Shared by every connection: the event loop hands each request to a worker thread, which
 * answers it (stateless apart from the thread-safe node and mapper).
 */
@ChannelHandler.Sharable
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final System.Logger LOG = System.getLogger(ApiHandler.class.getName());
    private static final String INVOICES = "/v1/invoices";
    private static final Pattern INVOICE_PATH = Pattern.compile("/v1/invoices/([^/]+)(/cancel|/events)?");
    private static final Pattern FIELD_PREFIX = Pattern.compile("^([A-Za-z]+)(?::| must| is)");
    private static final Pattern TXID = Pattern.compile("[0-9a-f]{64}");
    private static final Set<String> OPEN_FIELDS = Set.of("invoiceId", "chain", "address", "amount", "expiresAt", "policy",
        "orderId", "correlationId", "asset");
    private static final int POLL_DOCUMENTS = 256;
    private static final AttributeKey<CompletableFuture<Void>> LAST = AttributeKey.valueOf("finality-api-last-request");

    private final FinalityNode node;
    private final Executor workers;
    private final List<ChainHealth> chains;
    private final byte[] expectedAuthorization;
    /** Responses by status class (index 2 = 2xx ... 5 = 5xx), for the error metrics. */
    private final AtomicLongArray responsesByClass = new AtomicLongArray(6);
    private final MetricsRenderer metrics;
    private final JsonMapper json = JsonMapper.builder()
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    ApiHandler(final FinalityNode node, final String token, final Executor workers, final List<ChainHealth> chains,
        final EventTypeCounts eventTypes) {
        super(false);
        this.chains = chains;
        this.node = node;
        this.workers = workers;
        this.expectedAuthorization = ("Bearer " + token).getBytes(StandardCharsets.US_ASCII);
        this.metrics = new MetricsRenderer(node, chains, eventTypes, responsesByClass);
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request) {
        // Off the event loop: a synced store write or a journal scan must not stall other connections.
        // Chained per connection, so pipelined requests are answered in order (HTTP/1.1 requires it).
        final CompletableFuture<Void> previous = ctx.channel().attr(LAST).get();
        final CompletableFuture<Void> next = (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
            .thenRunAsync(() -> {
                try {
                    handle(ctx, request);
                } finally {
                    request.release();
                }
            }, workers);
        next.whenComplete((done, failure) -> {
            if (failure != null) {
                // Only when the workers are shutting down: the request never ran.
                if (request.refCnt() > 0) {
                    request.release();
                }
                ctx.close();
            }
        });
        ctx.channel().attr(LAST).set(next);
    }

    private void handle(final ChannelHandlerContext ctx, final FullHttpRequest request) {
        FullHttpResponse response;
        try {
            if (!request.decoderResult().isSuccess()) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, null, "malformed HTTP request");
            }
            response = route(request);
        } catch (final ApiException ex) {
            response = error(ex.status(), ex.field(), ex.getMessage());
        } catch (final RuntimeException ex) {
            LOG.log(System.Logger.Level.WARNING, "API request failed: " + request.method() + " " + pathOf(request), ex);
            response = error(HttpResponseStatus.INTERNAL_SERVER_ERROR, null, "internal error");
        }
        countResponse(response.status().code());
        final boolean keepAlive = HttpUtil.isKeepAlive(request) && response.status().code() != 413;
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        final ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "API connection error: " + cause);
        ctx.close();
    }

    private FullHttpResponse route(final FullHttpRequest request) {
        final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        final String path = uri.path();
        final HttpMethod method = request.method();
        if ("/health".equals(path)) {
            requireMethod(method, HttpMethod.GET);
            return health();
        }
        authorize(request);
        if ("/metrics".equals(path)) {
            requireMethod(method, HttpMethod.GET);
            return text(metrics());
        }
        if (INVOICES.equals(path)) {
            requireMethod(method, HttpMethod.POST);
            return openInvoice(request);
        }
        if ("/v1/search".equals(path)) {
            requireMethod(method, HttpMethod.GET);
            return search(uri.parameters());
        }
        // Matched on the raw path and decoded after: an id may hold '/' (sent as %2F).
        final Matcher m = INVOICE_PATH.matcher(uri.rawPath());
        if (m.matches()) {
            final String id = QueryStringDecoder.decodeComponent(m.group(1));
            final String action = m.group(2);
            if (action == null) {
                requireMethod(method, HttpMethod.GET);
                final InvoiceRecord r = node.store().get(id);
                if (r == null) {
                    throw notFound(id);
                }
                return ok(HttpResponseStatus.OK, render(r));
            }
            if ("/cancel".equals(action)) {
                requireMethod(method, HttpMethod.POST);
                final InvoiceRecord r = node.cancel(id);
                if (r == null) {
                    throw notFound(id);
                }
                return ok(HttpResponseStatus.OK, render(r));
            }
            requireMethod(method, HttpMethod.GET);
            if (node.store().get(id) == null) {
                throw notFound(id);
            }
            return events(id);
        }
        throw new ApiException(HttpResponseStatus.NOT_FOUND, null, "no such endpoint: " + path);
    }

    private void authorize(final FullHttpRequest request) {
        final String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, null, "missing bearer token (Authorization: Bearer ...)");
        }
        // Constant-time comparison: the time taken must not tell how much of a guess was right.
        if (!MessageDigest.isEqual(expectedAuthorization, header.getBytes(StandardCharsets.US_ASCII))) {
            throw new ApiException(HttpResponseStatus.UNAUTHORIZED, null, "wrong bearer token");
        }
    }

    private static void requireMethod(final HttpMethod actual, final HttpMethod allowed) {
        if (!allowed.equals(actual)) {
            throw new ApiException(HttpResponseStatus.METHOD_NOT_ALLOWED, null,
                "method " + actual + " not allowed here; use " + allowed);
        }
    }

    private FullHttpResponse openInvoice(final FullHttpRequest request) {
        final JsonNode body;
        try {
            body = json.readTree(request.content().toString(StandardCharsets.UTF_8));
        } catch (final JacksonException ex) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, null, "malformed JSON: " + ex.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, null, "the body must be a JSON object");
        }
        for (String name : body.propertyNames()) {
            if (!OPEN_FIELDS.contains(name)) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, name, "unknown field '" + name + "'");
            }
        }
        final JsonNode expires = body.get("expiresAt");
        if (expires == null || !expires.isIntegralNumber() || !expires.canConvertToLong() || expires.longValue() <= 0) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "expiresAt", "must be a positive integer (epoch milliseconds)");
        }
        final InvoiceRequest open = new InvoiceRequest(requiredString(body, "invoiceId"), requiredString(body, "chain"),
            requiredString(body, "address"), requiredString(body, "amount"), expires.longValue(),
            optionalString(body, "policy"), optionalString(body, "orderId"), optionalString(body, "correlationId"),
            optionalString(body, "asset"));
        final OpenResult result;
        try {
            result = node.open(open);
        } catch (final InvoiceConflictException ex) {
            throw new ApiException(HttpResponseStatus.CONFLICT, "invoiceId",
                "invoice " + open.invoiceId() + " exists with different content: " + ex.getMessage());
        } catch (final IllegalArgumentException ex) {
            final String message = ex.getMessage() == null ? "invalid request" : ex.getMessage();
            final Matcher field = FIELD_PREFIX.matcher(message);
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, field.find() ? field.group(1) : null, message);
        } catch (final IllegalStateException ex) {
            // Stored but the ring refused it (full or closing): the node re-publishes it on its next start,
            // and a retry of the same request is an idempotent replay.
            LOG.log(System.Logger.Level.WARNING, "invoice " + open.invoiceId() + " stored but not published: " + ex.getMessage());
            throw new ApiException(HttpResponseStatus.SERVICE_UNAVAILABLE, null, "busy: " + ex.getMessage() + "; retry");
        }
        final FullHttpResponse response = ok(result.created() ? HttpResponseStatus.CREATED : HttpResponseStatus.OK,
            render(result.record()));
        response.headers().set(HttpHeaderNames.LOCATION, INVOICES + "/" + result.record().invoiceId());
        return response;
    }

    private static String requiredString(final JsonNode body, final String field) {
        final JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, field, "required");
        }
        if (!value.isString()) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, field, "must be a JSON string"
                + ("amount".equals(field) ? " (a decimal amount in whole coins, e.g. \"0.005\")" : ""));
        }
        return value.stringValue();
    }

    private static String optionalString(final JsonNode body, final String field) {
        final JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, field, "must be a JSON string");
        }
        return value.stringValue();
    }

    private FullHttpResponse events(final String invoiceId) {
        final StringBuilder out = new StringBuilder(1024).append('[');
        final StringBuilder one = new StringBuilder(1024);
        forEachEvent(e -> {
            if (invoiceId.equals(e.invoiceId())) {
                if (out.length() > 1) {
                    out.append(',');
                }
                one.setLength(0);
                out.append(PaymentEventJson.render(e, one));
            }
            return true;
        });
        return ok(HttpResponseStatus.OK, out.append(']').toString());
    }

    /**
     * Search by address (through the store's key index), or by order id / txid. The last two scan
     * the whole journal: fine for now (a demo-sized journal); a secondary index belongs in the
     * engine's snapshot store once invoices number in the millions.
     */
    private FullHttpResponse search(final Map<String, List<String>> params) {
        final Set<String> ids = new LinkedHashSet<>();
        final String address = single(params, "address");
        final String orderId = single(params, "orderId");
        final String txid = single(params, "txid");
        final int given = (address != null ? 1 : 0) + (orderId != null ? 1 : 0) + (txid != null ? 1 : 0);
        if (given != 1) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, null, "give exactly one of address, orderId, txid");
        }
        for (String name : params.keySet()) {
            if (!Set.of("address", "orderId", "txid", "chain").contains(name)) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, name, "unknown parameter '" + name + "'");
            }
        }
        if (address != null) {
            final ChainId chain = searchChain(single(params, "chain"));
            try {
                final String id = node.store().invoiceIdForKey(chain,
                    BitcoinAddressCodec.toScript(address, BitcoinNetwork.of(chain)));
                if (id != null) {
                    ids.add(id);
                }
            } catch (final AddressException ex) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "address", ex.getMessage());
            }
        } else if (orderId != null) {
            forEachEvent(e -> {
                if (orderId.equals(e.orderId())) {
                    ids.add(e.invoiceId());
                }
                return true;
            });
        } else {
            final String wanted = txid.toLowerCase(java.util.Locale.ROOT);
            if (!TXID.matcher(wanted).matches()) {
                throw new ApiException(HttpResponseStatus.BAD_REQUEST, "txid", "must be 64 hex characters");
            }
            // Compare in the rendered (display) byte order, exactly as clients see txids in events.
            final String needle = "\"txid\":\"" + wanted + "\"";
            final StringBuilder one = new StringBuilder(1024);
            forEachEvent(e -> {
                one.setLength(0);
                if (PaymentEventJson.render(e, one).indexOf(needle) >= 0) {
                    ids.add(e.invoiceId());
                }
                return true;
            });
        }
        final ObjectNode result = json.createObjectNode();
        final ArrayNode array = result.putArray("invoiceIds");
        ids.forEach(array::add);
        return ok(HttpResponseStatus.OK, json.writeValueAsString(result));
    }

    private static ChainId searchChain(final String name) {
        if (name == null) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "chain", "required with address");
        }
        final ChainId chain;
        try {
            chain = ChainId.fromConfigName(name);
        } catch (final IllegalArgumentException ex) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "chain", ex.getMessage());
        }
        if (chain.family() != ChainFamily.BITCOIN) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, "chain", chain.configName() + " is not served by this node yet");
        }
        return chain;
    }

    private static String single(final Map<String, List<String>> params, final String name) {
        final List<String> values = params.get(name);
        if (values == null) {
            return null;
        }
        if (values.size() != 1) {
            throw new ApiException(HttpResponseStatus.BAD_REQUEST, name, "give it once");
        }
        return values.get(0);
    }

    /** Read every payment event journaled so far, in order, with a tailer private to this call. */
    private void forEachEvent(final Predicate<PaymentEventDecoder> visitor) {
        try (EventTailer tailer = new EventTailer(node.journal(), 1)) {
            final boolean[] go = {true};
            while (go[0] && tailer.poll(e -> go[0] = go[0] && visitor.test(e), POLL_DOCUMENTS) > 0) {
                Thread.onSpinWait();
            }
        }
    }

    private FullHttpResponse health() {
        final PipelineCounters c = node.pipeline().counters();
        final ObjectNode root = json.createObjectNode();
        final boolean healthy = node.healthy();
        root.put("status", healthy ? "ok" : "failing");
        final ObjectNode ring = root.putObject("ring");
        final long published = c.published();
        final long applied = c.applied();
        ring.put("published", published);
        ring.put("applied", applied);
        ring.put("backlog", Math.max(0, published - applied));
        final ObjectNode journal = root.putObject("journal");
        journal.put("eventsWritten", node.eventsWritten());
        journal.put("healthy", healthy);
        final ObjectNode byChain = root.putObject("chains");
        for (ChainHealth chain : chains) {
            final ObjectNode one = byChain.putObject(chain.chain());
            one.put("connected", chain.connected());
            one.put("height", chain.height());
            final ChainPosition position = node.chainPosition(ChainId.fromConfigName(chain.chain()));
            final long appliedHeight = position.empty() ? -1 : position.tipHeight();
            one.put("appliedHeight", appliedHeight);
            final long nodeTip = chain.nodeTipHeight();
            if (nodeTip >= 0) {
                one.put("nodeTipHeight", nodeTip);
                one.put("lag", Math.max(0, nodeTip - appliedHeight));
            }
        }
        return ok(healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE, json.writeValueAsString(root));
    }

    /** Prometheus text exposition format 0.0.4 (see {@link MetricsRenderer}). */
    String metrics() {
        return metrics.render();
    }

    private String render(final InvoiceRecord r) {
        final ObjectNode o = json.createObjectNode();
        o.put("invoiceId", r.invoiceId());
        o.put("chain", r.chain().configName());
        o.put("address", r.address());
        o.put("amount", new BigDecimal(r.amountDue(), r.assetDecimals()).toPlainString());
        o.put("asset", r.assetContract() == null ? r.chain().nativeSymbol() : r.assetContract());
        o.put("expiresAt", r.expiresAtMs());
        o.put("createdAt", r.createdAtMs());
        o.put("policy", r.policy());
        o.put("orderId", r.orderId());
        o.put("correlationId", r.correlationId());
        o.put("status", r.status().name());
        return json.writeValueAsString(o);
    }

    private static ApiException notFound(final String id) {
        return new ApiException(HttpResponseStatus.NOT_FOUND, "invoiceId", "no invoice " + id);
    }

    private FullHttpResponse error(final HttpResponseStatus status, final String field, final String message) {
        final ObjectNode o = json.createObjectNode();
        o.put("error", message);
        o.put("field", field);
        return ok(status, json.writeValueAsString(o));
    }

    private static FullHttpResponse ok(final HttpResponseStatus status, final String body) {
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
            Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        return response;
    }

    private static FullHttpResponse text(final String body) {
        final FullHttpResponse response = ok(HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        return response;
    }

    private static String pathOf(final FullHttpRequest request) {
        return new QueryStringDecoder(request.uri()).path();
    }

    /** Count a response by class for {@code /metrics}; also the 413s the body limit answers before a request reaches here. */
    void countResponse(final int status) {
        responsesByClass.incrementAndGet(Math.min(5, Math.max(0, status / 100)));
    }
}
