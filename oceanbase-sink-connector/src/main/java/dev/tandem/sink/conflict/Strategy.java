package dev.tandem.sink.conflict;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** What the sink does with a conflict, per table. */
public enum Strategy {
    /** The incoming change is applied, as without conflict handling; the conflict is recorded. */
    OVERWRITE,
    /** The destination row is kept; the incoming change of that row is dropped and recorded. */
    IGNORE,
    /** The row with the greater value of a column the application maintains wins; ties by region order. */
    LAST_WRITER_WINS,
    /** The change of the region earlier in the region order wins. */
    REGION_PRIORITY,
    /** The task stops, naming the table, the key, the conflict and both rows. */
    FAIL;

    public String configValue() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Strategy of(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (Strategy s : values()) {
            if (s.configValue().equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a conflict strategy: choose one of " + names());
    }

    public static List<String> names() {
        return Arrays.stream(values()).map(Strategy::configValue).toList();
    }

    /** Whether every region reaches the same row, given the same settings on every link. */
    public boolean converges() {
        return this == LAST_WRITER_WINS || this == REGION_PRIORITY;
    }
}
