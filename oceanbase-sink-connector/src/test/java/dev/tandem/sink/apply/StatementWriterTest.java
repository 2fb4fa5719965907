package dev.tandem.sink.apply;

import dev.tandem.sink.dialect.Dialect;
import dev.tandem.sink.dialect.Jdbc;
import dev.tandem.common.select.TableId;
import dev.tandem.testkit.MariaDbServer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Multi-row statements against a real MariaDB. */
class StatementWriterTest {

    private static MariaDbServer db;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("writer");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static Connection connect() throws Exception {
        return Jdbc.open("jdbc:mariadb://" + db.host() + ":" + db.port() + "/", db.user(), db.password());
    }

    @Test
    void largeBatchesAreCutUnderThePacketLimitAndUpsertsReplaceRows() throws Exception {
        String schema = db.createDatabase("writer");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(200))", "INSERT INTO t VALUES (1, 'old')");
        Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("v", Schema.OPTIONAL_STRING_SCHEMA).build();
        List<Struct> rows = new ArrayList<>();
        for (int i = 1; i <= 2_500; i++) {
            rows.add(new Struct(row).put("id", i).put("v", "value-" + i + "-" + "x".repeat(100)));
        }
        // A 64 KiB statement budget forces many statements for ~300 KB of rows.
        StatementWriter writer = new StatementWriter(Dialect.named("mariadb"), 128 * 1024);
        try (Connection c = connect()) {
            assertThat(writer.upsert(c, new TableId(schema, "t"), row, Set.of("id"), rows, false)).isEqualTo(2_500);
        }
        assertThat(db.queryValue(schema, "SELECT COUNT(*) FROM t")).hasToString("2500");
        assertThat((String) db.queryValue(schema, "SELECT v FROM t WHERE id = 1")).startsWith("value-1-");
    }

    @Test
    void keepExistingAndKeyOnlyTablesUseInsertIgnoreAndCompositeKeysDelete() throws Exception {
        String schema = db.createDatabase("writer");
        db.execute(schema, "CREATE TABLE t (a INT, b VARCHAR(10), v INT, PRIMARY KEY (a, b))",
                "INSERT INTO t VALUES (1, 'x', 100), (2, 'y', 200), (3, 'z', 300)");
        Schema row = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).field("b", Schema.STRING_SCHEMA)
                .field("v", Schema.INT32_SCHEMA).build();
        Schema key = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).field("b", Schema.STRING_SCHEMA).build();
        StatementWriter writer = new StatementWriter(Dialect.named("mariadb"), 16 * 1024 * 1024);
        try (Connection c = connect()) {
            writer.upsert(c, new TableId(schema, "t"), row, Set.of("a", "b"),
                    List.of(new Struct(row).put("a", 1).put("b", "x").put("v", -1), new Struct(row).put("a", 4).put("b", "w").put("v", 400)),
                    true);
            writer.delete(c, new TableId(schema, "t"), key,
                    List.of(new Struct(key).put("a", 2).put("b", "y"), new Struct(key).put("a", 3).put("b", "no")));
        }
        assertThat(db.query(schema, "SELECT a, b, v FROM t ORDER BY a")).extracting(r -> r.get("a") + r.get("b").toString() + r.get("v"))
                .containsExactly("1x100", "3z300", "4w400");
    }
}
