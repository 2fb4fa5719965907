package dev.tandem.common.select;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which tables a link moves: include rules (explicit names or wildcards) minus exclude rules.
 * One implementation for the source connector (what to capture) and the SMTs (what to rename and
 * filter).
 */
public final class ObjectSelection {

    private final List<MatchRule> includes;
    private final List<MatchRule> excludes;

    public ObjectSelection(List<MatchRule> includes, List<MatchRule> excludes) {
        this.includes = List.copyOf(includes);
        this.excludes = List.copyOf(excludes);
    }

    /** Parses comma-free lists of rules, as Connect's LIST type gives them. */
    public static ObjectSelection of(List<String> includes, List<String> excludes) {
        return new ObjectSelection(parseAll(includes), parseAll(excludes));
    }

    private static List<MatchRule> parseAll(List<String> rules) {
        List<MatchRule> parsed = new ArrayList<>();
        for (String r : rules) {
            if (!r.isBlank()) {
                parsed.add(MatchRule.parse(r));
            }
        }
        return parsed;
    }

    public boolean isEmpty() {
        return includes.isEmpty() && excludes.isEmpty();
    }

    public List<MatchRule> includes() {
        return includes;
    }

    public List<MatchRule> excludes() {
        return excludes;
    }

    /** A table is selected when an include rule matches it (or there are none) and no exclude rule does. */
    public boolean selects(TableId id) {
        boolean included = includes.isEmpty() || includes.stream().anyMatch(r -> r.matches(id));
        return included && excludes.stream().noneMatch(r -> r.matches(id));
    }

    /** This selection plus tables that must be captured whatever the user chose (e.g. the checkpoint table). */
    public ObjectSelection including(List<TableId> always) {
        List<MatchRule> more = new ArrayList<>(includes);
        always.forEach(t -> more.add(MatchRule.parse(t.toString())));
        return new ObjectSelection(more, excludes);
    }

    /**
     * One regular expression, matched against the whole {@code database.table}, that selects what
     * this selection selects: Debezium refuses a table include list together with an exclude list,
     * so the excludes become a negative look-ahead. Contains no comma, so it survives Debezium's
     * comma-separated list parsing.
     */
    public String toDebeziumTableRegex() {
        String include = includes.isEmpty() ? "[^.]+\\.[^.]+"
                : includes.stream().map(MatchRule::toQualifiedRegex).collect(Collectors.joining("|", "(?:", ")"));
        if (excludes.isEmpty()) {
            return include;
        }
        String exclude = excludes.stream().map(MatchRule::toQualifiedRegex).collect(Collectors.joining("|", "(?:", ")"));
        return "(?!" + exclude + "$)" + include;
    }

    @Override
    public String toString() {
        return "include " + includes + " exclude " + excludes;
    }
}
