package io.finality.bitcoin.p2p;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** Leak check: after a test has closed its peers and connections, no Netty event-loop thread may remain. */
final class NettyThreads {
    private NettyThreads() {
    }

    static List<String> alive() {
        return Thread.getAllStackTraces().keySet().stream()
            .filter(Thread::isAlive)
            .map(Thread::getName)
            .filter(n -> n.startsWith("multiThreadIoEventLoopGroup"))
            .toList();
    }

    /** Wait up to five seconds for every event-loop thread to end, then fail naming the survivors. */
    static void assertNoneLeft() throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!alive().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("leaked Netty threads: " + alive());
            }
            Thread.sleep(10);
        }
    }
}
