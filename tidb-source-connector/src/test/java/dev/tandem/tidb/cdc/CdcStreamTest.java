package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;
import dev.tandem.source.core.DebeziumFormat;
import dev.tandem.source.core.snapshot.SnapshotEvents;
import dev.tandem.tidb.TidbSourceConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stream over a TiCDC topic read by Kafka's {@code MockConsumer} (the fixture messages, see
 * src/test/resources/ticdc/README.md): how far behind TiDB it reports itself while a transaction
 * waits for its watermark, and once nothing is left to read.
 */
class CdcStreamTest {

    private static final String TOPIC = "ticdc";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

    private static Object value(Metrics metrics, String name) {
        return metrics.metrics().entrySet().stream().filter(e -> e.getKey().name().equals(name)).map(Map.Entry::getValue)
                .map(KafkaMetric::metricValue).findFirst().orElseThrow(() -> new AssertionError("no metric " + name));
    }

    @Test
    void isBehindTidbWhileATransactionWaitsAndNotOnceEverythingIsRead() throws Exception {
        Map<String, String> debezium = new TidbSourceConfig(ChangeEventsTest.props()).debeziumProperties();
        MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, Node.noNode(), new Node[0], new Node[0])));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.updateEndOffsets(Map.of(PARTITION, 2L));
        try (SnapshotEvents events = SnapshotEvents.offline(DebeziumFormat.MYSQL, debezium);
             Metrics metrics = new Metrics(); var plugin = new PluginMetricsImpl(metrics, Map.of("connector", "t", "task", "0"))) {
            ChangeEvents changes = new ChangeEvents("tidb1", events, new ColumnValues(ZoneId.of("UTC")), true, debezium);
            changes.table(events.shape(new TableId("shop", "orders"), ChangeEventsTest.ORDERS));
            CdcEvent update = Fixtures.canal("update");
            CdcStream stream = new CdcStream(TOPIC, CdcProtocol.CANAL_JSON, changes, consumer,
                    CdcStream.Resume.after(update.commitTs() - 1), new TableId("tandem", "tandem_checkpoint"));
            stream.reportTo(plugin);
            long age = System.currentTimeMillis() - CdcEvent.physicalMillis(update.commitTs());

            // the update is read, its watermark (the next message of the partition) is not
            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 0, null, Fixtures.message("canal-json/update.json")));
            assertThat(stream.poll(Duration.ofMillis(10))).as("the transaction waits for its watermark").isNull();
            assertThat((Long) value(metrics, "ticdc-behind-ms")).as("behind by the age of the resume point")
                    .isBetween(age - 60_000, age + 60_000);

            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 1, null, Fixtures.message("canal-json/watermark.json")));
            consumer.updateEndOffsets(Map.of(PARTITION, 3L)); // one more message already in the topic
            List<SourceRecord> emitted = stream.poll(Duration.ofMillis(10));
            assertThat(emitted).extracting(SourceRecord::topic).contains("tidb1.shop.orders");
            assertThat((Long) value(metrics, "ticdc-behind-ms")).as("more waits in the topic: the emitted transaction's age")
                    .isBetween(age - 60_000, age + 60_000);

            consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, 2, null, Fixtures.message("canal-json/watermark.json")));
            assertThat(stream.poll(Duration.ofMillis(10))).isNull();
            assertThat(value(metrics, "ticdc-behind-ms")).as("everything read").isEqualTo(0L);
            assertThat((Long) value(metrics, "ticdc-lag-ms")).as("the last transaction's age, behind or not").isPositive();
            stream.close();
        }
    }
}
