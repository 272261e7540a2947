package io.finality.core.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One mapping of the YAML configuration, with typed accessors that fail with a
 * {@link ConfigException} naming the full key, the value and what was expected. Each component
 * reads its own section into its {@code *Context}; {@link #rejectUnknownKeys()} then catches typos
 * (a misspelt key must not silently fall back to a default).
 *
 * <p>Used at start-up only, from one thread.
 */
public final class ConfigSection {
    private final String path;
    private final Map<String, Object> values;
    private final Set<String> read = new LinkedHashSet<>();

    public ConfigSection(final String path, final Map<String, Object> values) {
        this.path = path;
        this.values = values == null ? Collections.emptyMap() : values;
    }

    /** An empty section (everything at its default). */
    public static ConfigSection empty(final String path) {
        return new ConfigSection(path, new LinkedHashMap<>());
    }

    /** Dotted path of this section ("" for the root). */
    public String path() {
        return path;
    }

    public boolean has(final String key) {
        return values.containsKey(key);
    }

    /** Full dotted name of a key in this section, for messages. */
    public String keyOf(final String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** A nested mapping; empty if absent. */
    public ConfigSection section(final String key) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return new ConfigSection(keyOf(key), new LinkedHashMap<>());
        }
        if (!(v instanceof Map<?, ?> map)) {
            throw new ConfigException(keyOf(key), v, "a mapping of keys to values");
        }
        return new ConfigSection(keyOf(key), stringKeys(keyOf(key), map));
    }

    /** A list of mappings (e.g. {@code invoices:} or {@code peers:}); empty if absent. */
    public List<ConfigSection> sections(final String key) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new ConfigException(keyOf(key), v, "a list of mappings");
        }
        final List<ConfigSection> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            final String itemKey = keyOf(key) + "[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw new ConfigException(itemKey, list.get(i), "a mapping of keys to values");
            }
            out.add(new ConfigSection(itemKey, stringKeys(itemKey, map)));
        }
        return out;
    }

    public String string(final String key, final String defaultValue) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(keyOf(key), v, "a single value");
        }
        return v.toString();
    }

    /** A required string. */
    public String string(final String key) {
        final String v = string(key, null);
        if (v == null || v.isEmpty()) {
            throw new ConfigException(keyOf(key), null, "a value (this key is required)");
        }
        return v;
    }

    /** A list of scalars ({@code [a, b]} or one value); empty if absent. */
    public List<String> strings(final String key) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof Map) {
            throw new ConfigException(keyOf(key), v, "a list of values");
        }
        if (!(v instanceof List<?> list)) {
            return List.of(v.toString());
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            final Object item = list.get(i);
            if (item == null || item instanceof Map || item instanceof List) {
                throw new ConfigException(keyOf(key) + "[" + i + "]", item, "a single value");
            }
            out.add(item.toString());
        }
        return out;
    }

    public boolean bool(final String key, final boolean defaultValue) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ConfigException(keyOf(key), v, "true or false");
    }

    public long longValue(final String key, final long defaultValue, final long min, final long max) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        final long n;
        if (v instanceof Integer || v instanceof Long) {
            n = ((Number)v).longValue();
        } else {
            try {
                n = Long.parseLong(v.toString().replace("_", "").trim());
            } catch (final NumberFormatException ex) {
                throw new ConfigException(keyOf(key), v, "an integer in " + min + ".." + max);
            }
        }
        if (n < min || n > max) {
            throw new ConfigException(keyOf(key), v, "an integer in " + min + ".." + max);
        }
        return n;
    }

    public int intValue(final String key, final int defaultValue, final int min, final int max) {
        return (int)longValue(key, defaultValue, min, max);
    }

    /**
     * A size in bytes: a plain integer or a number with a unit {@code KiB, MiB, GiB} (or {@code KB, MB, GB} as
     * powers of 1000), e.g. {@code 16MiB}.
     */
    public long bytes(final String key, final long defaultValue, final long min, final long max) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        final String expected = "a size in bytes within " + min + ".." + max + " (e.g. 4096, 16MiB, 1GiB)";
        final long n = parseWithUnit(keyOf(key), v, expected, SIZE_UNITS);
        if (n < min || n > max) {
            throw new ConfigException(keyOf(key), v, expected);
        }
        return n;
    }

    /** A duration in milliseconds: a plain integer of milliseconds or a number with a unit {@code ms, s, m, h, d}. */
    public long durationMs(final String key, final long defaultValue, final long min, final long max) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        final String expected = "a duration within " + min + ".." + max + " ms (e.g. 500ms, 30s, 15m, 24h)";
        final long n = parseWithUnit(keyOf(key), v, expected, DURATION_UNITS);
        if (n < min || n > max) {
            throw new ConfigException(keyOf(key), v, expected);
        }
        return n;
    }

    /** An enum constant, matched case-insensitively with '-' and '_' equivalent. */
    public <E extends Enum<E>> E enumValue(final String key, final Class<E> type, final E defaultValue) {
        read.add(key);
        final Object v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        final String wanted = v.toString().trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(wanted)) {
                return e;
            }
        }
        final StringBuilder names = new StringBuilder("one of ");
        for (E e : type.getEnumConstants()) {
            names.append(e.name().toLowerCase(Locale.ROOT).replace('_', '-')).append(' ');
        }
        throw new ConfigException(keyOf(key), v, names.toString().trim());
    }

    /**
     * Fail if the section holds a key no component read: catches misspelt keys.
     *
     * @throws ConfigException naming the unknown key and the known ones.
     */
    public void rejectUnknownKeys() {
        for (String key : values.keySet()) {
            if (!read.contains(key)) {
                throw new ConfigException(keyOf(key), values.get(key), "no such key here; known keys: "
                    + (read.isEmpty() ? "(none)" : String.join(", ", new TreeSet<>(read))));
            }
        }
    }

    private static final String[][] SIZE_UNITS = {
        {"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"},
        {"kb", "1000"}, {"mb", "1000000"}, {"gb", "1000000000"}, {"b", "1"}};
    private static final String[][] DURATION_UNITS = {
        {"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}, {"d", "86400000"}};

    private static long parseWithUnit(final String key, final Object v, final String expected, final String[][] units) {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number)v).longValue();
        }
        final String s = v.toString().replace("_", "").trim().toLowerCase(Locale.ROOT);
        for (String[] unit : units) {
            if (s.endsWith(unit[0])) {
                final String number = s.substring(0, s.length() - unit[0].length()).trim();
                try {
                    return Math.multiplyExact(Long.parseLong(number), Long.parseLong(unit[1]));
                } catch (final NumberFormatException | ArithmeticException ex) {
                    throw new ConfigException(key, v, expected);
                }
            }
        }
        try {
            return Long.parseLong(s);
        } catch (final NumberFormatException ex) {
            throw new ConfigException(key, v, expected);
        }
    }

    private static Map<String, Object> stringKeys(final String key, final Map<?, ?> map) {
        final Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw new ConfigException(key, e.getKey(), "string keys");
            }
            out.put((String)e.getKey(), e.getValue());
        }
        return out;
    }
}
