package io.finality.ethereum.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.ethereum.devnet.AnvilRpc;
import java.math.BigInteger;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import tools.jackson.databind.JsonNode;

/** Shared steps of the sync system tests: contexts, waiting for the sync, and what the node says the chain is. */
final class SyncHarness {
    static final String PAYEE = "0x5eed00000000000000000000000000000000c0de";
    static final String OTHER = "0x5eed00000000000000000000000000000000beef";
    static final int PAYEE_SLOT = 7;
    static final int OTHER_SLOT = 9;

    private SyncHarness() {
    }

    static ChainRecorder recorder() {
        return new ChainRecorder(io.finality.ethereum.WatchIndexAccess.watching(Map.of(PAYEE, PAYEE_SLOT, OTHER, OTHER_SLOT)));
    }

    static ChainRecorder recorder(final Map<String, Integer> watched) {
        return new ChainRecorder(io.finality.ethereum.WatchIndexAccess.watching(watched));
    }

    /** Fast retries and redials, so that fault tests finish in seconds. */
    static EthereumContext context(final URI ws) {
        final EthereumContext c = new EthereumContext().startHeight(0).retryDelayMs(20);
        c.rpc().uri(ws).requestTimeoutMs(1_000).backoffMs(20, 300);
        return c;
    }

    static void await(final String what, final long timeoutMs, final BooleanSupplier condition) {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Wait until the recorded tip is the node's head block (same height and hash). */
    static void awaitSynced(final ChainRecorder recorder, final AnvilRpc rpc, final long timeoutMs) {
        await("the sync to reach the node's head", timeoutMs, () -> {
            final long head = rpc.blockNumber();
            final String hash = recorder.chain().get(head);
            return recorder.tipHeight() == head && hash != null && ("0x" + hash).equals(rpc.blockHash(head));
        });
    }

    /** The recorded chain equals the node's at every height from {@code from} to the tip; no rule was broken. */
    static void assertSameChain(final ChainRecorder recorder, final AnvilRpc rpc, final long from) {
        assertEquals(List.of(), recorder.violations());
        final Map<Long, String> chain = recorder.chain();
        final long tip = recorder.tipHeight();
        assertEquals(rpc.blockNumber(), tip);
        for (long h = from; h <= tip; h++) {
            assertEquals(rpc.blockHash(h), "0x" + chain.get(h), "hash at height " + h);
        }
    }

    /** What the node says was paid to the watched addresses: one entry per native payment, in block order. */
    static ChainRecorder.Payment expectedNative(final AnvilRpc rpc, final String txHash, final int slot) {
        final JsonNode receipt = rpc.awaitReceipt(txHash);
        final JsonNode tx = rpc.result("eth_getTransactionByHash", "[\"" + txHash + "\"]");
        final int flags = "0x1".equals(receipt.get("status").asString()) ? 0 : io.finality.core.ring.MatchList.FLAG_FAILED;
        return new ChainRecorder.Payment(AnvilRpc.longOf(receipt.get("blockNumber")), txHash,
            io.finality.ethereum.EthereumPayload.NATIVE_OUTPUT_INDEX, AnvilRpc.bigOf(tx.get("value")), slot, flags, null);
    }

    static List<ChainRecorder.Published> since(final ChainRecorder recorder, final int from) {
        final List<ChainRecorder.Published> all = recorder.log();
        return new ArrayList<>(all.subList(from, all.size()));
    }

    static void assertConnectedOnce(final ChainRecorder recorder, final long from, final long to) {
        final long connected = recorder.log().stream().filter(p -> p.kind() == io.finality.core.ring.EventKind.BLOCK_CONNECTED).count();
        assertEquals(to - from + 1, connected, "each block connected exactly once");
        assertTrue(recorder.log().stream().noneMatch(p -> p.kind() == io.finality.core.ring.EventKind.BLOCK_DISCONNECTED),
            "nothing disconnected");
    }

    static BigInteger wei(final long n) {
        return BigInteger.valueOf(n);
    }
}
