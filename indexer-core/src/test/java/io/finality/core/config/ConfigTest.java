package io.finality.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.finality.core.pipeline.PipelineConfig;
import io.finality.core.pipeline.PipelineContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
    private static PipelineContext pipeline(final String yaml) {
        return PipelineConfig.from(YamlConfig.parse(yaml, "test.yaml").section("pipeline"));
    }

    private static ConfigException pipelineError(final String yaml) {
        return assertThrows(ConfigException.class, () -> pipeline(yaml));
    }

    @Test
    void shouldApplyDefaultsToAnEmptySection() {
        final PipelineContext ctx = pipeline("");
        assertEquals(PipelineContext.DEFAULT_RING_SIZE, ctx.ringSize());
        assertEquals(PipelineContext.DEFAULT_MAX_PAYLOAD_BYTES, ctx.maxPayloadBytes());
        assertEquals(PipelineContext.WaitStrategyKind.HANDOFF, ctx.waitStrategy());
        assertFalse(ctx.scanHelper());
        assertEquals(-1, ctx.scanCpu());
        assertEquals(-1, ctx.scanHelperCpu());
    }

    @Test
    void shouldReadThreadPinningAndRefuseSettingsThatCannotWork() {
        final PipelineContext ctx = pipeline("pipeline:\n  scan_helper: true\n  scan_cpu: 0\n  scan_helper_cpu: 3\n");
        assertEquals(0, ctx.scanCpu());
        assertEquals(3, ctx.scanHelperCpu());
        assertEquals("pipeline.scan_cpu", pipelineError("pipeline:\n  scan_cpu: 1024\n").key());
        final ConfigException helperOff = pipelineError("pipeline:\n  scan_helper_cpu: 0\n");
        assertEquals("pipeline.scan_helper_cpu", helperOff.key());
        assertTrue(helperOff.getMessage().contains("scan_helper is off"), helperOff.getMessage());
        final ConfigException same = pipelineError("pipeline:\n  scan_helper: true\n  scan_cpu: 0\n  scan_helper_cpu: 0\n");
        assertEquals("pipeline.scan_helper_cpu", same.key());
        assertTrue(same.getMessage().contains("another CPU"), same.getMessage());
        final ConfigException negative = pipelineError("pipeline:\n  scan_cpu: -2\n");
        assertEquals("pipeline.scan_cpu", negative.key());
        assertTrue(negative.getMessage().contains("-1"), negative.getMessage());
    }

    @Test
    void shouldReadSizesDurationsAndEnumsWithUnits() {
        final PipelineContext ctx = pipeline("""
            pipeline:
              ring_size: 128
              max_payload_bytes: 4MiB
              memory_budget_bytes: 1GiB
              wait_strategy: busy-spin
              shutdown_timeout: 2s
              scan_helper: true
              fused_stages: true
            """);
        assertEquals(128, ctx.ringSize());
        assertEquals(4 * 1024 * 1024, ctx.maxPayloadBytes());
        assertEquals(1L << 30, ctx.memoryBudgetBytes());
        assertEquals(PipelineContext.WaitStrategyKind.BUSY_SPIN, ctx.waitStrategy());
        assertEquals(2_000, ctx.shutdownTimeoutMs());
        assertTrue(ctx.scanHelper());
        assertTrue(ctx.fusedStages());
        assertFalse(pipeline("pipeline:\n  ring_size: 64\n").fusedStages(), "two stage threads by default");
        assertEquals("pipeline.fused_stages", pipelineError("pipeline:\n  fused_stages: sometimes\n").key());
    }

    @Test
    void shouldNameTheKeyTheValueAndTheExpectationForABadNumber() {
        final ConfigException ex = pipelineError("pipeline:\n  ring_size: lots\n");
        assertEquals("pipeline.ring_size", ex.key());
        assertTrue(ex.getMessage().contains("'lots'"), ex.getMessage());
        assertTrue(ex.getMessage().contains("an integer in 2.."), ex.getMessage());
    }

    @Test
    void shouldNameTheKeyWhenARingSizeIsNotAPowerOfTwo() {
        final ConfigException ex = pipelineError("pipeline:\n  ring_size: 100\n");
        assertEquals("pipeline.ring_size", ex.key());
        assertTrue(ex.getMessage().contains("power of two"), ex.getMessage());
    }

    @Test
    void shouldNameTheBudgetWhenTheRingCannotFit() {
        final ConfigException ex = pipelineError("pipeline:\n  ring_size: 1024\n  max_payload_bytes: 4MiB\n");
        assertEquals("pipeline.memory_budget_bytes", ex.key());
        assertTrue(ex.getMessage().contains("1024 * 4194304"), ex.getMessage());
    }

    @Test
    void shouldRejectAMisspeltKeyAndListTheKnownOnes() {
        final ConfigException ex = pipelineError("pipeline:\n  rign_size: 64\n");
        assertEquals("pipeline.rign_size", ex.key());
        assertTrue(ex.getMessage().contains("ring_size"), ex.getMessage());
    }

    @Test
    void shouldRejectABadEnumValueListingTheChoices() {
        final ConfigException ex = pipelineError("pipeline:\n  wait_strategy: fast\n");
        assertEquals("pipeline.wait_strategy", ex.key());
        assertTrue(ex.getMessage().contains("blocking yielding sleeping busy-spin"), ex.getMessage());
    }

    @Test
    void shouldRejectABadSizeUnit() {
        final ConfigException ex = pipelineError("pipeline:\n  max_payload_bytes: 4 parsecs\n");
        assertEquals("pipeline.max_payload_bytes", ex.key());
    }

    @Test
    void shouldRejectASectionThatIsNotAMapping() {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> YamlConfig.parse("pipeline: 5\n", "t.yaml").section("pipeline"));
        assertEquals("pipeline", ex.key());
    }

    @Test
    void shouldRejectInvalidYamlAndDuplicateKeysWithTheSource() {
        final ConfigException bad = assertThrows(ConfigException.class, () -> YamlConfig.parse("a: [1, 2", "bad.yaml"));
        assertTrue(bad.getMessage().startsWith("bad.yaml is not valid YAML"), bad.getMessage());
        final ConfigException dup = assertThrows(ConfigException.class, () -> YamlConfig.parse("a: 1\na: 2\n", "dup.yaml"));
        assertTrue(dup.getMessage().contains("dup.yaml"), dup.getMessage());
    }

    @Test
    void shouldRefuseToInstantiateClassesFromYaml() {
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> YamlConfig.parse("x: !!java.io.File [\"/etc/passwd\"]\n", "evil.yaml"));
        assertTrue(ex.getMessage().contains("evil.yaml"), ex.getMessage());
    }

    @Test
    void shouldNameAMissingFile(@TempDir final Path dir) throws Exception {
        final Path missing = dir.resolve("finality.yaml");
        final ConfigException ex = assertThrows(ConfigException.class, () -> YamlConfig.load(missing));
        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
        Files.writeString(missing, "pipeline:\n  ring_size: 32\n");
        assertEquals(32, PipelineConfig.from(YamlConfig.load(missing).section("pipeline")).ringSize());
    }

    @Test
    void shouldIndexListItemsInKeys() {
        final ConfigSection root = YamlConfig.parse("peers:\n  - port: 1\n  - port: nope\n", "t.yaml");
        final ConfigException ex = assertThrows(ConfigException.class,
            () -> root.sections("peers").forEach(s -> s.intValue("port", 0, 0, 65535)));
        assertEquals("peers[1].port", ex.key());
    }
}
