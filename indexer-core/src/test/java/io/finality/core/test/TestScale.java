package io.finality.core.test;

/**
 * Picks the size of soak, fuzz and random-scenario suites: a small but real slice in CI, the full
 * size under {@code mvn -Pfull verify} (system property {@code finality.test.scale=full}).
 */
public final class TestScale {
    private TestScale() {
    }

    public static boolean full() {
        return "full".equals(System.getProperty("finality.test.scale", "ci"));
    }

    /** {@code ci} in the default build, {@code full} under the full profile. */
    public static int pick(final int ci, final int full) {
        return full() ? full : ci;
    }

    /**
     * A seed from {@code -Dfinality.seed}, or {@code fallback}; tests print it on failure. CI uses the fixed
     * fallbacks so that a run is reproducible; explore with {@code -Dfinality.seed=<n>} or {@code -Pfull}.
     */
    public static long seed(final long fallback) {
        final String s = System.getProperty("finality.seed");
        return s == null ? fallback : Long.parseLong(s);
    }
}
