package dev.tandem.benchmarks;

import dev.tandem.testkit.ApicurioRegistry;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Sink-only benchmark: the same topic of Debezium change records (a 10-column table, JSON with
 * schemas, one partition) applied to the same MariaDB by Tandem's sink and by Debezium's JDBC sink
 * (3.6.0.Final, upsert, batch 5000), one after the other in this process, each read once with
 * Connect's JsonConverter, once with Tandem's SchemaCachingJsonConverter and once (from a second
 * topic of the same records) with Apicurio's AvroConverter against a real registry, plus {@code LOAD DATA}
 * of the same rows before and after them as the practical ceiling (the faster of the two). Prints rows/s and the ratios; writes them as JSON.
 */
public final class SinkBenchmark {

    private static final String TABLE_DDL = " (id BIGINT NOT NULL PRIMARY KEY, c_int INT, c_name VARCHAR(64), c_city VARCHAR(64), "
            + "c_amount DECIMAL(12,2), c_score DOUBLE, c_created DATETIME(3), c_day DATE, c_flag TINYINT, c_note VARCHAR(120)) "
            + "CHARACTER SET utf8mb4";

    /**
     * {@code seconds}: the apply time the rates and ratios use (for a sink, from its first committed
     * row to its last: Connect's task start and consumer-group join are not the sink's speed);
     * {@code sincePut}: from the PUT of its config (the statement alone for LOAD DATA).
     */
    private record Result(String contender, long rows, double seconds, double sincePut) {
        Result(String contender, long rows, double seconds) {
            this(contender, rows, seconds, seconds);
        }

        double rowsPerSecond() {
            return rows / seconds;
        }
    }

    private static final String JSON_TOPIC = "bench.benchdb.rows";
    private static final String AVRO_TOPIC = "bench_avro.benchdb.rows";
    private static final String AVRO = ApicurioRegistry.CONVERTER;

