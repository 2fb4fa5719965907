package dev.tandem.sink.apply;

import dev.tandem.sink.dialect.Dialect;
import dev.tandem.sink.dialect.Jdbc;
import dev.tandem.common.select.TableId;
import dev.tandem.testkit.MariaDbServer;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LOAD DATA of new rows against a real MariaDB: the same rows as the statements write, or a fallback to them. */
class LoadDataWriterTest {

    private static final String TYPES_DDL = "(id BIGINT PRIMARY KEY, c_tiny TINYINT, c_small SMALLINT, c_uint INT UNSIGNED, "
            + "c_float FLOAT, c_double DOUBLE, c_decimal DECIMAL(30,10), c_varchar VARCHAR(100), c_text TEXT, "
            + "c_blob BLOB, c_bit1 BIT(1), c_bool TINYINT(1), c_bits BIT(12), c_date DATE, c_datetime DATETIME(6), "
            + "c_timestamp TIMESTAMP(6) NULL, c_time TIME(6), c_json JSON, c_enum ENUM('a','b c'), c_set SET('x','y','z'), "
            + "c_year YEAR) CHARACTER SET utf8mb4";
    /** Every character LOAD DATA treats specially, and a few the statements escape. */
    private static final String AWKWARD = "tab\there\nnew line \\ back\\slash\r\0nul 'quote' \"dq\" \\N ; 😀 ü";

    /** The rows of the fallback tests: table t (id, v). */
    private static final Schema ROW = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
            .field("v", Schema.OPTIONAL_STRING_SCHEMA).build();

    private static MariaDbServer db;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("loaddata");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static Connection connect() throws SQLException {
        return Jdbc.open("jdbc:mariadb://" + db.host() + ":" + db.port() + "/", db.user(), db.password());
    }

