package io.finality.tools.cli;

import io.finality.core.config.ConfigException;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The commands that read {@code finality.yaml}: load it, or say on stderr why it is invalid. */
final class ConfigFile {
    private ConfigFile() {
    }

    /** The loaded configuration, or null after printing {@code invalid configuration: <why>} to {@code err}. */
    static RunConfig loadOrExplain(final Path config, final PrintWriter err) {
        try {
            return RunConfig.load(config);
        } catch (final ConfigException ex) {
            err.printf("invalid configuration: %s%n", ex.getMessage());
            err.flush();
            return null;
        }
    }
}
