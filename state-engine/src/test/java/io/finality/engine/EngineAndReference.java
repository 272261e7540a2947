package io.finality.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.finality.core.buffer.Hex;
import io.finality.core.chain.ChainId;
import io.finality.core.ring.MatchList;
import io.finality.engine.model.InvoiceSpec;
import io.finality.engine.policy.PolicyBook;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;

/** The engine and the plain reference model driven by the same calls; {@link #assertSameEvents} compares what they wrote. */
final class EngineAndReference implements ScenarioGenerator.Target {
    final EventText.Recorder recorder = new EventText.Recorder();
    final InvoiceEngine engine;
    final ReferenceModel reference;
    /** Rescans after which the engine wrote an event. */
    long rescansWithEvents;

    EngineAndReference(final PolicyBook policies, final int retention) {
        this(policies, retention, InvoiceEngine.DEFAULT_MEMPOOL_EXPIRY_BLOCKS);
    }

    EngineAndReference(final PolicyBook policies, final int retention, final int mempoolExpiry) {
        engine = new InvoiceEngine(policies, recorder, retention, mempoolExpiry);
        reference = new ReferenceModel(policies, retention, mempoolExpiry);
    }

    @Override
    public void open(final InvoiceSpec spec) {
        engine.open(spec);
        reference.open(spec);
    }

    @Override
    public void cancel(final int slot) {
        engine.cancel(slot);
        reference.cancel(slot);
    }

    @Override
    public void blockConnected(final ChainId chain, final long height, final byte[] hash, final long fin, final MatchList m) {
        engine.blockConnected(chain, height, new UnsafeBuffer(hash), 0, fin, m);
        reference.blockConnected(chain, height, Hex.toHex(hash), fin, m);
    }

    @Override
    public void blockDisconnected(final ChainId chain, final long height, final byte[] hash) {
        engine.blockDisconnected(chain, height, new UnsafeBuffer(hash), 0);
        reference.blockDisconnected(chain, height, Hex.toHex(hash));
    }

    @Override
    public void blockRescanned(final ChainId chain, final long height, final byte[] hash, final MatchList m) {
        final int before = recorder.events.size();
        engine.blockRescanned(chain, height, new UnsafeBuffer(hash), 0, m);
        if (recorder.events.size() > before) {
            rescansWithEvents++;
        }
        reference.blockRescanned(chain, height, Hex.toHex(hash), m);
    }

    @Override
    public void mempoolTx(final ChainId chain, final MatchList m) {
        engine.mempoolTx(chain, m);
        reference.mempoolTx(chain, m);
    }

    @Override
    public void mempoolTxGone(final ChainId chain, final byte[] txid) {
        engine.mempoolTxGone(chain, new UnsafeBuffer(txid), 0);
        reference.mempoolTxGone(chain, Hex.toHex(txid));
    }

    @Override
    public void tick(final long nowMs) {
        engine.tick(nowMs);
        reference.tick(nowMs);
    }

    /**
     * Fail at the first event the two wrote differently, or if one wrote more.
     *
     * @param what names the scenario (and how to rerun it) in the failure.
     * @return the number of events compared.
     */
    int assertSameEvents(final String what) {
        final List<String> ours = recorder.events;
        final List<String> model = reference.events;
        final int n = Math.min(ours.size(), model.size());
        for (int i = 0; i < n; i++) {
            if (!ours.get(i).equals(model.get(i))) {
                fail(what + ": event " + i + " differs\n  engine:    " + ours.get(i) + "\n  reference: " + model.get(i));
            }
        }
        final List<String> longer = model.size() > n ? model : ours;
        assertEquals(model.size(), ours.size(), what + ": event counts differ after event " + n + "; only the "
            + (longer == model ? "reference" : "engine") + " wrote " + longer.subList(n, Math.min(longer.size(), n + 20)));
        return n;
    }
}
