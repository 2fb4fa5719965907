package dev.tandem.common;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every Tandem connector's {@code validate} does in stages: the ConfigDef's checks of each
 * field first, then (while {@link #clean()}) the rules between fields, then the precheck on the
 * servers; every error stays on its field, so the REST answer names the field and the fix.
 */
public final class StagedValidation {

    private final Map<String, ConfigValue> values = new LinkedHashMap<>();

    /** The field checks of {@code def} on {@code props}. */
    public StagedValidation(ConfigDef def, Map<String, String> props) {
        for (ConfigValue v : def.validate(props)) {
            values.put(v.name(), v);
        }
    }

    /** Whether no stage so far found an error. */
    public boolean clean() {
        return values.values().stream().allMatch(v -> v.errorMessages().isEmpty());
    }

    /** An error on {@code field} (a field the ConfigDef does not know is added). */
    public void error(String field, String message) {
        values.computeIfAbsent(field, ConfigValue::new).addErrorMessage(message);
    }

    public Config result() {
        return new Config(new ArrayList<>(values.values()));
    }
}
