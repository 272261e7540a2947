package io.finality.bench.matcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/** Reads this process's resident memory from {@code /proc/self/status} (Linux). Safe from any thread. */
final class ProcessMemory {
    private ProcessMemory() {
    }

    /** The {@code VmRSS} and {@code VmHWM} (peak) lines, or a note if unavailable. */
    static String residentSummary() {
        try {
            final StringBuilder out = new StringBuilder();
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                    out.append(out.length() == 0 ? "" : ", ").append(line.replaceAll("\\s+", " "));
                }
            }
            return out.toString();
        } catch (final IOException ex) {
            return "resident memory unavailable: " + ex.getMessage();
        }
    }
}
