package dev.tandem.it;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;

import java.util.Map;

import static dev.tandem.it.SinkApplyIT.sinkConfig;
import static dev.tandem.it.SourceCaptureIT.sourceConfig;

/** The connector configs of one link of an active-active pair, as the active-active files of config-examples make them. */
final class ActiveActiveLinks {

    static final String TAGGER = "dev.tandem.smt.origin.OriginTagger";

    private ActiveActiveLinks() {
    }

    /** Source of one link: captures {@code database} in region {@code region}, tags origins, full or incremental only. */
    static Map<String, String> source(ConnectCluster connect, MariaDbServer server, String region, String prefix, String database,
                                      boolean full, int serverId) {
        Map<String, String> c = sourceConfig(connect, server, prefix, serverId);
        c.put("tandem.objects", database + ".*");
        c.put("tandem.region", region);
        c.put("tandem.migration.types", full ? "schema,full,incremental" : "incremental");
        c.put("transforms", "origin");
        c.put("transforms.origin.type", TAGGER);
        c.put("transforms.origin.region", region);
        return c;
    }

    /**
     * Sink of one link: applies the source's topics of {@code database} in region {@code to}, dropping changes
     * made in {@code to}; it reads the source's transaction topic too, so (tandem.transactions=auto) each
     * source transaction commits whole.
     */
    static Map<String, String> sink(MariaDbServer server, String from, String to, String prefix, String database) {
        Map<String, String> c = sinkConfig(server, "", "${db}.${table}");
        c.remove("topics");
        c.put("topics.regex", prefix + "\\.(" + database + "\\..*|transaction)");
        c.put("tandem.region", to);
        c.put("tandem.source.region", from);
        // A regex subscription sees topics created after it only at the next metadata refresh (5 minutes by default).
        c.put("consumer.override.metadata.max.age.ms", "2000");
        return c;
    }
}
