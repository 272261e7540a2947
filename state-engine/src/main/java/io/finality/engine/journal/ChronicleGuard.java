package io.finality.engine.journal;

/**
 * Sets Chronicle's "do not phone home" properties. Called before the first Chronicle class loads
 * (every journal entry point calls it), so no JVM that opens a journal can forget them: Chronicle
 * otherwise tries to reach an analytics host on the internet.
 */
public final class ChronicleGuard {
    static {
        disableAnalytics();
    }

    private ChronicleGuard() {
    }

    public static void disableAnalytics() {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
    }
}
