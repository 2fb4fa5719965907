package dev.tandem.source.core;

import dev.tandem.common.Envelope;
import dev.tandem.common.ChangeRecords;
import dev.tandem.common.DdlNames;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.TopicNames;
import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Copies of schema-change events for the topics of the tables they concern. A sink reading a
 * table's topic then meets the table's DDL between the rows written before and after it, which
 * the schema change topic (a separate topic) cannot guarantee. A copy carries no key: a table
 * topic's key is always the row key, so consumers that read keys as rows, compaction by key and a
 * registry's {@code <topic>-key} subject (one schema, which a BACKWARD rule accepts) never meet
 * Debezium's schema-change key there. Copies go to partition 0, so they need no key to be placed.
 *
 * <p>A statement that names several captured tables ({@code RENAME TABLE a TO b, c TO a} as
 * online schema-change tools switch tables, {@code DROP TABLE a, b}, {@code ALTER TABLE a RENAME
 * TO b}) is copied once into the topic of each of them, old and new names alike, with header
 * {@link TandemHeaders#DDL_TOPICS} listing those topics: a sink applies it once every listed
 * topic it reads has reached its copy, so the rows before it in each table are in first. Debezium
 * reports a multi-table RENAME as one event per pair; the pairs of one statement (consecutive,
 * same position) are joined back into one statement, which the destination runs as one.
 */
public final class DdlCopies {

    private DdlCopies() {
    }

    /**
     * {@code records} with the copies inserted after the events they copy.
     *
     * @param captured which tables the link captures (copies go only to their topics)
     * @param defaults the default character set and collation of a source database (as headers
     *                 {@link TandemHeaders#DATABASE_CHARSET} and {@link TandemHeaders#DATABASE_COLLATION}),
     *                 or null when unknown
     */
    public static List<SourceRecord> withCopies(List<SourceRecord> records, String prefix, Predicate<TableId> captured,
                                                Function<String, Map<String, String>> defaults) {
        List<SourceRecord> out = new ArrayList<>(records.size() + 4);
        for (int i = 0; i < records.size(); i++) {
            SourceRecord r = records.get(i);
            out.add(r);
            Event event = Event.of(r);
            if (event == null) {
                continue;
            }
            List<String> statements = new ArrayList<>(List.of(event.ddl));
            while (event.isSingleRename() && i + 1 < records.size()) {
                Event next = Event.of(records.get(i + 1));
                if (next == null || !next.isSingleRename() || !Objects.equals(next.tables, event.tables)
                        || !Objects.equals(records.get(i + 1).sourceOffset(), r.sourceOffset())) {
                    break;
                }
                out.add(records.get(++i));
                statements.add(next.ddl);
            }
            String ddl = statements.size() == 1 ? event.ddl : DdlNames.joined(statements);
            Set<TableId> tables = new LinkedHashSet<>();
            for (DdlNames.Rename rename : DdlNames.renames(ddl, event.database)) {
                tables.add(rename.from());
                tables.add(rename.to());
            }
            for (String table : event.tables.split(",")) {
                if (!table.isBlank()) {
                    tables.add(new TableId(event.database, table.trim()));
                }
            }
            List<String> topics = tables.stream().filter(captured).map(t -> TopicNames.table(prefix, t)).distinct().toList();
            Map<String, String> dbDefaults = defaults == null ? null : defaults.apply(event.database);
            for (String topic : topics) {
                out.add(copy(r, statements.size() == 1 ? r.value() : withDdl((Struct) r.value(), ddl), topic, topics, dbDefaults));
            }
        }
        return out;
    }

    /** The copy of a record for {@code prefix.db.table} (single-table events only), or null: the TiDB source's form. */
    public static List<SourceRecord> copiesOf(SourceRecord record, String prefix, Predicate<TableId> captured) {
        List<SourceRecord> all = withCopies(List.of(record), prefix, captured, null);
        return all.subList(1, all.size());
    }

    private static SourceRecord copy(SourceRecord record, Object value, String topic, List<String> topics,
                                     Map<String, String> dbDefaults) {
        Headers headers = record.headers().duplicate();
        headers.addBoolean(TandemHeaders.DDL_COPY, true);
        if (topics.size() > 1) {
            headers.addString(TandemHeaders.DDL_TOPICS, String.join(",", topics));
        }
        if (dbDefaults != null) {
            headers.addString(TandemHeaders.DATABASE_CHARSET, dbDefaults.get(TandemHeaders.DATABASE_CHARSET));
            headers.addString(TandemHeaders.DATABASE_COLLATION, dbDefaults.get(TandemHeaders.DATABASE_COLLATION));
        }
        return new SourceRecord(record.sourcePartition(), record.sourceOffset(), topic, 0, null, null,
                record.valueSchema(), value, record.timestamp(), headers);
    }

    private static Struct withDdl(Struct value, String ddl) {
        Struct copy = new Struct(value.schema());
        value.schema().fields().forEach(f -> copy.put(f, value.get(f)));
        copy.put(Envelope.DDL, ddl);
        return copy;
    }

    /** Whether a schema-change event concerns a database's defaults (CREATE/ALTER/DROP DATABASE or SCHEMA). */
    public static String databaseChanged(SourceRecord record) {
        Object value = record.value();
        String ddl = value instanceof Struct ? ChangeRecords.ddl(value) : null;
        Object name = ChangeRecords.get(value, Envelope.DATABASE_NAME);
        if (ddl == null || name == null) {
            return null;
        }
        boolean database = ddl.trim().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT).matches("^(CREATE|ALTER|DROP) (DATABASE|SCHEMA)\\b.*");
        return database ? name.toString() : null;
    }

    /** A schema-change event of at least one table: its DDL, database and Debezium's list of tables. */
    private record Event(String ddl, String database, String tables) {

        static Event of(SourceRecord record) {
            Object value = record.value();
            if (!(value instanceof Struct) || !ChangeRecords.has(value, Envelope.TABLE_CHANGES)) {
                return null;
            }
            String ddl = ChangeRecords.ddl(value);
            TableId table = ChangeRecords.sourceTable(value);
            if (ddl == null || table == null || table.database().isEmpty()) {
                return null;
            }
            return new Event(ddl, table.database(), table.table());
        }

        boolean isSingleRename() {
            return DdlNames.clauses(ddl).size() == 1 && ddl.trim().regionMatches(true, 0, "RENAME", 0, 6)
                    && DdlNames.renames(ddl, database).size() == 1;
        }
    }
}
