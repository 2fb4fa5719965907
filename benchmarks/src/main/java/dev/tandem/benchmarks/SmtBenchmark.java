package dev.tandem.benchmarks;

import dev.tandem.smt.filter.RowFilter;
import dev.tandem.smt.origin.OriginTagger;
import dev.tandem.testkit.ConnectCluster;
import dev.tandem.testkit.MariaDbServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the source-side SMT chain (origin tagger + row filter) costs: the same snapshot of a
 * 10-column table captured by Tandem's source into Kafka without and with the chain, alternately,
 * in one worker, plus the chain alone on in-memory records. Prints rows/s and the ratio.
 */
public final class SmtBenchmark {

    private static final String CONDITION = "c_amount >= 0 AND c_city IN ('hz','sh','bj','sz') AND c_note LIKE 'n%' "
            + "AND c_created >= '2000-01-01'";

    private SmtBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rows = 200_000;
        int rounds = 2;
        Path out = Path.of("benchmarks/target/smt-benchmark.json");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[++i].replace("_", "").replace(",", ""));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (known: --rows N, --rounds N, --out FILE)");
            }
        }
        System.out.printf("SMT benchmark: snapshot of %,d rows x 10 columns by Tandem's source into Kafka, without and with "
                + "OriginTagger + RowFilter (%d rounds each, alternating), then the chain alone%n", rows, rounds);
        double chainAlone = chainAlone(1_000_000);
        try (MariaDbServer db = MariaDbServer.start("smtbench", Map.of("innodb_buffer_pool_size", "512M"));
             ConnectCluster connect = ConnectCluster.builder().name("smt-benchmark").start()) {
            Links.benchTable(db, "benchdb", rows);
            List<double[]> plain = new ArrayList<>();
            List<double[]> chained = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                plain.add(new double[] {snapshot(connect, db, "plain" + round, rows, false)});
                chained.add(new double[] {snapshot(connect, db, "chain" + round, rows, true)});
            }
            double bestPlain = plain.stream().mapToDouble(d -> d[0]).max().orElse(0);
            double bestChain = chained.stream().mapToDouble(d -> d[0]).max().orElse(0);
            double costPerRecordPct = 100.0 * bestPlain / chainAlone;
            System.out.println();
            System.out.printf("%-44s %12s%n", "contender", "rows/s");
            System.out.printf("%-44s %,12.0f%n", "source, no transforms (best of " + rounds + ")", bestPlain);
            System.out.printf("%-44s %,12.0f%n", "source + OriginTagger + RowFilter (best of " + rounds + ")", bestChain);
            System.out.printf("%-44s %,12.0f%n", "OriginTagger + RowFilter alone, one thread", chainAlone);
            System.out.printf("%nwith chain / without: %.3f; the chain's own time per record is %.1f %% of the source's%n",
                    bestChain / bestPlain, costPerRecordPct);
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, String.format(java.util.Locale.ROOT, "{\"rows\":%d,\"rounds\":%d,\"sourceRowsPerSecond\":%.1f,"
                    + "\"sourceWithChainRowsPerSecond\":%.1f,\"chainAloneRecordsPerSecond\":%.1f,\"ratio\":%.4f,"
                    + "\"chainCostPercentOfSource\":%.2f}%n", rows, rounds, bestPlain, bestChain, chainAlone, bestChain / bestPlain,
                    costPerRecordPct));
            System.out.println("written " + out);
        }
    }

    /** Seconds from registering the source until its topic holds every row, as rows/s. */
    private static double snapshot(ConnectCluster connect, MariaDbServer db, String prefix, int rows, boolean chain) throws Exception {
        Map<String, String> c = Links.source(connect, db, prefix, 9000 + Math.abs(prefix.hashCode() % 500), "benchdb.t");
        if (chain) {
            c.put("transforms", "origin,filter");
            c.put("transforms.origin.type", OriginTagger.class.getName());
            c.put("transforms.origin.region", "east");
            c.put("transforms.filter.type", RowFilter.class.getName());
            c.put("transforms.filter.tables", "benchdb.*");
            c.put("transforms.filter.condition", CONDITION);
        }
        String topic = prefix + ".benchdb.t";
        long start = System.nanoTime();
        connect.configure(prefix, c);
        try (Admin admin = connect.kafka().createAdminClient()) {
            while (true) {
                long end = 0;
                if (admin.listTopics().names().get().contains(topic)) {
                    end = admin.listOffsets(Map.of(new TopicPartition(topic, 0), OffsetSpec.latest())).all().get()
                            .get(new TopicPartition(topic, 0)).offset();
                }
                if (end >= rows) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        connect.delete(prefix);
        double rate = rows / seconds;
        System.out.printf("  %-8s %s: %,d rows in %.1f s = %,.0f rows/s%n", prefix, chain ? "with chain" : "no transforms", rows,
                seconds, rate);
        return rate;
    }

    /** The chain on records shaped as the source emits them (transaction block, source block, 10 columns). */
    private static double chainAlone(int records) {
        Schema row = SchemaBuilder.struct().name("p.benchdb.t.Value").optional()
                .field("id", Schema.INT64_SCHEMA).field("c_int", Schema.OPTIONAL_INT32_SCHEMA)
                .field("c_name", Schema.OPTIONAL_STRING_SCHEMA).field("c_city", Schema.OPTIONAL_STRING_SCHEMA)
                .field("c_amount", Decimal.builder(2).optional().build()).field("c_score", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("c_created", SchemaBuilder.int64().name("io.debezium.time.Timestamp").optional().build())
                .field("c_day", SchemaBuilder.int32().name("io.debezium.time.Date").optional().build())
                .field("c_flag", Schema.OPTIONAL_INT16_SCHEMA).field("c_note", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema source = SchemaBuilder.struct().field("db", Schema.STRING_SCHEMA).field("table", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema tx = SchemaBuilder.struct().optional().field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).field("source", source)
                .field("op", Schema.STRING_SCHEMA).field("transaction", tx).build();
        Schema key = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        List<SourceRecord> input = new ArrayList<>(10_000);
        Struct src = new Struct(source).put("db", "benchdb").put("table", "t");
        for (int i = 0; i < 10_000; i++) {
            Struct after = new Struct(row).put("id", (long) i).put("c_int", i % 1000).put("c_name", "name-" + i)
                    .put("c_city", List.of("hz", "sh", "bj", "sz").get(i % 4)).put("c_amount", BigDecimal.valueOf(i % 100000, 2))
                    .put("c_score", i / 7.0).put("c_created", 1_704_067_200_000L + i * 1000L).put("c_day", 19_723 + i % 365)
                    .put("c_flag", (short) (i % 2)).put("c_note", "note " + i);
            Struct value = new Struct(envelope).put("after", after).put("source", src).put("op", "c")
                    .put("transaction", new Struct(tx).put("id", "0-1-" + (i / 10)).put("total_order", (long) (i % 10)));
            input.add(new SourceRecord(Map.of(), Map.of(), "p.benchdb.t", null, key, new Struct(key).put("id", (long) i), envelope, value));
        }
        OriginTagger<SourceRecord> tagger = new OriginTagger<>();
        tagger.configure(Map.of("region", "east"));
        RowFilter<SourceRecord> filter = new RowFilter<>();
        filter.configure(Map.of("tables", "benchdb.*", "condition", CONDITION));
        long kept = 0;
        for (int warm = 0; warm < 300_000; warm++) {
            SourceRecord r = filter.apply(tagger.apply(input.get(warm % input.size())));
            kept += r == null ? 0 : 1;
        }
        long start = System.nanoTime();
        for (int i = 0; i < records; i++) {
            SourceRecord r = filter.apply(tagger.apply(input.get(i % input.size())));
            kept += r == null ? 0 : 1;
        }
        double rate = records / ((System.nanoTime() - start) / 1e9);
        System.out.printf("  chain alone: %,d records (%,d kept incl. warm-up) at %,.0f records/s%n", records, kept, rate);
        return rate;
    }
}
