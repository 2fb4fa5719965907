package dev.tandem.smt.origin;

import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginTaggerTest {

    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema TX = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA)
            .field("total_order", Schema.INT64_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().optional().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema CHECKPOINT_ROW = SchemaBuilder.struct().optional()
            .field("connector", Schema.STRING_SCHEMA).field("origin", Schema.STRING_SCHEMA)
            .field("kafka_offset", Schema.INT64_SCHEMA).field("ddl", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema TX_EVENT = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA)
            .field("id", Schema.STRING_SCHEMA).build();
    private static final Schema SCHEMA_CHANGE = SchemaBuilder.struct().field("source", SOURCE)
            .field("databaseName", Schema.OPTIONAL_STRING_SCHEMA).field("ddl", Schema.OPTIONAL_STRING_SCHEMA).build();

    private static Schema envelope(Schema row) {
        return SchemaBuilder.struct().field("before", row).field("after", row).field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA).field("transaction", TX).build();
    }

    private static SourceRecord data(String tx, long order, String op, int id) {
        Schema env = envelope(ROW);
        Struct row = new Struct(ROW).put("id", id);
        Struct value = new Struct(env).put("before", op.equals("d") ? row : null).put("after", op.equals("d") ? null : row)
                .put("source", new Struct(SOURCE).put("db", "shop").put("table", "orders")).put("op", op)
                .put("transaction", tx == null ? null : new Struct(TX).put("id", tx).put("total_order", order));
        return new SourceRecord(Map.of(), Map.of(), "p.shop.orders", null, KEY, new Struct(KEY).put("id", id), env, value);
    }

    private static SourceRecord marker(String tx, String origin, String ddl) {
        Schema env = envelope(CHECKPOINT_ROW);
        Struct row = new Struct(CHECKPOINT_ROW).put("connector", "sink").put("origin", origin).put("kafka_offset", 7L).put("ddl", ddl);
        Struct value = new Struct(env).put("after", row).put("source", new Struct(SOURCE).put("db", "tandem")
                .put("table", "tandem_checkpoint")).put("op", "u")
                .put("transaction", tx == null ? null : new Struct(TX).put("id", tx).put("total_order", 1L));
        return new SourceRecord(Map.of(), Map.of(), "p.tandem.tandem_checkpoint", null, null, null, env, value);
    }

    private static SourceRecord txEvent(String status, String id) {
        return new SourceRecord(Map.of(), Map.of(), "p.transaction", null, null, null, TX_EVENT,
                new Struct(TX_EVENT).put("status", status).put("id", id));
    }

    private static SourceRecord ddl(String statement) {
        Struct value = new Struct(SCHEMA_CHANGE).put("source", new Struct(SOURCE).put("db", "shop")).put("ddl", statement);
        return new SourceRecord(Map.of(), Map.of(), "p", null, null, null, SCHEMA_CHANGE, value);
    }

    private static OriginTagger<SourceRecord> tagger(Map<String, String> config) {
        OriginTagger<SourceRecord> t = new OriginTagger<>();
        t.configure(config);
        return t;
    }

    private static String origin(SourceRecord r) {
        return r.headers().lastWithName("tandem.origin").value().toString();
    }

    /** Applies the tagger to each record, keeping what it forwards. */
    private static List<SourceRecord> run(OriginTagger<SourceRecord> tagger, SourceRecord... records) {
        List<SourceRecord> out = new ArrayList<>();
        for (SourceRecord r : records) {
            SourceRecord t = tagger.apply(r);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    @Test
    void replicatedTransactionsCarryTheMarkersOriginAndLocalOnesTheRegion() {
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west"));
        List<SourceRecord> out = run(t, txEvent("BEGIN", "tx1"), marker("tx1", "east", null), data("tx1", 2, "c", 1),
                data("tx1", 3, "u", 2), txEvent("END", "tx1"), txEvent("BEGIN", "tx2"), data("tx2", 1, "c", 3),
                txEvent("END", "tx2"));
        List<SourceRecord> changes = out.stream().filter(r -> r.topic().equals("p.shop.orders")).toList();
        assertThat(changes).extracting(OriginTaggerTest::origin).containsExactly("east", "east", "west");
        assertThat(out).noneMatch(r -> r.topic().contains("tandem_checkpoint"));
        assertThat(out).filteredOn(r -> r.topic().equals("p.transaction")).hasSize(4);
    }

    @Test
    void interleavedTransactionsAndTransactionsSplitAcrossBatchesKeepTheirOrigins() {
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west"));
        List<SourceRecord> first = run(t, marker("a", "east", null), data("a", 2, "c", 1), data("b", 1, "c", 2));
        List<SourceRecord> second = run(t, marker("c", "north", null), data("a", 3, "u", 1), data("c", 2, "c", 3),
                data("b", 2, "u", 2));
        assertThat(first).extracting(OriginTaggerTest::origin).containsExactly("east", "west");
        assertThat(second).extracting(OriginTaggerTest::origin).containsExactly("east", "north", "west");
    }

    @Test
    void anEndForgetsTheTransactionAndStateIsBounded() {
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west", "max.open.transactions", "2"));
        run(t, marker("a", "east", null), txEvent("END", "a"));
        assertThat(origin(t.apply(data("a", 9, "u", 1)))).as("after END, an id means nothing").isEqualTo("west");
        run(t, marker("x", "east", null), marker("y", "east", null), marker("z", "east", null));
        assertThat(origin(t.apply(data("x", 2, "c", 1)))).as("the oldest was forgotten").isEqualTo("west");
        assertThat(origin(t.apply(data("z", 2, "c", 1)))).isEqualTo("east");
    }

    @Test
    void aTombstoneFollowsItsDeletesOriginAndInputsAreNotMutated() {
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west"));
        SourceRecord delete = data("a", 2, "d", 5);
        run(t, marker("a", "east", null));
        assertThat(origin(t.apply(delete))).isEqualTo("east");
        SourceRecord tombstone = new SourceRecord(Map.of(), Map.of(), "p.shop.orders", null, KEY, new Struct(KEY).put("id", 5), null, null);
        assertThat(origin(t.apply(tombstone))).isEqualTo("east");
        assertThat(delete.headers().isEmpty()).isTrue();
        assertThat(tombstone.headers().isEmpty()).isTrue();
        SourceRecord otherTombstone = new SourceRecord(Map.of(), Map.of(), "p.shop.orders", null, KEY, new Struct(KEY).put("id", 6), null, null);
        assertThat(origin(t.apply(otherTombstone))).isEqualTo("west");
    }

    @Test
    void recordsWithoutTransactionMetadataAndSchemalessRecordsAreLocal() {
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west"));
        assertThat(origin(t.apply(data(null, 0, "r", 1)))).isEqualTo("west");
        SourceRecord schemaless = new SourceRecord(Map.of(), Map.of(), "t", null, null, "k", null, Map.of("id", 1));
        assertThat(origin(t.apply(schemaless))).isEqualTo("west");
    }

    @Test
    void aDdlAnnouncedByACheckpointRowGivesItsOriginToTheMatchingSchemaChangeOnly() {
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west"));
        run(t, marker("m", "east", "ALTER TABLE orders ADD COLUMN note VARCHAR(10);"));
        assertThat(origin(t.apply(ddl("CREATE TABLE other (id INT)")))).isEqualTo("west");
        assertThat(origin(t.apply(ddl("alter table  orders\n ADD COLUMN note varchar(10)")))).isEqualTo("east");
        assertThat(origin(t.apply(ddl("ALTER TABLE orders ADD COLUMN note VARCHAR(10)")))).as("used once").isEqualTo("west");
    }

    @Test
    void theCopyOfASchemaChangeInTheTableTopicGetsTheOriginOfItsOriginal() {
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west"));
        run(t, marker("m", "east", "ALTER TABLE orders ADD COLUMN note VARCHAR(10)"));
        assertThat(origin(t.apply(ddl("ALTER TABLE orders ADD COLUMN note VARCHAR(10)")))).isEqualTo("east");
        SourceRecord copy = ddl("ALTER TABLE orders ADD COLUMN note VARCHAR(10)");
        copy.headers().addBoolean("tandem.ddl.copy", true);
        assertThat(origin(t.apply(copy))).as("the copy right after its original").isEqualTo("east");
        assertThat(origin(t.apply(ddl("ALTER TABLE orders ADD COLUMN note VARCHAR(10)")))).as("not a copy: a new local DDL")
                .isEqualTo("west");
        SourceRecord localCopy = ddl("ALTER TABLE orders ADD COLUMN note VARCHAR(10)");
        localCopy.headers().addBoolean("tandem.ddl.copy", true);
        assertThat(origin(t.apply(localCopy))).isEqualTo("west");
    }

    @Test
    void aMultiTableRenameAppliedByTheSinkIsRecognisedInEachOfItsPairsAndInItsJoinedCopies() {
        // The sink announces the statement it runs; the destination's binlog reader reports it one pair per event.
        OriginTagger<SourceRecord> t = tagger(Map.of("region", "west"));
        run(t, marker("m", "east", "RENAME TABLE `shop`.`products` TO `shop`.`_products_del`, `shop`.`_products_gho` TO `shop`.`products`"));
        assertThat(origin(t.apply(ddl("RENAME TABLE `shop`.`products` TO `shop`.`_products_del`")))).isEqualTo("east");
        assertThat(origin(t.apply(ddl("RENAME TABLE `shop`.`_products_gho` TO `shop`.`products`")))).isEqualTo("east");
        for (int i = 0; i < 3; i++) { // one copy per table topic, with the pairs joined back
            SourceRecord copy = ddl("RENAME TABLE `shop`.`products` TO `shop`.`_products_del`, `shop`.`_products_gho` TO `shop`.`products`");
            copy.headers().addBoolean("tandem.ddl.copy", true);
            assertThat(origin(t.apply(copy))).isEqualTo("east");
        }
        assertThat(origin(t.apply(ddl("RENAME TABLE `shop`.`products` TO `shop`.`_products_del`")))).as("a local one later")
                .isEqualTo("west");
    }

    @Test
    void configErrorsSayWhatIsExpected() {
        assertThatThrownBy(() -> tagger(Map.of())).isInstanceOf(ConfigException.class).hasMessageContaining("region");
        assertThatThrownBy(() -> tagger(Map.of("region", ""))).hasMessageContaining("needs this source's region");
        assertThatThrownBy(() -> tagger(Map.of("region", "we st"))).hasMessageContaining("letters, digits");
        assertThatThrownBy(() -> tagger(Map.of("region", "west", "checkpoint.table", "nodot")))
                .hasMessageContaining("database.table");
    }
}
