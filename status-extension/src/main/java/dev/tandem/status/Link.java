package dev.tandem.status;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A link of a project: a source and the sinks that read its change topics (a sink reads a source's
 * topics when one of the topics it names or reads starts with the source's topic prefix and a
 * dot; a sink that reads by {@code topics.regex} joins its source once its consumers were seen
 * reading such a topic). A sink reading no source of the project is a link of its own, with no source.
 */
record Link(ConnectorInfo source, List<ConnectorInfo> sinks) {

    /** The name the link goes by: its source's, else its sink's. */
    String name() {
        return source != null ? source.name() : sinks.get(0).name();
    }

    List<ConnectorInfo> connectors() {
        List<ConnectorInfo> all = new ArrayList<>();
        if (source != null) {
            all.add(source);
        }
        all.addAll(sinks);
        return all;
    }

    /**
     * The links of a project's connectors. {@code sinkTopics} holds, per sink, the topics its
     * consumers were seen reading (they count for a sink that names its topics by a pattern).
     */
    static List<Link> of(Collection<ConnectorInfo> connectors, Map<String, ? extends Collection<String>> sinkTopics) {
        java.util.Comparator<ConnectorInfo> byName = java.util.Comparator.comparing(ConnectorInfo::name);
        List<ConnectorInfo> sources = connectors.stream().filter(ConnectorInfo::source).sorted(byName).toList();
        List<ConnectorInfo> sinks = connectors.stream().filter(c -> !c.source()).sorted(byName).toList();
        List<Link> links = new ArrayList<>();
        List<ConnectorInfo> matched = new ArrayList<>();
        for (ConnectorInfo source : sources) {
            List<ConnectorInfo> reading = new ArrayList<>();
            for (ConnectorInfo sink : sinks) {
                if (reads(sink, source.topicPrefix(), sinkTopics.get(sink.name()))) {
                    reading.add(sink);
                    matched.add(sink);
                }
            }
            links.add(new Link(source, reading));
        }
        for (ConnectorInfo sink : sinks) {
            if (!matched.contains(sink)) {
                links.add(new Link(null, List.of(sink)));
            }
        }
        return links;
    }

    private static boolean reads(ConnectorInfo sink, String prefix, Collection<String> seen) {
        if (prefix.isEmpty()) {
            return false;
        }
        List<String> topics = new ArrayList<>(sink.topics());
        if (seen != null) {
            topics.addAll(seen);
        }
        return topics.stream().anyMatch(t -> startsWith(t, prefix));
    }

    /**
     * Whether topic {@code t} is one of the change topics of {@code prefix}. A consumer's metrics
     * name a topic with its dots made underscores, so either spelling counts.
     */
    static boolean startsWith(String t, String prefix) {
        return t.startsWith(prefix + ".") || t.startsWith(prefix.replace('.', '_') + "_");
    }

    /** Whether topic {@code t}, as read or as a consumer's metrics spell it, is {@code topic}. */
    static boolean same(String t, String topic) {
        return t.equals(topic) || t.equals(topic.replace('.', '_'));
    }
}
