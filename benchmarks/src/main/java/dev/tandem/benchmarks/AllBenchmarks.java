package dev.tandem.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs every benchmark scenario one after the other on this machine, prints each one's table and
 * ratios as it goes, and writes {@code docs/benchmarks.md} (the machine, the command, each
 * scenario's output) with {@code docs/benchmarks-latency.png}, the incremental scenario's latency
 * percentiles per rate. A scenario that fails is reported there and the others still run.
 */
public final class AllBenchmarks {

    /** One scenario: its name, what it compares, and how to run it. */
    private record Scenario(String name, String title, String[] args, Main main) {
    }

    private interface Main {
        void run(String[] args) throws Exception;
    }

    private record Outcome(Scenario scenario, String output, double seconds, String error) {
    }

    private AllBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--plot-only")) {
            // Redraws the plot from the last incremental run's results, without running anything.
            System.out.println(plotLatency(Path.of("benchmarks/target/incremental-benchmark.json"),
                    Path.of("docs/benchmarks-latency.png")) ? "written docs/benchmarks-latency.png" : "no results to plot");
            return;
        }
        String rows = "300000";
        String seconds = "15";
        Path doc = Path.of("docs/benchmarks.md");
        List<String> only = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rows" -> rows = args[++i];
                case "--seconds" -> seconds = args[++i];
                case "--out" -> doc = Path.of(args[++i]);
                case "--only" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --rows N, --seconds N, --only SCENARIO,..., --out FILE)");
            }
        }
        List<Scenario> scenarios = List.of(
                new Scenario("full-migration", "Full migration MariaDB → Kafka → MariaDB", new String[] {"--rows", rows},
                        FullMigrationBenchmark::main),
                new Scenario("incremental", "Incremental synchronization against native replication",
                        new String[] {"--seconds", seconds, "--rates", "1000,5000,10000,0"}, IncrementalBenchmark::main),
                new Scenario("transactions", "Whole source transactions vs batched",
                        new String[] {"--transactions", Integer.toString(Math.max(1_000, Integer.parseInt(rows.replace("_", "")) / 15)),
                                "--large-rows", rows}, TransactionsBenchmark::main),
                new Scenario("sink", "Sink alone: one topic applied", new String[] {"--rows", rows}, SinkBenchmark::main),
                new Scenario("verifier", "Full verification", new String[] {"--rows", rows}, VerifierBenchmark::main),
                new Scenario("post-indexing", "Post-indexing", new String[] {"--rows", rows}, PostIndexingBenchmark::main),
                new Scenario("smt", "What origin tagging and row filtering cost the source",
                        new String[] {"--rows", Integer.toString(Math.min(200_000, Integer.parseInt(rows.replace("_", ""))))},
                        SmtBenchmark::main),
                new Scenario("bridge", "RocketMQ bridge, 1 KiB messages", new String[] {"--messages",
                        Integer.toString(Math.min(200_000, Integer.parseInt(rows.replace("_", ""))))}, BridgeBenchmark::main));
        if (only != null) {
            List<String> known = scenarios.stream().map(Scenario::name).toList();
            if (!known.containsAll(only)) {
                throw new IllegalArgumentException("--only takes scenarios among " + known + ", got " + only);
            }
        }
        // With --only, the report keeps the other scenarios' sections from the previous one, each saying which run it comes from.
        Report previous = only == null ? Report.NONE : Report.read(doc);
        Instant started = Instant.now();
        List<Outcome> outcomes = new ArrayList<>();
        for (Scenario s : scenarios) {
            if (only != null && !only.contains(s.name())) {
                continue;
            }
            System.out.printf("%n===== %s (benchmarks/run.sh %s %s) =====%n", s.title(), s.name(), String.join(" ", s.args()));
            outcomes.add(run(s));
        }
        Path plot = doc.resolveSibling("benchmarks-latency.png");
        boolean plotted = plotLatency(Path.of("benchmarks/target/incremental-benchmark.json"), plot);
        Files.createDirectories(doc.toAbsolutePath().getParent());
        Files.writeString(doc, markdown(scenarios, outcomes, previous, only, started, rows, seconds,
                plotted ? plot.getFileName().toString() : null));
        System.out.printf("%nwritten %s%s%n", doc, plotted ? " and " + plot : "");
        if (outcomes.stream().anyMatch(o -> o.error() != null)) {
            System.exit(1);
        }
    }

    /** Runs a scenario with its output going both to the terminal and into the report. */
    private static Outcome run(Scenario s) {
        PrintStream terminal = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                terminal.write(b);
                captured.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                terminal.write(b, off, len);
                captured.write(b, off, len);
            }
        };
        long start = System.nanoTime();
        String error = null;
        System.setOut(new PrintStream(both, true, StandardCharsets.UTF_8));
        try {
            s.main().run(s.args());
        } catch (Exception | AssertionError e) {
            error = e.toString();
            e.printStackTrace(terminal);
        } finally {
            System.out.flush();
            System.setOut(terminal);
        }
        return new Outcome(s, captured.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e9, error);
    }

    /** p50 and p99 per target rate of the one-table runs, each mode (native replication too); false when there are no results. */
    static boolean plotLatency(Path json, Path png) {
        try {
            if (!Files.exists(json)) {
                return false;
            }
            JsonNode runs = new ObjectMapper().readTree(json.toFile()).path("runs");
            DefaultCategoryDataset data = new DefaultCategoryDataset();
            for (JsonNode r : runs) {
                if (r.path("tables").asInt(1) != 1) {
                    continue; // the ten-table workload is in the table printed above the plot
                }
                String target = r.path("target").asText();
                String category = target.startsWith("0") || target.contains("max") || target.contains("unthrottled")
                        ? "as fast as it goes" : target;
                for (String p : List.of("p50", "p99")) {
                    data.addValue(r.path(p + "Ms").asDouble(), r.path("mode").asText() + " " + p, category);
                }
            }
            JFreeChart chart = ChartFactory.createLineChart("End-to-end latency per write rate (MariaDB → Kafka → MariaDB)",
                    "writer's target rate (rows/s)", "latency (ms)", data, PlotOrientation.VERTICAL, true, false, false);
            // Milliseconds at the lower rates and seconds when unthrottled: a log scale shows both.
            org.jfree.chart.axis.LogAxis axis = new org.jfree.chart.axis.LogAxis("latency (ms, log scale)");
            axis.setNumberFormatOverride(new java.text.DecimalFormat("#,##0"));
            axis.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.25));
            chart.getCategoryPlot().setRangeAxis(axis);
            Files.createDirectories(png.toAbsolutePath().getParent());
            ChartUtils.saveChartAsPNG(png.toFile(), chart, 960, 540);
            return true;
        } catch (Exception e) {
            System.out.println("no latency plot: " + e);
            return false;
        }
    }

    /** The sections of a report written before (title to text), and when its run started. */
    private record Report(String started, java.util.Map<String, String> sections) {
        static final Report NONE = new Report("", java.util.Map.of());
        private static final String FROM = "_Measured in the run started ";

        static Report read(Path doc) throws java.io.IOException {
            if (!Files.exists(doc)) {
                return NONE;
            }
            String started = "";
            java.util.Map<String, String> sections = new java.util.LinkedHashMap<>();
            String title = null;
            StringBuilder body = new StringBuilder();
            for (String line : Files.readAllLines(doc)) {
                if (line.startsWith("| started | ")) {
                    started = line.substring("| started | ".length(), line.length() - 2);
                }
                if (line.startsWith("## ")) {
                    if (title != null) {
                        sections.put(title, body.toString().strip());
                    }
                    title = line.substring(3);
                    body.setLength(0);
                } else if (title != null) {
                    body.append(line).append('\n');
                }
            }
            if (title != null) {
                sections.put(title, body.toString().strip());
            }
            return new Report(started, sections);
        }

        /** A kept section, saying which run it comes from (once, however many reports it went through). */
        String kept(String title) {
            String text = sections.get(title);
            if (text == null) {
                return null;
            }
            return text.startsWith(FROM) ? text : FROM + started + "._\n\n" + text;
        }
    }

    private static String markdown(List<Scenario> scenarios, List<Outcome> outcomes, Report previous, List<String> only,
                                   Instant started, String rows, String seconds, String plot) throws Exception {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Written by `benchmarks/run.sh all --rows ").append(rows).append(" --seconds ").append(seconds)
                .append(only == null ? "" : " --only " + String.join(",", only))
                .append("` (do not edit: run it again). ")
                .append(only == null ? "Every figure below was measured in that one run"
                        : "The sections of " + String.join(", ", only) + " were measured in that run, on the machine below; "
                        + "each other section was measured in the earlier run it names, whose machine may have differed")
                .append(", ")
                .append("the contenders of a scenario one after the other; ratios mean more than absolute rates on a shared ")
                .append("two-core box. What each scenario does and its settings: `benchmarks/README.md`.\n\n");
        md.append("## Machine\n\n");
        md.append("| | |\n| --- | --- |\n");
        md.append("| started | ").append(started).append(" |\n");
        md.append("| CPU | ").append(cpu()).append(", ").append(Runtime.getRuntime().availableProcessors()).append(" cores |\n");
        md.append("| memory | ").append(memory()).append(" |\n");
        md.append("| OS | ").append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ').append(System.getProperty("java.version"))
                .append(", ").append(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("-Xmx")).findFirst().orElse("default heap")).append(" |\n");
        md.append("| Kafka | ").append(org.apache.kafka.common.utils.AppInfoParser.getVersion()).append(" (in-JVM KRaft broker and Connect worker) |\n");
        md.append("| MariaDB | ").append(command("mariadbd", "--version")).append(" |\n\n");
        if (plot != null) {
            md.append("![latency percentiles per rate](").append(plot).append(")\n\n");
        }
        for (Scenario s : scenarios) {
            Outcome o = outcomes.stream().filter(x -> x.scenario() == s).findFirst().orElse(null);
            if (o == null) {
                String kept = previous.kept(s.title());
                if (kept != null) {
                    md.append("## ").append(s.title()).append("\n\n").append(kept).append("\n\n");
                }
                continue;
            }
            md.append("## ").append(o.scenario().title()).append("\n\n");
            md.append("`benchmarks/run.sh ").append(o.scenario().name()).append(' ').append(String.join(" ", o.scenario().args()))
                    .append(String.format(Locale.ROOT, "` — %.0f s", o.seconds())).append("\n\n");
            if (o.error() != null) {
                md.append("**Failed:** `").append(o.error().replace('`', '\'')).append("`\n\n");
            }
            md.append("```\n").append(o.output().strip()).append("\n```\n\n");
        }
        return md.toString();
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (Exception e) {
            return "unknown CPU";
        }
    }

    private static String memory() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(l.replaceAll("\\D", "")) / 1024.0 / 1024.0))
                    .findFirst().orElse("unknown");
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return out.isEmpty() ? "unknown" : out;
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
