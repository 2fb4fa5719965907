package dev.tandem.source;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Options of the source connector that are ours ({@code tandem.*}); every Debezium option of
 * the MySQL/MariaDB connectors passes through unchanged and is documented by Debezium.
 */
public final class OceanBaseSourceConfig extends AbstractConfig {

    public static final String GROUP_TANDEM = "Tandem";

    public static final String FLAVOR = "tandem.flavor";
    public static final String FLAVOR_DEFAULT = "auto";
    private static final String FLAVOR_DOC = "The kind of server captured: 'mariadb', 'mysql', 'oceanbase' (MySQL mode, "
            + "through the OceanBase Binlog Service) or 'auto' to detect it from the server's version string. MariaDB is "
            + "captured with Debezium's MariaDB connector, the others with Debezium's MySQL connector.";

    public static final String REGION = "tandem.region";
    private static final String REGION_DOC = "The region this source's database is in, for active-active replication. "
            + "When set, changes are tagged with their origin region, the checkpoint table is captured too so the "
            + "origin tagger can recognise replicated transactions, and transaction metadata is required.";

    /** Task-side key carrying the flavour the connector resolved, so tasks do not detect it again. */
    public static final String RESOLVED_FLAVOR = "tandem.flavor.resolved";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(FLAVOR, ConfigDef.Type.STRING, FLAVOR_DEFAULT,
                    ConfigDef.LambdaValidator.with(OceanBaseSourceConfig::validateFlavor, OceanBaseSourceConfig::flavorChoices),
                    ConfigDef.Importance.HIGH, FLAVOR_DOC, GROUP_TANDEM, 1, ConfigDef.Width.SHORT, "Server flavour")
            .define(REGION, ConfigDef.Type.STRING, "",
                    ConfigDef.LambdaValidator.with(OceanBaseSourceConfig::validateRegion, () -> "empty, or a region name of letters, digits, '-' and '_'"),
                    ConfigDef.Importance.MEDIUM, REGION_DOC, GROUP_TANDEM, 2, ConfigDef.Width.SHORT, "Region");

    public OceanBaseSourceConfig(Map<String, String> props) {
        super(CONFIG_DEF, props);
    }

    /** The flavour configured, or empty for 'auto'. */
    public java.util.Optional<SourceFlavor> configuredFlavor() {
        String value = getString(FLAVOR).trim();
        return FLAVOR_DEFAULT.equalsIgnoreCase(value) ? java.util.Optional.empty()
                : java.util.Optional.of(SourceFlavor.fromConfigValue(value));
    }

    public String region() {
        return getString(REGION).trim();
    }

    public boolean activeActive() {
        return !region().isEmpty();
    }

    private static String flavorChoices() {
        return FLAVOR_DEFAULT + ", " + Arrays.stream(SourceFlavor.values()).map(SourceFlavor::configValue)
                .collect(Collectors.joining(", "));
    }

    private static void validateFlavor(String name, Object value) {
        String v = value == null ? "" : value.toString().trim().toLowerCase(Locale.ROOT);
        if (!v.equals(FLAVOR_DEFAULT) && Arrays.stream(SourceFlavor.values()).noneMatch(f -> f.configValue().equals(v))) {
            throw new ConfigException(name, value, "choose one of " + flavorChoices());
        }
    }

    private static void validateRegion(String name, Object value) {
        String v = value == null ? "" : value.toString().trim();
        if (!v.isEmpty() && !v.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new ConfigException(name, value, "a region name has 1 to 64 letters, digits, '-' or '_'");
        }
    }

    /**
     * The properties handed to Debezium: the user's, plus what Tandem relies on when the user has
     * not said otherwise (transaction metadata on; topics created with the broker's defaults).
     */
    public static Map<String, String> debeziumProperties(Map<String, String> props) {
        Map<String, String> out = new HashMap<>(props);
        out.putIfAbsent("provide.transaction.metadata", "true");
        out.putIfAbsent("topic.creation.default.replication.factor", "-1");
        out.putIfAbsent("topic.creation.default.partitions", "-1");
        String prefix = props.get("topic.prefix");
        if (prefix != null && !prefix.isBlank()) {
            out.putIfAbsent("schema.history.internal.kafka.topic", prefix + ".schema-history");
        }
        return out;
    }
}
