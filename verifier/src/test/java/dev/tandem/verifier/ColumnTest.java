package dev.tandem.verifier;

import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The canonical encodings, evaluated by a real MariaDB: the same data reads the same whatever its exact type. */
class ColumnTest {

    private static MariaDbServer db;
    private static String database;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("verifier-column");
        database = db.createDatabase("col");
        db.execute(database, "CREATE TABLE t (id INT PRIMARY KEY, d1 DECIMAL(10,2), d2 DECIMAL(12,4), t3 DATETIME(3), t6 DATETIME(6), "
                        + "s VARCHAR(10), b VARBINARY(4), j JSON)",
                "INSERT INTO t VALUES (1, 1.50, 1.5000, '2026-12-05 10:00:00.120', '2026-12-05 10:00:00.120000', '', x'00ff', "
                        + "'{\"a\": 1}')",
                "INSERT INTO t VALUES (2, 10, 10.0000, '2026-12-05 10:00:00', '2026-12-05 10:00:00.000000', NULL, NULL, NULL)");
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.close();
        }
    }

    private static Object encoded(String column, String type, int id) {
        return db.queryValue(database, "SELECT " + new Column(column, type).encoded() + " FROM t WHERE id = " + id);
    }

    @Test
    void equalValuesOfDifferentPrecisionEncodeAlikeAndNullIsNotEmpty() {
        for (int id : List.of(1, 2)) {
            assertThat(encoded("d1", "DECIMAL", id)).as("row " + id).isEqualTo(encoded("d2", "decimal", id));
            assertThat(encoded("t3", "datetime", id)).as("row " + id).isEqualTo(encoded("t6", "datetime", id));
        }
        assertThat(encoded("d1", "decimal", 1)).isEqualTo("3:1.5");
        assertThat(encoded("d1", "decimal", 2)).as("no trailing dot").isEqualTo("2:10");
        assertThat(encoded("s", "varchar", 1)).isEqualTo("0:");
        assertThat(encoded("s", "varchar", 2)).isEqualTo("N");
        assertThat(encoded("b", "varbinary", 1)).isEqualTo("4:00FF");
        assertThat(db.queryValue(database, "SELECT " + new Column("b", "varbinary").literalSource() + " FROM t WHERE id = 1"))
                .isEqualTo("00FF");
        assertThat(new Column("we`ird", "int").quoted()).isEqualTo("`we``ird`");
    }
}
