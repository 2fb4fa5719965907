package dev.tandem.source;

import dev.tandem.common.Envelope;
import dev.tandem.common.TandemHeaders;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Copies of schema-change events for the topic of the table they concern. A sink reading a
 * table's topic then meets the table's DDL between the rows written before and after it, which
 * the schema change topic (a separate topic) cannot guarantee. A copy carries no key: a table
 * topic's key is always the row key, so consumers that read keys as rows, compaction by key and a
 * registry's {@code <topic>-key} subject (one schema, which a BACKWARD rule accepts) never meet
 * Debezium's schema-change key there. Copies go to partition 0, so they need no key to be placed.
 */
public final class DdlCopies {

    private DdlCopies() {
    }

    /** The copy of {@code record} for {@code prefix.db.table}, or null when it is not a schema-change event of one table. */
    public static SourceRecord copyForTableTopic(SourceRecord record, String prefix) {
        if (!(record.value() instanceof Struct value) || value.schema().field("ddl") == null
                || value.schema().field("tableChanges") == null || value.schema().field(Envelope.SOURCE) == null) {
            return null;
        }
        Struct source = value.getStruct(Envelope.SOURCE);
        if (source == null || source.schema().field(Envelope.SOURCE_TABLE) == null || source.get(Envelope.SOURCE_TABLE) == null
                || source.get(Envelope.SOURCE_DB) == null || source.getString(Envelope.SOURCE_DB).isEmpty()) {
            return null;
        }
        String topic = prefix + "." + source.getString(Envelope.SOURCE_DB) + "." + source.getString(Envelope.SOURCE_TABLE);
        Headers headers = record.headers().duplicate();
        headers.addBoolean(TandemHeaders.DDL_COPY, true);
        return new SourceRecord(record.sourcePartition(), record.sourceOffset(), topic, 0, null, null,
                record.valueSchema(), record.value(), record.timestamp(), headers);
    }
}
