package io.finality.ethereum.node;

import static org.junit.jupiter.api.Assertions.fail;

import io.finality.ethereum.devnet.AnvilContext;
import io.finality.ethereum.devnet.AnvilNode;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts the anvil the tests need: when none is installed, the test fails in CI ({@code CI} set, where
 * {@code .ci/run} installs it) and is skipped elsewhere.
 */
public final class Anvil {
    private Anvil() {
    }

    /** An in-memory anvil with the defaults. */
    public static AnvilNode start() {
        return start(new AnvilContext());
    }

    public static AnvilNode start(final AnvilContext context) {
        return AnvilNode.start(locate(), context);
    }

    /** The installed binary, or fail / skip the test. */
    public static Path locate() {
        final Optional<Path> binary = AnvilNode.find();
        if (binary.isPresent()) {
            return binary.get();
        }
        final String message = "anvil not found (looked at " + AnvilNode.candidates() + "): run .ci/run, or set FINALITY_ANVIL to an"
            + " anvil 1.7.1 binary (npm install --no-save --prefix .anvil @foundry-rs/anvil-linux-amd64@1.7.1)";
        if (System.getenv("CI") != null) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }
}
