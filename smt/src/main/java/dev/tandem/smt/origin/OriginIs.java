package dev.tandem.smt.origin;

import dev.tandem.common.TandemHeaders;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.transforms.predicates.Predicate;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Predicate: true when the record's {@code tandem.origin} header names one of the configured
 * regions. With Kafka's {@code Filter} it drops the changes that a sink's own region made, so
 * they never loop back.
 */
public class OriginIs<R extends ConnectRecord<R>> implements Predicate<R> {

    public static final String OVERVIEW_DOC = "True when the record's <code>" + TandemHeaders.ORIGIN
            + "</code> header (the region where the change was first made) is one of <code>regions</code>. "
            + "Use it with <code>org.apache.kafka.connect.transforms.Filter</code> on a sink to drop the "
            + "changes of the sink's own region, so active-active replication does not loop.";

    public static final String REGIONS = "regions";
    private static final String REGIONS_DOC = "Region names to match, comma-separated (e.g. 'west' or 'west,east').";

    public static final String MATCH_MISSING = "match.missing";
    private static final String MATCH_MISSING_DOC = "Whether a record without the " + TandemHeaders.ORIGIN
            + " header matches. Records from connectors that do not tag origins have none.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(REGIONS, ConfigDef.Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
                    ConfigDef.LambdaValidator.with(OriginIs::validateRegions, () -> "a non-empty list of region names"),
                    ConfigDef.Importance.HIGH, REGIONS_DOC)
            .define(MATCH_MISSING, ConfigDef.Type.BOOLEAN, false, ConfigDef.Importance.LOW, MATCH_MISSING_DOC);

    private Set<String> regions;
    private boolean matchMissing;

    private static void validateRegions(String name, Object value) {
        @SuppressWarnings("unchecked")
        List<String> list = (List<String>) value;
        if (list == null || list.isEmpty() || list.stream().anyMatch(String::isBlank)) {
            throw new ConfigException(name, value, "the origin predicate needs at least one region name, "
                    + "without blanks, e.g. regions=west");
        }
    }

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG_DEF, configs);
        regions = Set.copyOf(config.getList(REGIONS));
        matchMissing = config.getBoolean(MATCH_MISSING);
    }

    @Override
    public boolean test(R record) {
        Header origin = record.headers().lastWithName(TandemHeaders.ORIGIN);
        if (origin == null || origin.value() == null) {
            return matchMissing;
        }
        return regions.contains(origin.value().toString());
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "OriginIs{regions=" + regions + ", matchMissing=" + matchMissing + "}";
    }
}
