package dev.tandem.sink.conflict;

import java.util.Locale;

/**
 * How a change of another region met the destination row: the row it inserts is there already,
 * the row it updates or deletes is missing, or differs from the row the other region changed
 * (its {@code before} image, on the compared columns), or another row holds the values of one of
 * its unique keys.
 */
public enum ConflictType {
    INSERT_ROW_EXISTS,
    UPDATE_ROW_MISSING,
    UPDATE_ROW_CHANGED,
    DELETE_ROW_MISSING,
    DELETE_ROW_CHANGED,
    /** Another row (another primary key) holds the values of a secondary unique key the change writes. */
    UNIQUE_KEY_COLLISION;

    /** As the conflict table and metrics name it: {@code update-row-changed}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
