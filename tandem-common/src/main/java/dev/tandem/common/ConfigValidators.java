package dev.tandem.common;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Validators of options that source, sink and SMTs share, with the same words everywhere. */
public final class ConfigValidators {

    /** Empty, or a region name: 1 to 64 letters, digits, '-' or '_'. */
    public static final ConfigDef.Validator REGION = ConfigDef.LambdaValidator.with((name, value) -> {
        String v = value == null ? "" : value.toString().trim();
        if (!v.isEmpty() && !v.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ConfigException(name, value, "a region name has 1 to 64 letters, digits, '-' or '_'");
        }
    }, () -> "empty, or a region name of letters, digits, '-' and '_'");

    /** A table named database.table. */
    public static final ConfigDef.Validator QUALIFIED_TABLE = ConfigDef.LambdaValidator.with((name, value) -> {
        try {
            CheckpointTable.parse(String.valueOf(value));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }, () -> "database.table");

    private ConfigValidators() {
    }

    /** The values an option naming a constant of {@code type} takes: the constants' names in lower case. */
    public static <E extends Enum<E>> String[] choices(Class<E> type) {
        return java.util.Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(java.util.Locale.ROOT))
                .toArray(String[]::new);
    }

    /** The constant of {@code type} an option's value names (any case, blanks around it ignored). */
    public static <E extends Enum<E>> E choice(Class<E> type, String value) {
        return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT));
    }
}
