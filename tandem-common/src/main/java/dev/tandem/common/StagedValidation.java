package dev.tandem.common;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What every Tandem connector's {@code validate} does in stages: the ConfigDef's checks of each
 * field first, then (while {@link #clean()}) the rules between fields, then the precheck on the
 * servers; every error stays on its field, so the REST answer names the field and the fix.
 *
 * <p>The result answers every option of the connector's documented {@code ConfigDef} and starts
 * each error with the field's name. Both matter for {@code POST /connectors} and {@code PUT
 * /connectors/<name>/config}: Connect joins the error texts alone into its 400 answer, and fails
 * with a 500 on a documented option the result leaves without a value.
 */
public final class StagedValidation {

    private final Map<String, ConfigValue> values = new LinkedHashMap<>();

    /**
     * A connector's {@code validate} as one call: the field checks of {@code def}; when they pass,
     * the rules between fields of the parsed config; when those pass too, the precheck, which
     * reports into the validation.
     */
    public static <C> Config run(ConfigDef def, Map<String, String> props, Function<Map<String, String>, C> parse,
                                 Function<C, Map<String, String>> crossField, BiConsumer<C, StagedValidation> precheck) {
        StagedValidation validation = new StagedValidation(def, props);
        if (validation.clean()) {
            C config = parse.apply(props);
            crossField.apply(config).forEach(validation::error);
            if (validation.clean()) {
                precheck.accept(config, validation);
            }
        }
        return validation.result();
    }

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

    /** Errors by field, several per field. */
    public void errors(Map<String, List<String>> byField) {
        byField.forEach((field, messages) -> messages.forEach(m -> error(field, m)));
    }

    /** Another checker's answer for fields this validation has no value for yet (e.g. a wrapped connector's). */
    public void addAbsent(Iterable<ConfigValue> others) {
        for (ConfigValue v : others) {
            values.putIfAbsent(v.name(), v);
        }
    }

    /** Drops the errors found so far on {@code field} (another stage found the cause and reports it elsewhere). */
    public void clearErrors(String field) {
        ConfigValue v = values.get(field);
        if (v != null && !v.errorMessages().isEmpty()) {
            values.put(field, new ConfigValue(v.name(), v.value(), v.recommendedValues(), new ArrayList<>()));
        }
    }

    /** The result for a connector whose {@code config()} is {@code documented}. */
    public Config result(ConfigDef documented) {
        for (String name : documented.names()) {
            values.computeIfAbsent(name, ConfigValue::new);
        }
        return result();
    }

    public Config result() {
        List<ConfigValue> out = new ArrayList<>(values.size());
        for (ConfigValue v : values.values()) {
            out.add(v.errorMessages().isEmpty() ? v : named(v));
        }
        return new Config(out);
    }

    /** The value with each error starting with its field's name, unless it is Kafka's own text naming it. */
    private static ConfigValue named(ConfigValue v) {
        List<String> messages = new ArrayList<>(v.errorMessages().size());
        for (String m : v.errorMessages()) {
            boolean named = m != null && (m.startsWith(v.name() + ":") || m.contains("configuration " + v.name())
                    || m.contains("\"" + v.name() + "\""));
            messages.add(named ? m : v.name() + ": " + m);
        }
        ConfigValue copy = new ConfigValue(v.name(), v.value(), v.recommendedValues(), messages);
        copy.visible(v.visible());
        return copy;
    }
}
