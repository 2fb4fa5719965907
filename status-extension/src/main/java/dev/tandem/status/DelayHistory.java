package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A link's delay over the last hour, as kept in the status topic ({@code history/<link>}): a point
 * ({@code [sampledAt, delayMs]}) at most every 15 seconds, taken from the samples, so every worker
 * adds the same points and the chart survives a worker restart.
 */
final class DelayHistory {

    static final long SPACING_MS = 15_000;
    static final long SPAN_MS = 3_600_000;

    private final List<long[]> points = new ArrayList<>();

    DelayHistory(JsonNode stored) {
        if (stored != null) {
            stored.path("points").forEach(p -> points.add(new long[] {p.path(0).asLong(), p.path(1).asLong()}));
        }
    }

    /** Adds the delay sampled at {@code at} when the last point is 15 seconds older or more; returns whether it did. */
    boolean add(long at, long delayMs) {
        if (!points.isEmpty() && at - points.get(points.size() - 1)[0] < SPACING_MS) {
            return false;
        }
        points.add(new long[] {at, delayMs});
        points.removeIf(p -> p[0] < at - SPAN_MS);
        return true;
    }

    List<List<Long>> points() {
        return points.stream().map(p -> List.of(p[0], p[1])).toList();
    }

    ObjectNode node() {
        ObjectNode node = StatusTopic.JSON.createObjectNode();
        ArrayNode array = node.putArray("points");
        points.forEach(p -> array.addArray().add(p[0]).add(p[1]));
        return node;
    }
}
