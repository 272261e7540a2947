package io.finality.core.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Locates the shared real-chain test data ({@code ../shared/data} beside the checkout; the build
 * passes it as the {@code finality.data} system property).
 */
public final class TestData {
    private TestData() {
    }

    /** The data root; fails loudly (never skips) when it is missing. */
    public static Path root() {
        final String configured = System.getProperty("finality.data");
        final Path root = configured != null ? Paths.get(configured) : Paths.get("..", "..", "shared", "data");
        if (!Files.isDirectory(root)) {
            throw new IllegalStateException("test data not found at " + root.toAbsolutePath()
                + " (set -Dfinality.data to the shared/data directory)");
        }
        return root.normalize();
    }

    /** A path under the data root, e.g. {@code bitcoin/blocks/raw}. */
    public static Path path(final String relative) {
        return root().resolve(relative);
    }

    /** All bytes of a data file. */
    public static byte[] bytes(final String relative) {
        try {
            return Files.readAllBytes(path(relative));
        } catch (final IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
