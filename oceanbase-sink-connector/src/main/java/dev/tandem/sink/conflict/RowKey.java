package dev.tandem.sink.conflict;

import dev.tandem.sink.apply.ChangeRecord;

/** A row's key as text, the same for every change of that row: what tombstones and conflict rows name. */
final class RowKey {

    private RowKey() {
    }

    static String of(ChangeRecord r) {
        return RowJson.of(r.key());
    }
}
