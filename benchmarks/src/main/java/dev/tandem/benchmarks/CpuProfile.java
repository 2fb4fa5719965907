package dev.tandem.benchmarks;

import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a timed window's CPU went on this machine: the CPU seconds of each process that takes
 * part (this JVM, the database servers; from {@code /proc/<pid>/stat}), of this JVM's threads
 * grouped by name (numbers in the names folded, so a run's task threads form one group), and a JFR
 * recording of the window whose execution samples are summed per thread group: the methods on top
 * of the stack (self time) and the classes anywhere in it (inclusive time).
 */
final class CpuProfile {

    /** Clock ticks per second of {@code /proc/<pid>/stat}'s utime and stime (USER_HZ, 100 on Linux). */
    private static final double TICKS = 100.0;

    private final Map<String, Long> pids;
    private final Map<String, Long> processTicks;
    private final Map<Long, Long> threadNanos = new HashMap<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Recording recording;
    private final Path jfr;
    private final long started = System.nanoTime();
    private final long compileMs = compileMs();
    private final long gcMs = gcMs();

    private CpuProfile(Map<String, Long> pids, Path jfr) throws IOException {
        this.pids = pids;
        this.jfr = jfr;
        this.processTicks = ticks(pids);
        for (long id : threads.getAllThreadIds()) {
            threadNanos.put(id, Math.max(0, threads.getThreadCpuTime(id)));
        }
        if (jfr != null) {
            try {
                recording = new Recording(Configuration.getConfiguration("profile"));
            } catch (java.text.ParseException e) {
                throw new IOException("JFR's profile settings cannot be read", e);
            }
            recording.setToDisk(true);
            recording.start();
        } else {
            recording = null;
        }
    }

    /** Starts measuring: {@code pids} names the processes (label to pid); a JFR recording goes to {@code jfr} unless null. */
    static CpuProfile start(Map<String, Long> pids, Path jfr) throws IOException {
        Map<String, Long> all = new LinkedHashMap<>();
        all.put("benchmark JVM (broker, Connect worker, writer, reader)", ProcessHandle.current().pid());
        all.putAll(pids);
        return new CpuProfile(all, jfr);
    }

    /** Ends the window and returns the report, several lines. */
    String stop(int topThreads) throws IOException {
        double wall = (System.nanoTime() - started) / 1e9;
        Map<String, Long> processNow = ticks(pids);
        Map<String, Double> groups = new HashMap<>();
        double javaThreads = 0;
        for (long id : threads.getAllThreadIds()) {
            ThreadInfo info = threads.getThreadInfo(id);
            long now = threads.getThreadCpuTime(id);
            if (info == null || now < 0) {
                continue;
            }
            double seconds = (now - threadNanos.getOrDefault(id, 0L)) / 1e9;
            groups.merge(group(info.getThreadName()), seconds, Double::sum);
            javaThreads += seconds;
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "    CPU over %.1f s of wall time (%d cores: %.1f core-seconds at most):%n", wall,
                Runtime.getRuntime().availableProcessors(), wall * Runtime.getRuntime().availableProcessors()));
        double jvm = 0;
        for (var e : pids.entrySet()) {
            double seconds = (processNow.getOrDefault(e.getKey(), 0L) - processTicks.getOrDefault(e.getKey(), 0L)) / TICKS;
            if (jvm == 0) {
                jvm = seconds;
            }
            out.append(String.format(Locale.ROOT, "      %-58s %7.1f s  (%.2f cores)%n", e.getKey(), seconds, seconds / wall));
        }
        out.append(String.format(Locale.ROOT, "      %-58s %7.1f s%n", "  of the JVM: garbage collection, JIT and other native threads",
                Math.max(0, jvm - javaThreads)));
        out.append(String.format(Locale.ROOT, "      %-58s %7.1f s%n", "    the JIT compilers' time (CompilationMXBean)",
                (compileMs() - compileMs) / 1e3));
        out.append(String.format(Locale.ROOT, "      %-58s %7.1f s%n", "    garbage collection's time (GarbageCollectorMXBeans)",
                (gcMs() - gcMs) / 1e3));
        groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(topThreads)
                .forEach(e -> out.append(String.format(Locale.ROOT, "      %-58s %7.1f s%n", "  " + shorten(e.getKey(), 56),
                        e.getValue())));
        if (recording != null) {
            recording.stop();
            recording.dump(jfr);
            recording.close();
            out.append(samples(jfr, groups.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .limit(Math.min(topThreads, 6)).map(Map.Entry::getKey).toList()));
            out.append("    JFR recording: ").append(jfr).append(System.lineSeparator());
        }
        return out.toString();
    }

    private static long compileMs() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static long gcMs() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
    }

    /** Self and inclusive execution samples of the given thread groups. */
    private static String samples(Path jfr, List<String> groupsToShow) throws IOException {
        Map<String, Map<String, Integer>> self = new HashMap<>();
        Map<String, Map<String, Integer>> inclusive = new HashMap<>();
        Map<String, Integer> total = new HashMap<>();
        for (RecordedEvent e : RecordingFile.readAllEvents(jfr)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStackTrace() == null) {
                continue;
            }
            String group = group(e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName());
            if (!groupsToShow.contains(group)) {
                continue;
            }
            total.merge(group, 1, Integer::sum);
            RecordedStackTrace stack = e.getStackTrace();
            List<RecordedFrame> frames = stack.getFrames();
            if (frames.isEmpty()) {
                continue;
            }
            RecordedFrame top = frames.get(0);
            self.computeIfAbsent(group, g -> new HashMap<>()).merge(method(top), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String type = f.getMethod().getType().getName();
                if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.") && seen.add(type)) {
                    inclusive.computeIfAbsent(group, g -> new HashMap<>()).merge(type, 1, Integer::sum);
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (String group : groupsToShow) {
            int n = total.getOrDefault(group, 0);
            if (n == 0) {
                continue;
            }
            out.append(String.format(Locale.ROOT, "    JFR samples of '%s' (%d): self %s%n      inclusive %s%n", shorten(group, 70), n,
                    top(self.get(group), n, 5), top(inclusive.get(group), n, 8)));
        }
        return out.toString();
    }

    private static String top(Map<String, Integer> counts, int total, int limit) {
        if (counts == null) {
            return "-";
        }
        return counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
                .map(e -> String.format(Locale.ROOT, "%s %.0f%%", e.getKey(), 100.0 * e.getValue() / total))
                .collect(Collectors.joining(", "));
    }

    private static String method(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    /** A thread's group: its name with the numbers folded (task-thread-inc4-source-0 → task-thread-inc#-source-#). */
    static String group(String threadName) {
        return threadName.replaceAll("\\d+", "#");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static Map<String, Long> ticks(Map<String, Long> pids) {
        Map<String, Long> out = new HashMap<>();
        pids.forEach((label, pid) -> {
            try {
                String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                out.put(label, Long.parseLong(f[11]) + Long.parseLong(f[12])); // utime, stime
            } catch (IOException | RuntimeException e) {
                out.put(label, 0L); // not on Linux, or the process is gone: shown as 0
            }
        });
        return out;
    }
}
