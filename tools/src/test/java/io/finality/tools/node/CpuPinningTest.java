package io.finality.tools.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import net.openhft.affinity.Affinity;
import org.junit.jupiter.api.Test;

/** The node's thread pinning: the thread really is bound afterwards, and a refused pin is logged, not thrown. */
class CpuPinningTest {
    @Test
    void shouldBindTheCallingThreadToExactlyThatCpu() throws Exception {
        // the highest CPU this process may use (a container's ids need not start at 0)
        final int cpu = Affinity.getAffinity().length() - 1;
        assertTrue(cpu >= 0, "no CPU in the process's affinity set");
        final AtomicReference<BitSet> bound = new AtomicReference<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread t = new Thread(() -> {
            try {
                new CpuPinning().pinCurrentThread(cpu);
                bound.set(Affinity.getAffinity());
            } catch (final Throwable ex) {
                failure.set(ex);
            }
        });
        t.start();
        t.join();
        assertNull(failure.get(), () -> "pinning failed: " + failure.get());
        final BitSet expected = new BitSet();
        expected.set(cpu);
        assertEquals(expected, bound.get());
    }

    @Test
    void shouldLogAndCarryOnWhenTheHelperCannotBePinned() {
        final List<String> logged = new ArrayList<>();
        final System.Logger log = new System.Logger() {
            @Override
            public String getName() {
                return "test";
            }

            @Override
            public boolean isLoggable(final Level level) {
                return true;
            }

            @Override
            public void log(final Level level, final java.util.ResourceBundle bundle, final String msg, final Throwable thrown) {
                logged.add(level + " " + msg);
            }

            @Override
            public void log(final Level level, final java.util.ResourceBundle bundle, final String format, final Object... params) {
                logged.add(level + " " + format);
            }
        };
        assertNull(CpuPinning.threadStart((cpu) -> { }, -1, "scan probe helper", log), "no pinning asked for");
        CpuPinning.threadStart(cpu -> {
            throw new IllegalStateException("refused");
        }, 1, "scan probe helper", log).run();
        assertEquals(1, logged.size());
        assertTrue(logged.get(0).startsWith("WARNING could not pin the scan probe helper to CPU 1"), logged.get(0));
    }
}
