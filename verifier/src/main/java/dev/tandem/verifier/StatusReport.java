package dev.tandem.verifier;

import dev.tandem.common.JsonText;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A verification's outcome in the status topic of a Connect cluster that runs Tandem's status
 * extension ({@code verification/<link>}, JSON): the link's verification step, its switchover
 * readiness and the {@code TandemVerificationMismatch} alert read it.
 */
final class StatusReport {

    private StatusReport() {
    }

    static String json(String link, Report report, long startedAt, long finishedAt) {
        return "{\"link\":" + JsonText.quoted(link)
                + ",\"result\":\"" + (report.clean() ? "CLEAN" : "DIFFERENT") + "\""
                + ",\"startedAt\":" + startedAt + ",\"finishedAt\":" + finishedAt
                + ",\"tables\":" + report.tables().size() + ",\"rowsCompared\":" + report.rows()
                + ",\"differences\":" + report.differences() + ",\"errors\":" + report.errors() + "}";
    }

    static void publish(String bootstrapServers, String topic, String link, Report report, long startedAt, long finishedAt)
            throws InterruptedException {
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.CLIENT_ID_CONFIG, "tandem-verifier");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, "verification/" + link, json(link, report, startedAt, finishedAt)))
                    .get(60, TimeUnit.SECONDS);
            producer.close(Duration.ofSeconds(10));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot write the result to the status topic " + topic + ": " + e.getMessage(), e);
        }
    }
}
