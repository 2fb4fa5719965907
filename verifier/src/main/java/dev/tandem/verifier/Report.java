package dev.tandem.verifier;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a verification found: a summary per table for people, JSON for machines, and the repair SQL. */
public record Report(List<Verifier.TableResult> tables, double seconds) {

    public long differences() {
        return tables.stream().mapToLong(t -> t.differences().size()).sum();
    }

    public long errors() {
        return tables.stream().filter(t -> t.error() != null).count();
    }

    public boolean clean() {
        return differences() == 0 && errors() == 0;
    }

    public long rows() {
        return tables.stream().mapToLong(Verifier.TableResult::sourceRows).sum();
    }

    public String summary() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-40s %12s %7s %9s %9s %8s %8s %10s %8s%n", "table",
                "rows", "chunks", "mismatch", "in flight", "missing", "extra", "different", "seconds"));
        for (Verifier.TableResult t : tables) {
            String name = t.source() + (t.source().equals(t.destination()) ? "" : " -> " + t.destination());
            if (t.error() != null) {
                out.append(String.format(Locale.ROOT, "%-40s %s%n", name, "NOT COMPARED: " + t.error()));
                continue;
            }
            out.append(String.format(Locale.ROOT, "%-40s %,12d %7d %9d %9d %8d %8d %10d %8.1f%n", name, t.sourceRows(), t.chunks(),
                    t.mismatchedChunks(), t.inFlight(), t.count("MISSING"), t.count("EXTRA"), t.count("DIFFERENT"), t.seconds()));
        }
        out.append(String.format(Locale.ROOT, "%s: %,d rows in %d tables, %d differences, %d tables not compared, %.1f s "
                + "(%,.0f rows/s)%n", clean() ? "CLEAN" : "DIFFERENCES", rows(), tables.size(), differences(), errors(), seconds,
                rows() / Math.max(seconds, 1e-9)));
        return out.toString();
    }

    /** Every repair statement, one per line, tables in order. */
    public String repairSql() {
        return tables.stream().flatMap(t -> t.repairSql().stream()).map(s -> s + "\n").collect(Collectors.joining());
    }

    public String toJson() {
        StringBuilder out = new StringBuilder("{\"clean\":").append(clean()).append(",\"seconds\":")
                .append(String.format(Locale.ROOT, "%.3f", seconds)).append(",\"rows\":").append(rows()).append(",\"tables\":[");
        for (int i = 0; i < tables.size(); i++) {
            Verifier.TableResult t = tables.get(i);
            out.append(i == 0 ? "" : ",").append("{\"source\":").append(str(t.source().toString()))
                    .append(",\"destination\":").append(str(t.destination().toString()))
                    .append(",\"rows\":").append(t.sourceRows()).append(",\"chunks\":").append(t.chunks())
                    .append(",\"mismatchedChunks\":").append(t.mismatchedChunks())
                    .append(",\"inFlight\":").append(t.inFlight())
                    .append(",\"seconds\":").append(String.format(Locale.ROOT, "%.3f", t.seconds()))
                    .append(",\"error\":").append(t.error() == null ? "null" : str(t.error()))
                    .append(",\"differences\":[");
            for (int j = 0; j < t.differences().size(); j++) {
                Verifier.Difference d = t.differences().get(j);
                out.append(j == 0 ? "" : ",").append("{\"kind\":").append(str(d.kind())).append(",\"key\":").append(str(d.key()))
                        .append(",\"columns\":[").append(d.columns().stream().map(Report::str).collect(Collectors.joining(",")))
                        .append("]}");
            }
            out.append("]}");
        }
        return out.append("]}").toString();
    }

    private static String str(String s) {
        return dev.tandem.common.JsonText.quoted(s);
    }
}