    private static final Schema TYPES = SchemaBuilder.struct()
            .field("id", Schema.INT64_SCHEMA)
            .field("c_tiny", Schema.OPTIONAL_INT16_SCHEMA)
            .field("c_small", Schema.OPTIONAL_INT16_SCHEMA)
            .field("c_uint", Schema.OPTIONAL_INT64_SCHEMA)
            .field("c_float", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("c_double", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("c_decimal", Decimal.builder(10).optional().build())
            .field("c_varchar", Schema.OPTIONAL_STRING_SCHEMA)
            .field("c_text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("c_blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("c_bit1", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("c_bool", Schema.OPTIONAL_INT16_SCHEMA)
            .field("c_bits", SchemaBuilder.bytes().name("io.debezium.data.Bits").optional().build())
            .field("c_date", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
            .field("c_datetime", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .field("c_timestamp", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").optional().build())
            .field("c_time", SchemaBuilder.int64().name("io.debezium.time.MicroTime").optional().build())
            .field("c_json", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("c_enum", SchemaBuilder.string().name("io.debezium.data.Enum").optional().build())
            .field("c_set", SchemaBuilder.string().name("io.debezium.data.EnumSet").optional().build())
            .field("c_year", SchemaBuilder.int32().name("io.debezium.time.Year").optional().build())
            .build();

    /** Row {@code i}: every column set (odd ids with extreme values), or every nullable column null (each 10th). */
    private static Struct typesRow(long i) {
        Struct s = new Struct(TYPES).put("id", i);
        if (i % 10 == 0) {
            return s;
        }
        boolean odd = i % 2 == 1;
        return s.put("c_tiny", (short) (odd ? -128 : 127))
                .put("c_small", (short) (i * 7 - 500))
                .put("c_uint", odd ? 4_294_967_295L : i)
                .put("c_float", odd ? 1.5e38f : (float) (i / 3.0))
                .put("c_double", odd ? -1.7976931348623157e308 : i / 7.0 + 1e-17)
                .put("c_decimal", new BigDecimal(odd ? "-12345678901234567890.0123456789" : i + ".0000000001"))
                .put("c_varchar", odd ? AWKWARD : "")
                .put("c_text", ("text " + i + " ").repeat((int) (i % 50)) + AWKWARD)
                .put("c_blob", new byte[]{0, 9, 10, 13, 92, 78, (byte) 0xff, (byte) i})
                .put("c_bit1", odd)
                .put("c_bool", (short) (odd ? 1 : 0))
                .put("c_bits", new byte[]{(byte) (i & 0xff), (byte) (i % 16)})
                .put("c_date", (int) (odd ? -719_162 + i : 19_000 + i))
                .put("c_datetime", odd ? 253_402_300_799_999_999L : 1_700_000_000_123_456L + i)
                .put("c_timestamp", odd ? "2038-01-19T03:14:07.999999Z" : "1970-01-01T00:00:01.000001Z")
                .put("c_time", odd ? -838L * 3_600_000_000L + 1 : 86_399_999_999L)
                .put("c_json", "{\"k\": \"v\\t" + i + "\", \"n\": [1, 2.5, null]}")
                .put("c_enum", odd ? "b c" : "a")
                .put("c_set", odd ? "x,z" : "")
                .put("c_year", odd ? 2155 : 1901);
    }

    /**
     * Per column, how many rows of {@code a} differ from the row with the same id in {@code b},
     * compared as stored ({@code <=>}; text and bytes byte by byte).
     */
    private static Map<String, Object> differences(String schema, String a, String b) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) AS rows_compared");
        for (var f : TYPES.fields()) {
            boolean text = f.schema().type() == Schema.Type.STRING || f.schema().type() == Schema.Type.BYTES;
            String left = text ? "BINARY a." + f.name() : "a." + f.name();
            String right = text ? "BINARY b." + f.name() : "b." + f.name();
            sql.append(", SUM(NOT (").append(left).append(" <=> ").append(right).append(")) AS ").append(f.name());
        }
        sql.append(" FROM ").append(a).append(" a JOIN ").append(b).append(" b USING (id)");
        Map<String, Object> out = new LinkedHashMap<>();
        db.query(schema, sql.toString()).get(0).forEach((k, v) -> out.put(k, v.toString()));
        return out;
    }

    @Test
    void loadedRowsEqualWhatTheStatementsWriteForEveryType() throws Exception {
        String schema = db.createDatabase("load");
        db.execute(schema, "CREATE TABLE loaded " + TYPES_DDL, "CREATE TABLE inserted " + TYPES_DDL);
        List<Struct> rows = new ArrayList<>();
        for (long i = 1; i <= 250; i++) {
            rows.add(typesRow(i));
        }
        LoadDataWriter loader = new LoadDataWriter(Dialect.named("mariadb"));
        StatementWriter loading = new StatementWriter(Dialect.named("mariadb"), 16 << 20, loader);
        StatementWriter statements = new StatementWriter(Dialect.named("mariadb"), 16 << 20);
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            loading.writeNew(c, new TableId(schema, "loaded"), TYPES, Set.of("id"), rows);
            statements.upsert(c, new TableId(schema, "inserted"), TYPES, Set.of("id"), rows, false);
            c.commit();
        }
        assertThat(loader.loadedRows()).isEqualTo(250);
        assertThat(loader.fallbacks()).isZero();
        Map<String, Object> none = new LinkedHashMap<>();
        none.put("rows_compared", "250");
        TYPES.fields().forEach(f -> none.put(f.name(), "0"));
        assertThat(differences(schema, "loaded", "inserted")).isEqualTo(none);
        // Not only the same as the statements: the awkward text and bytes arrived as sent.
        assertThat(db.queryValue(schema, "SELECT c_varchar FROM loaded WHERE id = 1")).isEqualTo(AWKWARD);
        assertThat(db.queryValue(schema, "SELECT HEX(c_blob) FROM loaded WHERE id = 3")).isEqualTo("00090A0D5C4EFF03");
        assertThat(db.queryValue(schema, "SELECT c_bit1 + 0 FROM loaded WHERE id = 3").toString()).isEqualTo("1");
        assertThat(db.queryValue(schema, "SELECT COUNT(*) FROM loaded WHERE c_tiny IS NULL AND c_blob IS NULL "
                + "AND c_bit1 IS NULL AND c_time IS NULL").toString()).isEqualTo("25");
    }

    @Test
    void rowsAlreadyThereAreRolledBackAndUpsertedAndTheTablePausesTheLoad() throws Exception {
        Table t = table(20);
        db.execute(t.schema, "INSERT INTO t VALUES (5, 'old'), (150, 'old')");
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            t.writeNew(c, numbered(1, 200, "new"));
            c.commit();
            assertThat(t.loader.fallbacks()).isEqualTo(1);
            assertThat(t.loader.loadedRows()).isZero();
            // Paused: the next batch of this table goes to statements without trying.
            t.writeNew(c, numbered(201, 400, "next"));
            c.commit();
            assertThat(t.loader.fallbacks()).isEqualTo(1);
            assertThat(t.loader.loadedRows()).isZero();
        }
        assertThat(db.queryValue(t.schema, "SELECT COUNT(*) FROM t").toString()).isEqualTo("400");
        assertThat(db.queryValue(t.schema, "SELECT COUNT(*) FROM t WHERE v = 'new' AND id <= 200").toString()).isEqualTo("200");
    }

    @Test
    void aValueTheColumnCannotHoldIsRolledBackAndReportedByTheStatement() throws Exception {
        Table t = table(5);
        List<Struct> rows = numbered(1, 120, "ok");
        rows.set(60, new Struct(ROW).put("id", 61).put("v", "much too long"));
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> t.writeNew(c, rows))
                    .isInstanceOf(SQLException.class).hasMessageContaining("Data too long for column 'v'");
            c.rollback();
        }
        assertThat(t.loader.fallbacks()).isEqualTo(1);
        assertThat(db.queryValue(t.schema, "SELECT COUNT(*) FROM t").toString()).isEqualTo("0");
    }

    @Test
    void aServerThatRefusesLocalFilesTurnsTheLoadOffAndStatementsWriteTheRows() throws Exception {
        Table t = table(20);
        db.execute("", "SET GLOBAL local_infile = 0");
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            t.writeNew(c, numbered(1, 150, "v"));
            c.commit();
        } finally {
            db.execute("", "SET GLOBAL local_infile = 1");
        }
        assertThat(t.loader.loadedRows()).isZero();
        assertThat(t.loader.fallbacks()).isZero();
        // Off for the task: with the server allowing it again, the next rows still go to statements.
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            assertThat(t.loader.load(c, t.id, ROW, numbered(151, 300, "v"))).isFalse();
        }
        assertThat(db.queryValue(t.schema, "SELECT COUNT(*) FROM t").toString()).isEqualTo("150");
    }

    /** Table t (id, v VARCHAR(width)) in a database of its own, with a writer whose loader it watches. */
    private record Table(String schema, TableId id, LoadDataWriter loader, StatementWriter writer) {
        void writeNew(Connection c, List<Struct> rows) throws SQLException {
            writer.writeNew(c, id, ROW, Set.of("id"), rows);
        }
    }

    private static Table table(int width) {
        String schema = db.createDatabase("load");
        db.execute(schema, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(" + width + "))");
        LoadDataWriter loader = new LoadDataWriter(Dialect.named("mariadb"));
        return new Table(schema, new TableId(schema, "t"), loader, new StatementWriter(Dialect.named("mariadb"), 16 << 20, loader));
    }

    private static List<Struct> numbered(int from, int to, String value) {
        List<Struct> rows = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            rows.add(new Struct(ROW).put("id", i).put("v", value));
        }
        return rows;
    }
}
