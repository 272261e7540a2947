package io.finality.bench.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the threads of this JVM did to each other during a phase, from Linux's per-thread counters
 * ({@code /proc/self/task/<tid>/stat} and {@code status}): CPU time, page faults, and voluntary and
 * involuntary context switches (an involuntary one is a preemption: the scheduler took the CPU away
 * from a runnable thread). Threads are grouped by their name, so the stage threads show apart from
 * JIT, GC and Chronicle's background threads. Linux only; elsewhere it prints nothing.
 *
 * <p>Thread rules: one thread takes the snapshots; allocates freely (it runs outside the measured path).
 */
final class ThreadStats {
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final int FIELDS = 5;
    private static final String[] NAMES = {"cpu ms", "minflt", "majflt", "vol cs", "invol cs"};

    private static final String[] CPU_FIELDS = {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"};

    private final Map<String, long[]> byName;
    /** The machine's CPU time by kind ({@code /proc/stat}, in ticks of 10 ms): steal is the hypervisor's share. */
    private final long[] machine;

    private ThreadStats(final Map<String, long[]> byName) {
        this.byName = byName;
        this.machine = machine();
    }

    private static long[] machine() {
        final long[] v = new long[CPU_FIELDS.length];
        try {
            final String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
            final String[] f = line.trim().split("\\s+");
            for (int i = 0; i < v.length && i + 1 < f.length; i++) {
                v[i] = Long.parseLong(f[i + 1]);
            }
        } catch (final IOException | RuntimeException ex) {
            // not Linux: no machine line
        }
        return v;
    }

    /** Counters of every thread now, summed by thread name (names like C2 CompilerThread0 grouped by prefix). */
    static ThreadStats snapshot() {
        final Map<String, long[]> out = new TreeMap<>();
        if (!Files.isDirectory(TASKS)) {
            return new ThreadStats(out);
        }
        final long ticksPerSecond = 100;
        try (var tasks = Files.list(TASKS)) {
            for (Path task : (Iterable<Path>)tasks::iterator) {
                try {
                    final String stat = Files.readString(task.resolve("stat"));
                    final String name = group(stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
                    final String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // after "pid (comm) ": state=0 ppid=1 ... minflt=7 cminflt=8 majflt=9 cmajflt=10 utime=11 stime=12
                    final long[] v = out.computeIfAbsent(name, k -> new long[FIELDS]);
                    v[0] += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / ticksPerSecond;
                    v[1] += Long.parseLong(f[7]);
                    v[2] += Long.parseLong(f[9]);
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:")) {
                            v[3] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                            v[4] += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                } catch (final IOException | RuntimeException ex) {
                    // the thread ended between the listing and the read: it counts no more
                }
            }
        } catch (final IOException ex) {
            return new ThreadStats(out);
        }
        return new ThreadStats(out);
    }

    private static String group(final String comm) {
        final String trimmed = comm.replaceAll("[0-9]+$", "#");
        return trimmed.startsWith("C1 CompilerThre") || trimmed.startsWith("C2 CompilerThre") ? "JIT compiler" : trimmed;
    }

    /**
     * The share of the machine's CPU time the hypervisor took since {@code before} ({@code /proc/stat} steal over every
     * kind), in percent; 0 where there is no such file. On a shared VM a wall-clock rate moves with it.
     */
    double stealPercentSince(final ThreadStats before) {
        long total = 0;
        for (int i = 0; i < CPU_FIELDS.length; i++) {
            total += machine[i] - before.machine[i];
        }
        final int steal = CPU_FIELDS.length - 1;
        return total == 0 ? 0 : 100.0 * (machine[steal] - before.machine[steal]) / total;
    }

    /** CPU milliseconds the threads named {@code name} (grouped as {@link #group} does) used since {@code before}. */
    long cpuMsSince(final ThreadStats before, final String name) {
        final long[] now = byName.get(name);
        final long[] was = before.byName.get(name);
        return (now == null ? 0 : now[0]) - (was == null ? 0 : was[0]);
    }

    /** Print the change since {@code before}, one line per thread group that did anything. */
    void printSince(final ThreadStats before, final String title) {
        final StringBuilder m = new StringBuilder();
        for (int i = 0; i < CPU_FIELDS.length; i++) {
            m.append(String.format(" %s %d ms", CPU_FIELDS[i], (machine[i] - before.machine[i]) * 10));
        }
        System.out.printf("  %s, whole machine (both CPUs, every process):%s%n", title, m);
        System.out.printf("  %s, per thread (%s):%n", title, String.join(", ", NAMES));
        for (Map.Entry<String, long[]> e : byName.entrySet()) {
            final long[] was = before.byName.getOrDefault(e.getKey(), new long[FIELDS]);
            final long[] d = new long[FIELDS];
            boolean any = false;
            for (int i = 0; i < FIELDS; i++) {
                d[i] = e.getValue()[i] - was[i];
                any |= d[i] != 0;
            }
            if (any) {
                System.out.printf("    %-22s %6d ms %7d %4d %7d %7d%n", e.getKey(), d[0], d[1], d[2], d[3], d[4]);
            }
        }
    }
}
