package io.finality.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Loads {@code finality.yaml} into a root {@link ConfigSection}. SnakeYAML's safe constructor only
 * builds maps, lists and scalars: a config file can never instantiate arbitrary classes.
 *
 * <p>Used at start-up only.
 */
public final class YamlConfig {
    /** A configuration file larger than this is refused rather than parsed. */
    public static final int MAX_CONFIG_BYTES = 1024 * 1024;

    private YamlConfig() {
    }

    /** Parse a file; a missing file, unreadable YAML or a non-mapping root fail with the path and the reason. */
    public static ConfigSection load(final Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist or is not a regular file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            final byte[] bytes = in.readNBytes(MAX_CONFIG_BYTES + 1);
            if (bytes.length > MAX_CONFIG_BYTES) {
                throw new ConfigException("config file " + file + " is larger than " + MAX_CONFIG_BYTES + " bytes");
            }
            return parse(new String(bytes, java.nio.charset.StandardCharsets.UTF_8), file.toString());
        } catch (final IOException ex) {
            throw new ConfigException("config file " + file + " cannot be read: " + ex.getMessage());
        }
    }

    /** Parse YAML text; {@code source} names it in messages. */
    public static ConfigSection parse(final String yaml, final String source) {
        final LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        final Object root;
        try {
            root = new Yaml(new SafeConstructor(options)).load(yaml);
        } catch (final YAMLException ex) {
            throw new ConfigException(source + " is not valid YAML: " + ex.getMessage());
        }
        if (root == null) {
            return ConfigSection.empty("");
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException(source + ": the top level must be a mapping of sections, found " + root.getClass().getSimpleName());
        }
        final Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            values.put(String.valueOf(e.getKey()), e.getValue());
        }
        return new ConfigSection("", values);
    }
}
