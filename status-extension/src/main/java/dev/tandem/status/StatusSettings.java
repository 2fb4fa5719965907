package dev.tandem.status;

import java.util.HashMap;
import java.util.Map;

/**
 * The extension's settings, read from the worker's own configuration (a REST extension gets the
 * worker's properties): the status topic, how often the worker samples its tasks, the delay under
 * which a link is ready for a switchover, and the Kafka client settings of the worker (bootstrap
 * servers and security), with {@code tandem.status.client.*} overriding them, and the scheme of
 * the workers' REST API ({@code rest.advertised.listener}, else the first of {@code listeners}).
 */
record StatusSettings(String topic, long intervalMs, long switchoverMaxDelayMs, Map<String, Object> clients, String restScheme) {

    static final String TOPIC = "tandem.status.topic";
    static final String INTERVAL = "tandem.status.interval.ms";
    static final String SWITCHOVER_MAX_DELAY = "tandem.status.switchover.max.delay.ms";
    static final String CLIENT_PREFIX = "tandem.status.client.";
    static final String TOPIC_PREFIX = "__tandem-status";

    static StatusSettings from(Map<String, ?> worker) {
        String group = string(worker, "group.id", "");
        String topic = string(worker, TOPIC, group.isEmpty() ? TOPIC_PREFIX : TOPIC_PREFIX + "." + group);
        long interval = Long.parseLong(string(worker, INTERVAL, "5000"));
        if (interval < 100) {
            throw new IllegalArgumentException(INTERVAL + " must be at least 100 (ms), not " + interval);
        }
        long maxDelay = Long.parseLong(string(worker, SWITCHOVER_MAX_DELAY, "10000"));
        Map<String, Object> clients = new HashMap<>();
        worker.forEach((k, v) -> {
            if (k.equals("bootstrap.servers") || k.equals("security.protocol") || k.equals("client.dns.lookup")
                    || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                clients.put(k, v);
            }
        });
        worker.forEach((k, v) -> {
            if (k.startsWith(CLIENT_PREFIX)) {
                clients.put(k.substring(CLIENT_PREFIX.length()), v);
            }
        });
        // Connect's own default when the worker's properties leave it out
        clients.putIfAbsent("bootstrap.servers", "localhost:9092");
        return new StatusSettings(topic, interval, maxDelay, clients, restScheme(worker));
    }

    /** The worker's Kafka, where the status topic is (and where sources of a posted project keep their schema history). */
    String bootstrapServers() {
        return String.valueOf(clients.get("bootstrap.servers"));
    }

    /** http or https: how the workers' REST API is called (Connect's workers all listen alike). */
    private static String restScheme(Map<String, ?> worker) {
        String advertised = string(worker, "rest.advertised.listener", "");
        if (!advertised.isEmpty()) {
            return advertised.toLowerCase(java.util.Locale.ROOT);
        }
        String first = string(worker, "listeners", "http://:8083").split(",")[0].trim();
        int colon = first.indexOf("://");
        return colon > 0 ? first.substring(0, colon).toLowerCase(java.util.Locale.ROOT) : "http";
    }

    private static String string(Map<String, ?> worker, String key, String fallback) {
        Object v = worker.get(key);
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }
}
