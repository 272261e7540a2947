package io.finality.tools.node;

import io.finality.core.pipeline.ThreadAffinity;
import java.util.BitSet;
import net.openhft.affinity.Affinity;

/**
 * The node's {@link ThreadAffinity}: OpenHFT's Java-Thread-Affinity (a dependency of Chronicle's already, native through
 * JNA), with a check that the thread really is bound afterwards, since that library can fall back to doing nothing.
 *
 * <p>Thread rules: stateless; each call pins the calling thread.
 */
final class CpuPinning implements ThreadAffinity {
    @Override
    public void pinCurrentThread(final int cpu) {
        Affinity.setAffinity(cpu);
        final BitSet bound = Affinity.getAffinity();
        if (bound.cardinality() != 1 || !bound.get(cpu)) {
            throw new IllegalStateException("the thread's CPU set is " + bound + " after pinning it to CPU " + cpu);
        }
    }

    /**
     * A thread-start action for a helper thread of the node (the scan's probe helper, the journal's pretouch thread):
     * pin it to {@code cpu}, or log why not (unpinned, it still does its work, only maybe beside a stage thread); null
     * when {@code cpu} is -1.
     */
    static Runnable threadStart(final ThreadAffinity affinity, final int cpu, final String thread, final System.Logger log) {
        if (cpu < 0) {
            return null;
        }
        return () -> affinity.pinOrWarn(cpu, thread, log);
    }
}
