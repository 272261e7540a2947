package io.finality.bench.bitcoin;

import static io.finality.bench.CpuRounds.median;
import static io.finality.bench.CpuRounds.medianRatio;

import io.finality.bench.CpuRounds;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Question: how much faster is this build's scanner than an older build's, on a machine that other work loads
 * unevenly? Loads each given benchmarks jar in its own class loader (so both versions of the scanner run in one JVM),
 * builds one {@link BitcoinBenchState} per jar and alternates the contenders round by round, timing each with the
 * thread CPU clock; prints the median per op and the median of the per-round speed ratios to the first contender.
 * {@link JarAbContender} is taken from the jar under test when it has one, else from this harness's jar, so jars
 * built before the harness existed can be compared too. Single-threaded; a companion to the JMH figures.
 *
 * <p>Run: {@code java -Xms4g -Xmx4g --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED -cp benchmarks.jar
 * io.finality.bench.bitcoin.JarAbHarness rounds opsPerRound mode@jar ...} with modes {@code a} (scanner + matcher),
 * {@code noprobe} (walk and queue), {@code seq} (sequential read), {@code txid} (all txids) and {@code floor}
 * (double SHA-256 of each block).
 */
public final class JarAbHarness {
    private static final int WARMUP_OPS = 150;

    private JarAbHarness() {
    }

    public static void main(final String[] args) throws Exception {
        final int rounds = Integer.parseInt(args[0]);
        final int opsPerRound = Integer.parseInt(args[1]);
        final String[] specs = Arrays.copyOfRange(args, 2, args.length);
        final URL self = JarAbHarness.class.getProtectionDomain().getCodeSource().getLocation();
        final Map<String, ClassLoader> loaders = new HashMap<>();
        final LongSupplier[] ops = new LongSupplier[specs.length];
        for (int i = 0; i < specs.length; i++) {
            final String mode = specs[i].substring(0, specs[i].indexOf('@'));
            final String jar = specs[i].substring(specs[i].indexOf('@') + 1);
            final ClassLoader loader = loaders.computeIfAbsent(jar, j -> new URLClassLoader(
                new URL[] {url(j), self}, ClassLoader.getPlatformClassLoader()));
            ops[i] = (LongSupplier)loader.loadClass(JarAbContender.class.getName()).getConstructor(String.class).newInstance(mode);
        }
        final long[] sink = {0};
        final double[][] nanos = CpuRounds.measure(ops.length, WARMUP_OPS, rounds, opsPerRound, v -> ops[v].getAsLong(), sink);
        final long bytes = JarAbContender.FIXTURE_BYTES;
        for (int v = 0; v < ops.length; v++) {
            final double median = median(nanos[v]);
            System.out.printf("%-50s median %,10.1f us/op %,8.0f MB/s  speed / first (median of rounds) %.3f%n",
                specs[v], median / 1e3, bytes / median * 1e3, medianRatio(nanos[0], nanos[v]));
        }
        System.out.println("sink " + sink[0]);
    }

    private static URL url(final String path) {
        try {
            return Path.of(path).toUri().toURL();
        } catch (final MalformedURLException ex) {
            throw new IllegalArgumentException(path, ex);
        }
    }
}
