package dev.tandem.benchmarks;

import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import dev.tandem.testkit.TopicReader;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Full migration MariaDB → Kafka → MariaDB of one 10-column table: Tandem's source (chunked
 * reader, 2 copy tasks; and with Debezium's snapshot as its reader) and sink against Debezium's
 * MariaDB source (3.5.0.Final, its own plugin) and JDBC sink (3.6.0.Final, its own plugin), one
 * after the other in one worker, each pair with the same converter: Connect's JsonConverter, then
 * Tandem's SchemaCachingJsonConverter on both; plus {@code mariadb-dump | mariadb} of the same table
 * as the ceiling. Timed until the destination holds every row. Prints rows/s and ratios.
 */
public final class FullMigrationBenchmark {

    private record Result(String contender, double seconds, int rows) {
        double rate() {
            return rows / seconds;
        }
    }

    private FullMigrationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 1_000_000;
        Path out = Path.of("benchmarks/target/full-migration-benchmark.json");
        List<String> only = List.of();
        int warmUpRows = -1; // default: 30 % of the rows
        boolean conversionBound = true;
        List<String> bounds = new ArrayList<>();

        int avroTasks = 1; // see docs/avro.md: two tasks registering one subject's first schema at once can race in Apicurio 2.6
        // Both sources as config-examples/ sets Tandem's: lz4, 512 KiB batches, linger.ms 20 ("none" / "16384": Kafka's defaults).
        compression = "lz4";
        producerBatch = "524288";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--out" -> out = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                case "--compression" -> compression = args[++i].equals("none") ? null : args[i];
                case "--avro-tasks" -> avroTasks = Integer.parseInt(args[++i]);
                case "--producer-batch" -> producerBatch = args[++i].equals("16384") ? null : args[i];
                case "--warmup-rows" -> warmUpRows = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--no-conversion-bound" -> conversionBound = false;
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --rows N, --out FILE, "
                        + "--only dump,tandem-json,debezium-json,tandem-debezium-reader,tandem-caching,debezium-caching,"
                        + "tandem-debezium-reader-caching,tandem-avro (Avro and JSON, 1 task each),debezium-avro, --compression lz4|zstd|snappy|gzip|none, --avro-tasks N, "
                        + "--warmup-rows N, --producer-batch BYTES, --no-conversion-bound)");
            }
        }
        System.out.printf("Full migration benchmark: %,d rows x 10 columns, MariaDB -> Kafka -> MariaDB, JSON with schemas%s%n", rows,
                (compression == null ? "" : ", producer compression " + compression + " on both sources")
                        + (producerBatch == null ? "" : ", producer batch.size " + producerBatch + " and linger.ms 20 on both sources"));
        Map<String, String> settings = Map.of("innodb_buffer_pool_size", "768M", "innodb_log_file_size", "256M",
                "max_allowed_packet", "256M");
        List<Result> results = new ArrayList<>();
        try (MariaDbServer source = MariaDbServer.start("fm-src", settings);
             MariaDbServer dest = MariaDbServer.start("fm-dst", settings);
             dev.tandem.testkit.ApicurioRegistry apicurio = only.isEmpty() || only.contains("tandem-avro")
                     || only.contains("debezium-avro") ? dev.tandem.testkit.ApicurioRegistry.start(Files.createTempDirectory("fm-registry")) : null;
             ConnectCluster connect = ConnectCluster.builder().name("full-migration-benchmark")
                     .extraPluginPath(dev.tandem.testkit.ApicurioRegistry.converterPluginPath())
                     .workerProperty("plugin.discovery", "hybrid_warn").start()) {
            registry = apicurio;
            warmUp(connect, source, dest, warmUpRows >= 0 ? warmUpRows : rows * 3 / 10);
            Links.benchTable(source, "bench", rows);
            if (only.isEmpty() || only.contains("dump")) {
                results.add(dump(source, dest, rows));
            }
            if (only.isEmpty() || only.contains("tandem-json")) {
                results.add(tandem(connect, source, dest, "bench", rows, "tfm1", "chunked", null));
            }
            if (only.isEmpty() || only.contains("debezium-json")) {
                results.add(debezium(connect, source, dest, "bench", rows, "dfm1", null));
            }
            if (only.isEmpty() || only.contains("tandem-debezium-reader")) {
                results.add(tandem(connect, source, dest, "bench", rows, "tfm2", "debezium", null));
            }
            if (only.isEmpty() || only.contains("tandem-caching")) {
                results.add(tandem(connect, source, dest, "bench", rows, "tfm3", "chunked", CACHING));
            }
            if (only.isEmpty() || only.contains("debezium-caching")) {
                results.add(debezium(connect, source, dest, "bench", rows, "dfm3", CACHING));
            }
            if (only.contains("tandem-debezium-reader-caching")) {
                results.add(tandem(connect, source, dest, "bench", rows, "tfm4", "debezium", CACHING));
            }
            if (only.isEmpty() || only.contains("tandem-avro")) {
                // One copy task on both sides of this pair by default (--avro-tasks): two tasks registering a
                // subject's first schema at the same moment hit a race in Apicurio 2.6's in-memory registry.
                tandem(connect, source, dest, "warm", 50_000, "wta", "chunked", AVRO, avroTasks); // the Avro path warm too
                results.add(tandem(connect, source, dest, "bench", rows, "tfm5", "chunked", AVRO, avroTasks));
                results.add(tandem(connect, source, dest, "bench", rows, "tfm6", "chunked", null, avroTasks));
            }
            if (only.contains("debezium-avro")) {
                debezium(connect, source, dest, "warm", 50_000, "wda", AVRO);
                results.add(debezium(connect, source, dest, "bench", rows, "dfm7", AVRO));
            }
            // What the converters alone cost on one thread, on the records Tandem's source wrote (--no-conversion-bound skips).
            if (conversionBound) {
                for (String[] run : new String[][] {{"tandem-json", "tfm1", null}, {"tandem-caching", "tfm3", CACHING},
                        {"tandem-avro", "tfm5", AVRO}}) {
                    if (only.isEmpty() || only.contains(run[0])) {
                        bounds.add(conversionAlone(connect, run[1] + ".bench.t", rows, run[2]));
                    }
                }
            }
        }
        if (!only.isEmpty()) {
            results.forEach(r -> System.out.printf(Locale.ROOT, "%-60s %,10.0f rows/s%n", r.contender, r.rate()));
            bounds.forEach(System.out::println);
            return;
        }
        double ceiling = results.get(0).rate();
        System.out.printf("%n%-52s %10s %10s %9s%n", "contender", "seconds", "rows/s", "ratio");
        StringBuilder json = new StringBuilder("{\"rows\":" + rows);
        for (Result r : results) {
            System.out.printf(Locale.ROOT, "%-52s %10.1f %,10.0f %9.3f%n", r.contender, r.seconds, r.rate(), r.rate() / ceiling);
            json.append(String.format(Locale.ROOT, ",\"%s\":%.1f", r.contender.replaceAll("[^A-Za-z]+", "_"), r.rate()));
        }
        System.out.printf(Locale.ROOT, "%nTandem (chunked, 2 tasks) / Debezium, JsonConverter on both: %.2f%n",
                results.get(1).rate() / results.get(2).rate());
        System.out.printf(Locale.ROOT, "Tandem (chunked, 2 tasks) / Debezium, SchemaCachingJsonConverter on both: %.2f%n",
                results.get(4).rate() / results.get(5).rate());
        System.out.printf(Locale.ROOT, "Tandem with Debezium's snapshot as its reader / Debezium, JsonConverter: %.2f%n",
                results.get(3).rate() / results.get(2).rate());
        System.out.printf(Locale.ROOT, "Tandem (chunked, 1 task): Avro (Apicurio, Confluent wire format) %,.0f rows/s, JsonConverter "
                + "%,.0f rows/s; Avro / JSON: %.2f%n", results.get(6).rate(), results.get(7).rate(),
                results.get(6).rate() / results.get(7).rate());
        bounds.forEach(System.out::println);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, json.append("}\n").toString());
        System.out.println("written " + out);
    }

    /** The ceiling: mariadb-dump of the table piped into the mariadb client on the destination. */
    private static Result dump(MariaDbServer source, MariaDbServer dest, int rows) throws Exception {
        dest.execute("", "CREATE DATABASE bench_dump");
        String cmd = String.format("mariadb-dump --no-defaults --protocol=TCP -h %s -P %d -u %s -p%s --single-transaction bench t "
                        + "| mariadb --no-defaults --protocol=TCP -h %s -P %d -u %s -p%s bench_dump", source.host(), source.port(),
                source.user(), source.password(), dest.host(), dest.port(), dest.user(), dest.password());
        long start = System.nanoTime();
        Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("mariadb-dump | mariadb failed");
        }
        return report("mariadb-dump | mariadb (ceiling)", start, rows);
    }

    private static final String CACHING = "dev.tandem.smt.format.SchemaCachingJsonConverter";
    private static final String AVRO = dev.tandem.testkit.ApicurioRegistry.CONVERTER;
    /** The registry of the Avro contender (null when it does not run). */
    private static dev.tandem.testkit.ApicurioRegistry registry;
    /** Producer compression of both pipelines' sources (null: none, Connect's default). */
    private static String compression;
    /** Producer batch.size of both pipelines' sources, with linger.ms=20 (null: Kafka's 16 KiB, no linger). */
    private static String producerBatch;

    /**
     * Both pipelines with both JSON converters once over a smaller table first, not timed: the JVM
     * (the worker, the broker, the converters, both connectors' code) is then compiled for every
     * contender, not only for those after the first ({@code --warmup-rows}, default 30 % of the
     * measured rows: with 50,000 the JIT was still compiling during the first measured runs).
     */
    private static void warmUp(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, int rows) throws Exception {
        Links.benchTable(source, "warm", rows);
        System.out.println("  warming up both pipelines on " + rows + " rows (not counted):");
        tandem(connect, source, dest, "warm", rows, "wtj", "chunked", null);
        tandem(connect, source, dest, "warm", rows, "wtc", "chunked", CACHING);
        debezium(connect, source, dest, "warm", rows, "wd", null);
        debezium(connect, source, dest, "warm", rows, "wdc", CACHING);
    }

    /** Sets {@code converter} (null: the worker's JsonConverter) for keys and values of a connector. */
    private static void converter(Map<String, String> config, String converter) {
        if (compression != null && config.containsKey("database.hostname")) {
            config.put("producer.override.compression.type", compression);
        }
        if (producerBatch != null && config.containsKey("database.hostname")) {
            config.put("producer.override.batch.size", producerBatch);
            config.put("producer.override.linger.ms", "20");
        }
        config.remove("value.converter");
        config.remove("key.converter");
        if (converter != null) {
            config.put("value.converter", converter);
            config.put("key.converter", converter);
        }
        if (AVRO.equals(converter)) {
            config.putAll(registry.converterConfig());
        }
    }

    /**
     * Tandem's pipeline as a migration runs it: the table's DDL in its topic (schema migration from the DDL, records
     * without per-column source types); {@code reader} chunked (2 copy tasks, the default preset) or debezium.
     */
    private static Result tandem(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, String db, int rows,
                                 String name, String reader, String converter) throws Exception {
        return tandem(connect, source, dest, db, rows, name, reader, converter, 2);
    }

    private static Result tandem(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, String db, int rows,
                                 String name, String reader, String converter, int tasks) throws Exception {
        Map<String, String> src = Links.source(connect, source, name, 8900 + Math.floorMod(name.hashCode(), 90), db + ".t");
        src.put("tandem.migration.types", "schema,full");
        src.put("tandem.ddl.table.topics", "true");
        src.put("tandem.full.reader", reader);
        src.put("tasks.max", Integer.toString(tasks));
        src.put("tandem.full.tasks", Integer.toString(tasks));
        src.put("max.batch.size", "4096");
        converter(src, converter);
        Map<String, String> sink = Links.sink(dest, name + "." + db + ".t", db + "_" + name + ".${table}");
        converter(sink, converter);
        long start = System.nanoTime();
        connect.configure(name + "-source", src);
        connect.configure(name + "-sink", sink);
        awaitRows(dest, db + "_" + name, rows);
        Result r = report("Tandem source (" + reader + (reader.equals("chunked") ? ", " + tasks + " task" + (tasks > 1 ? "s" : "")
                : "") + ") + Tandem sink, "
                + (converter == null ? "JsonConverter" : AVRO.equals(converter) ? "Avro (Apicurio)" : "caching converter"),
                start, rows);
        connect.delete(name + "-sink");
        connect.delete(name + "-source");
        return r;
    }

    private static Result debezium(ConnectCluster connect, MariaDbServer source, MariaDbServer dest, String db, int rows,
                                   String name, String converter) throws Exception {
        Map<String, String> src = new LinkedHashMap<>();
        src.put("connector.class", "io.debezium.connector.mariadb.MariaDbConnector");
        src.put("tasks.max", "1");
        src.put("database.hostname", source.host());
        src.put("database.port", Integer.toString(source.port()));
        src.put("database.user", source.user());
        src.put("database.password", source.password());
        src.put("database.server.id", Integer.toString(8800 + Math.floorMod(name.hashCode(), 90)));
        src.put("topic.prefix", name);
        src.put("table.include.list", db + "\\.t");
        src.put("snapshot.mode", "initial_only");
        src.put("schema.history.internal.kafka.bootstrap.servers", connect.bootstrapServers());
        src.put("schema.history.internal.kafka.topic", name + ".schema-history");
        src.put("topic.creation.default.replication.factor", "-1");
        src.put("topic.creation.default.partitions", "-1");
        // With schema.evolution=basic the JDBC sink failed here with "Table 'bench_debezium.t' doesn't exist" instead of
        // creating it (observed with 3.6.0.Final and MariaDB 10.11): the table is created beforehand, as in the sink benchmark.
        dest.execute("", "CREATE DATABASE " + db + "_" + name);
        dest.execute(db + "_" + name, Links.TABLE);
        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector");
        sink.put("tasks.max", "1");
        sink.put("topics", name + "." + db + ".t");
        sink.put("connection.url", "jdbc:mariadb://" + dest.host() + ":" + dest.port() + "/" + db + "_" + name + "?rewriteBatchedStatements=true");
        sink.put("connection.username", dest.user());
        sink.put("connection.password", dest.password());
        sink.put("insert.mode", "upsert");
        sink.put("primary.key.mode", "record_key");
        sink.put("delete.enabled", "true");
        sink.put("schema.evolution", "none");
        sink.put("batch.size", "5000");
        sink.put("collection.name.format", "t");
        sink.put("consumer.override.max.poll.records", "5000");
        converter(src, converter);
        converter(sink, converter);
        long start = System.nanoTime();
        connect.configure(name + "-source", src);
        connect.configure(name + "-sink", sink);
        awaitRows(dest, db + "_" + name, rows);
        Result r = report("Debezium MariaDB source + Debezium JDBC sink, " + (converter == null ? "JsonConverter"
                : AVRO.equals(converter) ? "Avro (Apicurio)" : "caching converter"), start, rows);
        connect.delete(name + "-sink");
        connect.delete(name + "-source");
        return r;
    }

    /**
     * How long one thread takes to convert the rows Tandem's source wrote into {@code topic} with
     * {@code converter} (null: JsonConverter), as the pipeline converts each row twice: reading it
     * (key and value {@code toConnectData}, what a sink task does on its own thread before
     * {@code put}) and writing it (key and value {@code fromConnectData} of what was read, what a
     * source task does). Fetching is not timed. From the two rates, the most a pipeline through a
     * one-partition topic can move on this machine's cores, whatever else it does: no more than its
     * one sink task reads, and no more than the cores convert when they do nothing else.
     */
    private static String conversionAlone(ConnectCluster connect, String topic, int rows, String converter) throws Exception {
        String className = converter == null ? "org.apache.kafka.connect.json.JsonConverter" : converter;
        Map<String, String> avroConfig = registry == null ? Map.of() : registry.converterConfig();
        Converter[] read = BenchConverters.of(className, avroConfig);
        Converter[] write = BenchConverters.of(className, avroConfig);
        long readNanos = 0;
        long writeNanos = 0;
        int converted = 0;
        int idle = 0;
        try (TopicReader reader = new TopicReader(connect.kafka(), topic)) {
            while (converted < rows && idle < 30) {
                var batch = reader.poll(Duration.ofSeconds(1));
                idle = batch.isEmpty() ? idle + 1 : 0;
                for (var r : batch) {
                    if (r.key() == null || r.value() == null) {
                        continue; // the DDL copies and markers of the table topic: not rows
                    }
                    long t0 = System.nanoTime();
                    SchemaAndValue k = read[0].toConnectData(topic, r.key());
                    SchemaAndValue v = read[1].toConnectData(topic, r.value());
                    long t1 = System.nanoTime();
                    write[0].fromConnectData(topic, k.schema(), k.value());
                    write[1].fromConnectData(topic, v.schema(), v.value());
                    writeNanos += System.nanoTime() - t1;
                    readNanos += t1 - t0;
                    converted++;
                }
            }
        }
        double readRate = converted / (readNanos / 1e9);
        double writeRate = converted / (writeNanos / 1e9);
        int cores = Runtime.getRuntime().availableProcessors();
        double bound = Math.min(readRate, cores / (1 / readRate + 1 / writeRate));
        String label = converter == null ? "JsonConverter" : AVRO.equals(converter) ? "Avro (Apicurio)" : "caching converter";
        return String.format(Locale.ROOT, "conversion alone, one thread, %s, %,d rows of %s: reading %,.0f rows/s, writing %,.0f "
                + "rows/s -> a pipeline through one partition moves at most %,.0f rows/s on %d cores", label, converted, topic,
                readRate, writeRate, bound, cores);
    }

    /** Until the destination's table holds every row (rows arrive in key order, so the largest key says it). */
    private static void awaitRows(MariaDbServer dest, String db, int rows) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(40);
        while (System.nanoTime() < deadline) {
            boolean exists = !dest.query("", "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = '" + db
                    + "' AND TABLE_NAME = 't'").isEmpty();
            Object max = exists ? dest.queryValue(db, "SELECT MAX(id) FROM t") : null;
            if (max != null && ((Number) max).longValue() >= rows) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(db + " did not receive every row in 40 minutes");
    }

    private static Result report(String contender, long start, int rows) {
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  %-48s %,d rows in %.1f s = %,.0f rows/s%n", contender, rows, seconds, rows / seconds);
        return new Result(contender, seconds, rows);
    }
}
