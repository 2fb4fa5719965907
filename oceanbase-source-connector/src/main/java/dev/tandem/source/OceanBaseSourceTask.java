package dev.tandem.source;

import dev.tandem.common.TandemVersion;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

import java.util.List;
import java.util.Map;

/** Runs the Debezium task of the flavour the connector resolved, by composition. */
public class OceanBaseSourceTask extends SourceTask {

    private SourceTask debezium;

    @Override
    public String version() {
        return TandemVersion.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        SourceFlavor flavor = SourceFlavor.fromConfigValue(props.getOrDefault(OceanBaseSourceConfig.RESOLVED_FLAVOR,
                SourceFlavor.MYSQL.configValue()));
        debezium = flavor.newDebeziumTask();
        debezium.initialize(context);
        debezium.start(props);
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return debezium.poll();
    }

    @Override
    public void commit() throws InterruptedException {
        debezium.commit();
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) throws InterruptedException {
        debezium.commitRecord(record, metadata);
    }

    @Override
    public void stop() {
        if (debezium != null) {
            debezium.stop();
        }
    }
}
