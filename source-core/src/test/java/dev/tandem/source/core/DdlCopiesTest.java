package dev.tandem.source.core;

import dev.tandem.common.TandemHeaders;
import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Schema-change events shaped as Debezium 3.5's binlog connectors emit them: a multi-table RENAME
 * is one event per pair, each with "RENAME TABLE" and its pair as DDL and, in source.table, the
 * new names of the whole statement joined with commas (the cause of a topic named
 * "east.shop.products,_products_del" before).
 */
class DdlCopiesTest {

    private static final Schema SOURCE = SchemaBuilder.struct().field("db", Schema.OPTIONAL_STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema VALUE = SchemaBuilder.struct().field("source", SOURCE).field("databaseName", Schema.STRING_SCHEMA)
            .field("ddl", Schema.STRING_SCHEMA).field("tableChanges", SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build();

    private static SourceRecord event(String ddl, String tables, long pos) {
        Struct value = new Struct(VALUE).put("source", new Struct(SOURCE).put("db", "shop").put("table", tables))
                .put("databaseName", "shop").put("ddl", ddl).put("tableChanges", List.of());
        return new SourceRecord(Map.of("server", "east"), Map.of("pos", pos), "east", 0, null, null, VALUE, value);
    }

    private static final Map<String, String> DEFAULTS = Map.of(TandemHeaders.DATABASE_CHARSET, "utf8mb4",
            TandemHeaders.DATABASE_COLLATION, "utf8mb4_unicode_ci");

    @Test
    void aCutOverRenameIsJoinedAndCopiedOnceIntoTheTopicOfEveryTableItNames() {
        List<SourceRecord> in = List.of(
                event("rename /* gh-ost */ table `shop`.`products` to `shop`.`_products_del`", "products,_products_del", 40),
                event("rename /* gh-ost */ table `shop`.`_products_gho` to `shop`.`products`", "products,_products_del", 40));
        List<SourceRecord> out = DdlCopies.withCopies(in, "east", t -> true, db -> DEFAULTS);
        assertThat(out.subList(0, 2)).isEqualTo(in);
        List<SourceRecord> copies = out.subList(2, out.size());
        assertThat(copies).extracting(SourceRecord::topic)
                .containsExactly("east.shop.products", "east.shop._products_del", "east.shop._products_gho");
        for (SourceRecord c : copies) {
            assertThat(((Struct) c.value()).getString("ddl")).isEqualTo("rename /* gh-ost */ table `shop`.`products` to "
                    + "`shop`.`_products_del`, `shop`.`_products_gho` to `shop`.`products`");
            assertThat(c.key()).isNull();
            assertThat(c.kafkaPartition()).isZero();
            assertThat(c.headers().lastWithName(TandemHeaders.DDL_TOPICS).value())
                    .isEqualTo("east.shop.products,east.shop._products_del,east.shop._products_gho");
            assertThat(c.headers().lastWithName(TandemHeaders.DATABASE_COLLATION).value()).isEqualTo("utf8mb4_unicode_ci");
        }
    }

    @Test
    void aSingleTableDdlHasOneCopyAndTablesOutsideTheSelectionGetNone() {
        List<SourceRecord> out = DdlCopies.withCopies(List.of(event("ALTER TABLE products ADD COLUMN x INT", "products", 1),
                event("RENAME TABLE a TO b", "b", 2), event("RENAME TABLE c TO d", "d", 3)), "east",
                t -> !t.equals(new TableId("shop", "c")), null);
        assertThat(out).extracting(SourceRecord::topic).containsExactly("east", "east.shop.products", "east", "east.shop.a",
                "east.shop.b", "east", "east.shop.d");
        assertThat(out.get(1).headers().lastWithName(TandemHeaders.DDL_TOPICS)).isNull();
        assertThat(out.get(1).headers().lastWithName(TandemHeaders.DATABASE_CHARSET)).isNull();
        assertThat(out.get(3).headers().lastWithName(TandemHeaders.DDL_TOPICS).value()).isEqualTo("east.shop.a,east.shop.b");
        assertThat(out.get(6).headers().lastWithName(TandemHeaders.DDL_TOPICS)).isNull(); // c is not captured
    }

    @Test
    void topicNamesAreSpelledAsDebeziumSpellsTheTablesTopics() {
        assertThat(dev.tandem.common.TopicNames.table("east", new TableId("shop", "price$list"))).isEqualTo("east.shop.price_list");
        assertThat(dev.tandem.common.TopicNames.table("east", new TableId("shop", "_products_gho"))).isEqualTo("east.shop._products_gho");
    }

    @Test
    void databaseLevelStatementsAreRecognised() {
        Struct value = new Struct(VALUE).put("source", new Struct(SOURCE).put("db", "shop")).put("databaseName", "shop")
                .put("ddl", "ALTER  DATABASE shop COLLATE utf8mb4_bin").put("tableChanges", List.of());
        assertThat(DdlCopies.databaseChanged(new SourceRecord(Map.of(), Map.of(), "east", 0, null, null, VALUE, value)))
                .isEqualTo("shop");
        assertThat(DdlCopies.databaseChanged(event("ALTER TABLE products ADD COLUMN x INT", "products", 1))).isNull();
    }
}
