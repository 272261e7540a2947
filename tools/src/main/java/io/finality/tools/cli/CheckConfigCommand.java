package io.finality.tools.cli;

import io.finality.core.config.ConfigException;
import io.finality.core.pipeline.PipelineContext;
import io.finality.engine.policy.PolicyBook;
import io.finality.tools.run.RunConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finality check-config}: load a configuration file exactly as {@code run} does ({@link RunConfig}) and report
 * the first problem with its key, or a summary of the effective settings.
 */
@Command(name = "check-config", mixinStandardHelpOptions = true,
    description = "Validate a finality.yaml without starting anything; exit 2 if it is invalid.")
public final class CheckConfigCommand implements Callable<Integer> {
    /** Exit code for an invalid configuration. */
    public static final int INVALID = 2;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-c", "--config"}, required = true, description = "Path of the YAML configuration file.")
    private Path config;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        try {
            final RunConfig settings = RunConfig.load(config);
            final PipelineContext pipeline = settings.node().pipeline();
            final PolicyBook policies = settings.node().policies();
            out.printf("%s: OK%n", config);
            out.printf("  data_dir: %s%n", settings.node().dataDirectory());
            out.printf("  journal: durability=%s snapshot_every_steps=%d pretouch_cpu=%d%n", settings.node().durability(),
                settings.node().snapshotEverySteps(), settings.node().pretouchCpu());
            out.printf("  matcher: expected_keys=%d%n", settings.node().expectedKeys());
            out.printf("  api: %s%n", settings.hasApi() ? settings.apiAddress() : "off (no api section)");
            out.printf("  bitcoin: %s%n", settings.bitcoin() == null ? "off (no bitcoin section)"
                : settings.bitcoin().network().name().toLowerCase(java.util.Locale.ROOT) + " via " + settings.bitcoin().node());
            out.printf("  ethereum: %s%n", settings.ethereum() == null ? "off (no ethereum section)"
                : settings.ethereum().chain().configName() + " via " + settings.ethereum().rpc().redactedUri() + " from height "
                    + settings.ethereum().startHeight() + ", tokens: " + settings.node().tokens().describe(settings.ethereum().chain()));
            out.printf("  pipeline: ring_size=%d max_payload_bytes=%d memory_budget_bytes=%d (worst case %d) wait=%s%n",
                pipeline.ringSize(), pipeline.maxPayloadBytes(), pipeline.memoryBudgetBytes(),
                pipeline.worstCaseRingBytes(), pipeline.waitStrategy());
            out.printf("  policies: %s%n", String.join(", ", policies.names()));
            out.flush();
            return 0;
        } catch (final ConfigException ex) {
            err.printf("invalid configuration: %s%n", ex.getMessage());
            err.flush();
            return INVALID;
        }
    }
}