    private SinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        Path out = Path.of("benchmarks/target/sink-benchmark.json");
        List<String> converters = List.of("stock", "caching", "avro");
        String tandemUrlOptions = "";
        boolean tandemOnly = false;
        boolean converterAlone = false;
        boolean withStatements = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--out" -> out = Path.of(args[++i]);
                case "--converters" -> converters = List.of(args[++i].split(","));
                case "--tandem-url-options" -> tandemUrlOptions = "?" + args[++i];
                case "--tandem-only" -> tandemOnly = true;
                case "--converter-alone" -> converterAlone = true;
                case "--with-statements" -> withStatements = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --rows N, --out FILE, "
                        + "--converters stock,caching,avro, --tandem-url-options K=V&..., --tandem-only, --converter-alone, "
                        + "--with-statements)");
            }
        }
        System.out.printf("Sink benchmark: %,d rows x 10 columns, MariaDB 10.11 on this machine, one partition, one task each; "
                + "JSON with schemas, then Avro (Apicurio Registry, Confluent wire format)%n", rows);
        try (MariaDbServer db = MariaDbServer.start("bench", Map.of("innodb_buffer_pool_size", "1G",
                "innodb_log_file_size", "512M", "max_allowed_packet", "256M"));
             ApicurioRegistry registry = ApicurioRegistry.start(Files.createTempDirectory("sink-bench-registry"));
             ConnectCluster connect = ConnectCluster.builder().name("sink-benchmark")
                     .extraPluginPath(ApicurioRegistry.converterPluginPath())
                     .workerProperty("plugin.discovery", "hybrid_warn").start()) {
            connect.createTopic(JSON_TOPIC, 1);
            connect.createTopic(AVRO_TOPIC, 1);
            Map<String, String> avro = registry.converterConfig();
            long t0 = System.nanoTime();
            produce(connect, rows, avro);
            System.out.printf("  produced %,d change records to each of %s and %s in %.1f s%n", rows, JSON_TOPIC, AVRO_TOPIC,
                    (System.nanoTime() - t0) / 1e9);

            // LOAD DATA before and after the sinks: the ceiling is the faster of the two (runs vary on a shared machine).
            Result loadBefore = loadData(db, rows, "bench_load");
            List<Result> results = new ArrayList<>();
            List<Result> extra = new ArrayList<>();
            results.add(loadBefore);
            // Both sinks read a topic with the same converter each time: Connect's JsonConverter, Tandem's
            // SchemaCachingJsonConverter (same wire format, each schema parsed once), Apicurio's AvroConverter.
            for (String converter : List.of("org.apache.kafka.connect.json.JsonConverter",
                    "dev.tandem.smt.format.SchemaCachingJsonConverter", AVRO)) {
                String tag = converter.endsWith("SchemaCachingJsonConverter") ? "caching" : converter.equals(AVRO) ? "avro" : "stock";
                if (!converters.contains(tag)) {
                    continue;
                }
                String label = tag.equals("avro") ? "Avro (Apicurio)" : tag + " JSON";
                String topic = tag.equals("avro") ? AVRO_TOPIC : JSON_TOPIC;
                Map<String, String> convert = tag.equals("avro") ? avro : Map.of("key.converter", converter,
                        "value.converter", converter, "key.converter.schemas.enable", "true", "value.converter.schemas.enable", "true");
                Map<String, String> debezium = new LinkedHashMap<>(convert);
                debezium.putAll(Map.of(
                        "connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector",
                        "connection.url", "jdbc:mariadb://" + db.host() + ":" + db.port() + "/bench_debezium_" + tag
                                + "?rewriteBatchedStatements=true",
                        "connection.username", db.user(),
                        "connection.password", db.password(),
                        "insert.mode", "upsert",
                        "primary.key.mode", "record_key",
                        "delete.enabled", "true",
                        "schema.evolution", "none",
                        "batch.size", "5000",
                        "collection.name.format", "rows_debezium"));
                if (!tandemOnly) {
                    results.add(sink(connect, db, "Debezium JDBC sink, " + label, "bench_debezium_" + tag, "rows_debezium",
                            topic, rows, debezium));
                }
                Map<String, String> tandem = new LinkedHashMap<>(convert);
                tandem.putAll(Map.of(
                        "connector.class", "dev.tandem.sink.OceanBaseSinkConnector",
                        "connection.url", "jdbc:mariadb://" + db.host() + ":" + db.port() + "/" + tandemUrlOptions,
                        "connection.user", db.user(),
                        "connection.password", db.password(),
                        "tandem.batch.size", "5000",
                        "tandem.table.name.format", "bench_tandem_" + tag + ".rows_tandem"));
                results.add(sink(connect, db, "Tandem sink, " + label, "bench_tandem_" + tag, "rows_tandem", topic, rows, tandem));
                if (withStatements) {
                    tandem.put("tandem.load.data", "false");
                    tandem.put("tandem.table.name.format", "bench_statements_" + tag + ".rows_tandem");
                    extra.add(sink(connect, db, "Tandem sink, INSERT statements only, " + label, "bench_statements_" + tag,
                            "rows_tandem", topic, rows, tandem));
                }
                if (converterAlone) {
                    Converter[] pair = BenchConverters.of(converter, avro);
                    extra.add(convertAlone(connect, topic, rows, "consume + convert alone, one thread, " + label, pair));
                }
            }
            Result loadAfter = loadData(db, rows, "bench_load_after");
            Result load = new Result("LOAD DATA (ceiling, faster of 2 runs)", rows, Math.min(loadBefore.seconds(), loadAfter.seconds()));
            results.set(0, load);
            extra.forEach(r -> System.out.printf(Locale.ROOT, "  %-58s %,10.0f rows/s, %.2f of LOAD DATA%n", r.contender(),
                    r.rowsPerSecond(), r.rowsPerSecond() / load.rowsPerSecond()));
            if (tandemOnly) {
                results.forEach(r -> System.out.printf(Locale.ROOT, "%-40s %,12.0f rows/s, %.2f of LOAD DATA%n", r.contender(),
                        r.rowsPerSecond(), r.rowsPerSecond() / load.rowsPerSecond()));
                return;
            }
            report(results, rows, out);
        }
    }

    /**
     * How fast one thread consumes the topic and converts every key and value with {@code pair}:
     * the most a sink task can apply with that converter, since Connect converts a sink task's
     * records on the task's own thread.
     */
    private static Result convertAlone(ConnectCluster connect, String topic, int rows, String label, Converter[] pair) {
        long start = System.nanoTime();
        long converted = 0;
        try (TopicReader reader = new TopicReader(connect.kafka(), topic)) {
            while (converted < rows) {
                for (var r : reader.poll(Duration.ofSeconds(1))) {
                    pair[0].toConnectData(topic, r.key());
                    pair[1].toConnectData(topic, r.value());
                    converted++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("  %s: %.1f s%n", label, seconds);
        return new Result(label, rows, seconds);
    }

    /** Debezium-envelope records with the schema a MariaDB source would give this table. */
    private static void produce(ConnectCluster connect, int rows, Map<String, String> avro) throws Exception {
        String keySchema = "{\"type\":\"struct\",\"optional\":false,\"name\":\"bench.benchdb.rows.Key\",\"fields\":"
                + "[{\"field\":\"id\",\"type\":\"int64\",\"optional\":false}]}";
        String row = "{\"type\":\"struct\",\"optional\":true,\"name\":\"bench.benchdb.rows.Value\",\"field\":\"%s\",\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false},"
                + "{\"field\":\"c_int\",\"type\":\"int32\",\"optional\":true},"
                + "{\"field\":\"c_name\",\"type\":\"string\",\"optional\":true},"
                + "{\"field\":\"c_city\",\"type\":\"string\",\"optional\":true},"
                + "{\"field\":\"c_amount\",\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\","
                + "\"version\":1,\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"12\"}},"
                + "{\"field\":\"c_score\",\"type\":\"double\",\"optional\":true},"
                + "{\"field\":\"c_created\",\"type\":\"int64\",\"optional\":true,\"name\":\"io.debezium.time.Timestamp\",\"version\":1},"
                + "{\"field\":\"c_day\",\"type\":\"int32\",\"optional\":true,\"name\":\"io.debezium.time.Date\",\"version\":1},"
                + "{\"field\":\"c_flag\",\"type\":\"int16\",\"optional\":true},"
                + "{\"field\":\"c_note\",\"type\":\"string\",\"optional\":true}]}";
        String valueSchema = "{\"type\":\"struct\",\"optional\":false,\"name\":\"bench.benchdb.rows.Envelope\",\"fields\":["
                + row.formatted("before") + "," + row.formatted("after") + ","
                + "{\"type\":\"struct\",\"optional\":false,\"name\":\"io.debezium.connector.mariadb.Source\",\"field\":\"source\",\"fields\":["
                + "{\"field\":\"connector\",\"type\":\"string\",\"optional\":false},"
                + "{\"field\":\"name\",\"type\":\"string\",\"optional\":false},"
                + "{\"field\":\"ts_ms\",\"type\":\"int64\",\"optional\":false},"
                + "{\"field\":\"snapshot\",\"type\":\"string\",\"optional\":true},"
                + "{\"field\":\"db\",\"type\":\"string\",\"optional\":false},"
                + "{\"field\":\"table\",\"type\":\"string\",\"optional\":true}]},"
                + "{\"field\":\"op\",\"type\":\"string\",\"optional\":false},"
                + "{\"field\":\"ts_ms\",\"type\":\"int64\",\"optional\":true}]}";
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true", "schemas.cache.size", "16"), false);
        Converter[] converters = BenchConverters.avro(avro);
        Converter avroKey = converters[0];
        Converter avroValue = converters[1];
        Random random = new Random(42);
        try (KafkaProducer<byte[], byte[]> producer = connect.kafka().createProducer(Map.of("linger.ms", "50",
                "batch.size", "1048576", "compression.type", "lz4", "buffer.memory", "268435456"))) {
            for (int id = 1; id <= rows; id++) {
                Row r = Row.random(id, random);
                long now = System.currentTimeMillis();
                String after = "{\"id\":" + id + ",\"c_int\":" + r.cInt + ",\"c_name\":\"" + r.name + "\",\"c_city\":\"" + r.city
                        + "\",\"c_amount\":\"" + Base64.getEncoder().encodeToString(r.amount.unscaledValue().toByteArray())
                        + "\",\"c_score\":" + r.score + ",\"c_created\":" + r.createdMillis + ",\"c_day\":" + r.day.toEpochDay()
                        + ",\"c_flag\":" + r.flag + ",\"c_note\":\"" + r.note + "\"}";
                String value = "{\"schema\":" + valueSchema + ",\"payload\":{\"before\":null,\"after\":" + after
                        + ",\"source\":{\"connector\":\"mariadb\",\"name\":\"bench\",\"ts_ms\":" + now
                        + ",\"snapshot\":\"true\",\"db\":\"benchdb\",\"table\":\"rows\"},\"op\":\"r\",\"ts_ms\":" + now + "}}";
                String key = "{\"schema\":" + keySchema + ",\"payload\":{\"id\":" + id + "}}";
                byte[] keyJson = key.getBytes(StandardCharsets.UTF_8);
                byte[] valueJson = value.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(JSON_TOPIC, 0, keyJson, valueJson));
                // The same record in Avro: what a source with Apicurio's converter writes.
                SchemaAndValue k = json.toConnectData(JSON_TOPIC, keyJson);
                SchemaAndValue v = json.toConnectData(JSON_TOPIC, valueJson);
                producer.send(new ProducerRecord<>(AVRO_TOPIC, 0, avroKey.fromConnectData(AVRO_TOPIC, k.schema(), k.value()),
                        avroValue.fromConnectData(AVRO_TOPIC, v.schema(), v.value())));
            }
            producer.flush();
        }
    }

    /** One row of the benchmark table, the same for every contender. */
    private record Row(long id, int cInt, String name, String city, BigDecimal amount, double score, long createdMillis,
                       LocalDate day, int flag, String note) {
        static Row random(long id, Random random) {
            return new Row(id, random.nextInt(), "name-" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36),
                    "city-" + random.nextInt(5000), BigDecimal.valueOf(random.nextInt(100_000_000), 2),
                    random.nextInt(1_000_000) / 64.0, 1_700_000_000_000L + random.nextInt(1_000_000_000),
                    LocalDate.of(2020, 1, 1).plusDays(random.nextInt(2000)), random.nextInt(2),
                    "note " + "x".repeat(random.nextInt(80)));
        }
    }

    private static Result loadData(MariaDbServer db, int rows, String database) throws Exception {
        db.execute("", "CREATE DATABASE " + database, "CREATE TABLE " + database + ".rows_load" + TABLE_DDL);
        Path file = Files.createTempFile("bench-rows", ".tsv");
        DateTimeFormatter dt = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
        Random random = new Random(42);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int id = 1; id <= rows; id++) {
                Row r = Row.random(id, random);
                w.write(id + "\t" + r.cInt + "\t" + r.name + "\t" + r.city + "\t" + r.amount.toPlainString() + "\t" + r.score
                        + "\t" + dt.format(LocalDateTime.ofEpochSecond(r.createdMillis / 1000, (int) (r.createdMillis % 1000) * 1_000_000,
                        ZoneOffset.UTC)) + "\t" + r.day + "\t" + r.flag + "\t" + r.note + "\n");
            }
        }
        long start = System.nanoTime();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(database) + "?allowLocalInfile=true", db.user(), db.password());
             Statement s = c.createStatement()) {
            s.execute("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE rows_load");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Files.deleteIfExists(file);
        System.out.printf("  LOAD DATA into %s: %.1f s%n", database, seconds);
        return new Result("LOAD DATA (ceiling)", rows, seconds);
    }

    private static Result sink(ConnectCluster connect, MariaDbServer db, String contender, String database, String table,
                               String topic, int rows, Map<String, String> specific) throws Exception {
        db.execute("", "CREATE DATABASE " + database, "CREATE TABLE " + database + "." + table + TABLE_DDL);
        Map<String, String> config = new LinkedHashMap<>(specific);
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.put("consumer.override.max.poll.records", "5000");
        config.put("consumer.override.fetch.max.bytes", "104857600");
        config.put("consumer.override.max.partition.fetch.bytes", "52428800");
        String name = database.replace('_', '-');
        long start = System.nanoTime();
        connect.configure(name, config);
        // One partition, ids 1..rows in order, one transaction per batch: MAX(id) (an index lookup, unlike COUNT(*),
        // which would scan the growing table every poll) reaching the row count means every row is there.
        long first = -1;
        long max = 0;
        while (max < rows) {
            Thread.sleep(100);
            Object value = db.queryValue("", "SELECT MAX(id) FROM " + database + "." + table);
            max = value == null ? 0 : ((Number) value).longValue();
            if (max > 0 && first < 0) {
                first = System.nanoTime();
            }
            if ((System.nanoTime() - start) / 1e9 > 3600) {
                throw new IllegalStateException(contender + " applied up to id " + max + " in an hour: " + connect.rest().statusSummary());
            }
        }
        long end = System.nanoTime();
        long count = ((Number) db.queryValue("", "SELECT COUNT(*) FROM " + database + "." + table)).longValue();
        if (count != rows) {
            throw new IllegalStateException(contender + " holds " + count + " rows, not " + rows);
        }
        connect.delete(name);
        double applying = (end - first) / 1e9;
        double sincePut = (end - start) / 1e9;
        System.out.printf("  %s: %.1f s from the first committed row to the last (%.1f s from the PUT)%n", contender, applying,
                sincePut);
        return new Result(contender, rows, applying, sincePut);
    }

    private static void report(List<Result> results, int rows, Path out) throws Exception {
        Result load = results.get(0);
        System.out.println();
        System.out.printf("%-40s %10s %12s %16s%n", "contender", "seconds", "rows/s", "s from the PUT");
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-40s %10.1f %,12.0f %16.1f%n", r.contender(), r.seconds(), r.rowsPerSecond(),
                    r.sincePut());
        }
        System.out.println();
        Map<String, Double> ratios = new LinkedHashMap<>();
        for (int i = 1; i + 1 < results.size(); i += 2) {
            Result debezium = results.get(i);
            Result tandem = results.get(i + 1);
            String converter = tandem.contender().substring(tandem.contender().indexOf(", ") + 2);
            double vsDebezium = tandem.rowsPerSecond() / debezium.rowsPerSecond();
            double vsLoad = tandem.rowsPerSecond() / load.rowsPerSecond();
            ratios.put(converter + " tandem_vs_debezium", vsDebezium);
            ratios.put(converter + " tandem_vs_load_data", vsLoad);
            System.out.printf(Locale.ROOT, "%-14s Tandem / Debezium JDBC sink: %.2fx   Tandem / LOAD DATA: %.2f%n",
                    converter + ":", vsDebezium, vsLoad);
        }
        StringBuilder json = new StringBuilder("{\"rows\":" + rows + ",\"results\":[");
        for (int i = 0; i < results.size(); i++) {
            Result r = results.get(i);
            json.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"contender\":\"%s\",\"seconds\":%.3f,\"rows_per_second\":%.1f,"
                    + "\"seconds_from_put\":%.3f}", r.contender(), r.seconds(), r.rowsPerSecond(), r.sincePut()));
        }
        json.append("],\"ratios\":{");
        int k = 0;
        for (var e : ratios.entrySet()) {
            json.append(k++ == 0 ? "" : ",").append(String.format(Locale.ROOT, "\"%s\":%.3f", e.getKey().replace(' ', '_'), e.getValue()));
        }
        json.append("}}\n");
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.toString());
        System.out.println("Written to " + out);
    }
}
