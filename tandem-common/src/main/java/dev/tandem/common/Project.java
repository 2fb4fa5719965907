package dev.tandem.common;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The project a connector belongs to ({@code tandem.project}), the same option on every Tandem
 * connector: the status extension groups connectors by it, as OceanBase Migration Service groups
 * the links of a migration project.
 */
public final class Project {

    public static final String CONFIG = "tandem.project";
    public static final String DOC = "The project this connector belongs to: the links of one migration or of one "
            + "active-active pair share a project name, and Tandem's status API and console (the tandem-status "
            + "REST extension, /tandem/v1/projects/<name>) show them together, with their steps, progress, checkpoint "
            + "and delay. Empty: the connector is in no project. 1 to 64 letters, digits, '.', '-' or '_'.";
    public static final String GROUP = "Project";

    /** Empty, or a project name. */
    public static final ConfigDef.Validator VALIDATOR = ConfigDef.LambdaValidator.with((name, value) -> {
        String v = value == null ? "" : value.toString().trim();
        if (!v.isEmpty() && !valid(v)) {
            throw new ConfigException(name, value, "a project name has 1 to 64 letters, digits, '.', '-' or '_'");
        }
    }, () -> "empty, or a project name of letters, digits, '.', '-' and '_'");

    private Project() {
    }

    /** Whether {@code name} is a usable project name. */
    public static boolean valid(String name) {
        return name != null && name.matches("[A-Za-z0-9._-]{1,64}");
    }

    /** Adds the option to a connector's {@code def}, in a group of its own. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(CONFIG, ConfigDef.Type.STRING, "", VALIDATOR, ConfigDef.Importance.LOW, DOC, GROUP, 1,
                ConfigDef.Width.MEDIUM, "Project");
    }
}
