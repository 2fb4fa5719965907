package dev.tandem.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A link's step times as kept in the status topic ({@code steps/<link>}): when each step started
 * and finished, and for the full step the plan it belongs to and when its copy reached Kafka. A
 * time once set stays (the first worker to see it writes it); a new plan (the tables copied
 * again) starts the full step's times over.
 */
final class StepTimes {

    private final ObjectNode node;
    private boolean changed;

    StepTimes(JsonNode stored) {
        this.node = stored instanceof ObjectNode o ? o.deepCopy() : StatusTopic.JSON.createObjectNode();
    }

    long get(String step, String field) {
        return node.path(step).path(field).asLong(-1);
    }

    /** Sets the time when it is not set yet; returns the time kept. */
    long setOnce(String step, String field, long value) {
        long current = get(step, field);
        if (current > 0 || value <= 0) {
            return current;
        }
        step(step).put(field, value);
        changed = true;
        return value;
    }

    /** Starts the full step over when {@code plannedAt} names another plan than the one kept. */
    void plan(long plannedAt) {
        if (plannedAt > 0 && get("full", "plannedAt") != plannedAt) {
            ObjectNode full = StatusTopic.JSON.createObjectNode();
            full.put("plannedAt", plannedAt);
            node.set("full", full);
            changed = true;
        }
    }

    private ObjectNode step(String step) {
        JsonNode s = node.get(step);
        if (s instanceof ObjectNode o) {
            return o;
        }
        return node.putObject(step);
    }

    boolean changed() {
        return changed;
    }

    ObjectNode node() {
        return node;
    }
}
