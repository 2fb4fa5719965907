package dev.tandem.source.core.snapshot;

import dev.tandem.common.select.TableId;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The splitter on a real MariaDB: the SQL walk of the key index and the chunk ranges it yields. */
class JdbcKeyIndexTest {

    private static MariaDbServer db;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("splitter");
    }

    @AfterAll
    static void stop() {
        db.close();
    }

    private static List<Long> chunkSizes(Connection c, String table, List<String> keys, List<Chunk> chunks) throws Exception {
        List<Long> sizes = new ArrayList<>();
        for (Chunk chunk : chunks) {
            KeyRange range = KeyRange.of(keys, chunk.lower(), chunk.upper());
            try (var ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + range.where())) {
                range.bind(ps, 1);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    sizes.add(rs.getLong(1));
                }
            }
        }
        return sizes;
    }

    @Test
    void skewedBigintUnsignedAndCompositeStringKeysGiveBalancedChunks() throws Exception {
        String schema = db.createDatabase("split");
        db.execute(schema,
                "CREATE TABLE skewed (id BIGINT UNSIGNED PRIMARY KEY, v INT)",
                // 9,000 dense keys, then 1,000 keys far apart up to the top of BIGINT UNSIGNED
                "INSERT INTO skewed SELECT seq, 0 FROM seq_1_to_9000",
                "INSERT INTO skewed SELECT 18446744073709551615 - seq * 1000000000000, 0 FROM seq_0_to_999",
                "CREATE TABLE composite (tenant VARCHAR(20), n INT, v INT, PRIMARY KEY (tenant, n)) CHARACTER SET utf8mb4",
                "INSERT INTO composite SELECT 'acme', seq, 0 FROM seq_1_to_4500",
                "INSERT INTO composite SELECT CONCAT('t-', seq % 37), seq, 0 FROM seq_1_to_500");
        try (Connection c = db.connect(schema)) {
            List<String> id = List.of("`id`");
            List<Chunk> skewed = new ChunkSplitter(1_000).split(new TableId(schema, "skewed"), new JdbcKeyIndex(c, "skewed", id));
            assertThat(chunkSizes(c, "skewed", id, skewed)).containsExactly(1_000L, 1_000L, 1_000L, 1_000L, 1_000L, 1_000L,
                    1_000L, 1_000L, 1_000L, 1_000L, 0L);
            assertThat(skewed.get(9).upper()).containsExactly(new BigInteger("18446744073709551615"));

            List<String> keys = List.of("`tenant`", "`n`");
            List<Chunk> composite = new ChunkSplitter(1_250).split(new TableId(schema, "composite"),
                    new JdbcKeyIndex(c, "composite", keys));
            assertThat(chunkSizes(c, "composite", keys, composite)).containsExactly(1_250L, 1_250L, 1_250L, 1_250L, 0L);
            assertThat(composite.get(0).upper()).containsExactly("acme", BigInteger.valueOf(1_250));
        }
    }
}
