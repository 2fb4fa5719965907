package dev.tandem.it;

import dev.tandem.testkit.ChangeEvent;
import dev.tandem.testkit.Closing;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tandem.it.SourceCaptureIT.sourceConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Origin tagging, a wildcard rename and a row filter chained on a real MariaDB source in a real
 * worker (plugins from their packaged folders): the records in Kafka carry the new topic, source
 * block, schema names and column, only the rows inside the condition, the insert/delete that an
 * update crossing the condition becomes, and the origin header. A bad condition is answered by
 * the worker's validation with the column of the problem.
 */
class SmtChainIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static ConnectCluster connect;
    private static MariaDbServer db;

    @BeforeAll
    static void start() {
        db = MariaDbServer.start("smt");
        connect = ConnectCluster.builder().name("smt-chain").start();
    }

    @AfterAll
    static void stop() {
        Closing.all(connect, db);
    }

    private static Map<String, String> config(String condition) {
        Map<String, String> c = sourceConfig(connect, db, "chain", 6901);
        c.put("tandem.objects", "shop.orders_*");
        c.put("transforms", "origin,rename,filter");
        c.put("transforms.origin.type", "dev.tandem.smt.origin.OriginTagger");
        c.put("transforms.origin.region", "hz");
        c.put("transforms.rename.type", "dev.tandem.smt.rename.Rename");
        c.put("transforms.rename.tables", "shop.orders_?->archive.orders_archive_?");
        c.put("transforms.rename.columns", "shop.orders_*.amt->amount");
        c.put("transforms.filter.type", "dev.tandem.smt.filter.RowFilter");
        c.put("transforms.filter.tables", "archive.orders_archive_*");
        c.put("transforms.filter.condition", condition);
        return c;
    }

    @Test
    void renameFilterAndTaggingOnARealSource() {
        db.execute("", "CREATE DATABASE shop");
        db.execute("shop", "CREATE TABLE orders_1 (id INT PRIMARY KEY, amt DECIMAL(10,2), region VARCHAR(8), placed DATETIME(6))",
                "INSERT INTO orders_1 VALUES (1, 150.00, 'hz', '2024-02-29 10:00:00'), (2, 50.00, 'hz', '2024-02-29 10:00:00'), "
                        + "(3, 500.00, 'bj', '2024-02-29 10:00:00'), (4, 120.00, 'SH', NULL)");
        String condition = "`amount` > 100 AND `region` IN ('hz','sh') AND (placed IS NULL OR placed >= '2024-01-01')";
        assertThat(connect.validationErrors(SourceCaptureIT.SOURCE, config("amount > > 1")).get("transforms.filter.condition"))
                .as("a bad condition is a validation error with its position")
                .anySatisfy(e -> assertThat(e).contains("cannot parse the condition at column"));
        assertThat(connect.validationErrors(SourceCaptureIT.SOURCE, config(condition))).isEmpty();
        connect.configure("chain-source", config(condition));

        String topic = "chain.archive.orders_archive_1";
        List<ChangeEvent> snapshot = ChangeEvent.of(connect.consume(2, TIMEOUT, topic));
        assertThat(snapshot).extracting(e -> e.keyField("id")).containsExactlyInAnyOrder("1", "4");
        ChangeEvent first = snapshot.get(0);
        assertThat(first.source().path("db").asText()).isEqualTo("archive");
        assertThat(first.source().path("table").asText()).isEqualTo("orders_archive_1");
        assertThat(first.valueSchema().path("name").asText()).isEqualTo("chain.archive.orders_archive_1.Envelope");
        assertThat(first.columns()).contains("amount").doesNotContain("amt");
        assertThat(first.headers()).containsEntry("tandem.origin", "hz");

        db.execute("shop", "UPDATE orders_1 SET amt = 200 WHERE id = 2", // moves in
                "UPDATE orders_1 SET region = 'bj' WHERE id = 1",         // moves out
                "UPDATE orders_1 SET amt = 130 WHERE id = 4",             // stays in
                "UPDATE orders_1 SET amt = 600 WHERE id = 3",             // stays out
                "INSERT INTO orders_1 VALUES (5, 101, 'hz', '2023-12-31 23:59:59')", // outside (placed)
                "INSERT INTO orders_1 VALUES (6, 101, 'hz', '2024-01-01 00:00:00')");
        List<ChangeEvent> changes = ChangeEvent.of(connect.consume(6, TIMEOUT, topic)).subList(2, 6);
        assertThat(changes).extracting(e -> e.keyField("id") + ":" + e.op()).containsExactly("2:c", "1:d", "4:u", "6:c");
        ChangeEvent movedIn = changes.get(0);
        assertThat(movedIn.before().isNull()).as("an update moving in arrives as an insert").isTrue();
        assertThat(movedIn.field("amount")).isEqualTo(new java.math.BigDecimal("200.00"));
        ChangeEvent movedOut = changes.get(1);
        assertThat(movedOut.after().isNull()).as("an update moving out arrives as a delete").isTrue();
        assertThat(movedOut.before().path("region").asText()).isEqualTo("hz");
        assertThat(changes).allSatisfy(e -> assertThat(e.headers()).containsEntry("tandem.origin", "hz"));
        assertThat(changes).as("no Debezium context headers (extended.headers.enabled=false)")
                .allSatisfy(e -> assertThat(e.headers().keySet()).noneMatch(k -> k.startsWith("__debezium.context.")));
        try (var admin = connect.kafka().createAdminClient()) {
            assertThat(admin.listTopics().names().toCompletionStage().toCompletableFuture().join())
                    .as("nothing under the old name").noneMatch(t -> t.startsWith("chain.shop."));
        }
        connect.delete("chain-source");
    }
}
