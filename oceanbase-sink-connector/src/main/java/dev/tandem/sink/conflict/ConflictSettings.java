package dev.tandem.sink.conflict;

import dev.tandem.common.select.TableId;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The conflict options of one sink, parsed: the link's strategy and last-writer-wins column,
 * per-table overrides ({@code db.table=strategy} or {@code db.table=last-writer-wins:column}, the
 * destination's table names), the region order, and columns left out of comparisons.
 */
public final class ConflictSettings {

    /** A table's strategy and, for last-writer-wins, its column. */
    public record Rule(Strategy strategy, String column) {
    }

    private final Rule defaults;
    private final Map<TableId, Rule> tables;
    private final List<String> regionOrder;
    private final Set<String> excluded;
    private final int tombstoneRetentionHours;

    public ConflictSettings(Rule defaults, Map<TableId, Rule> tables, List<String> regionOrder, Set<String> excluded,
                            int tombstoneRetentionHours) {
        this.defaults = defaults;
        this.tables = Map.copyOf(tables);
        this.regionOrder = List.copyOf(regionOrder);
        this.excluded = excluded.stream().map(c -> c.toLowerCase(java.util.Locale.ROOT)).collect(Collectors.toSet());
        this.tombstoneRetentionHours = tombstoneRetentionHours;
    }

    /**
     * Parses the option values; a mistake raises {@link IllegalArgumentException} with the fix,
     * for validate to put on the option.
     */
    public static ConflictSettings parse(String strategy, String column, List<String> tableRules, List<String> regionOrder,
                                         List<String> excluded, int tombstoneRetentionHours) {
        Rule defaults = new Rule(Strategy.of(strategy), column == null ? "" : column.trim());
        Map<TableId, Rule> tables = new LinkedHashMap<>();
        for (String entry : tableRules) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + e + "' is not db.table=strategy (e.g. shop.account=last-writer-wins:"
                        + "updated_at or shop.audit=ignore)");
            }
            TableId table = TableId.parse(e.substring(0, eq).trim());
            String value = e.substring(eq + 1).trim();
            int colon = value.indexOf(':');
            Strategy s = Strategy.of(colon < 0 ? value : value.substring(0, colon));
            String col = colon < 0 ? "" : value.substring(colon + 1).trim();
            if (s == Strategy.LAST_WRITER_WINS && col.isEmpty()) {
                col = defaults.column();
            }
            tables.put(table, new Rule(s, col));
        }
        return new ConflictSettings(defaults, tables, regionOrder.stream().map(String::trim).filter(r -> !r.isEmpty()).toList(),
                Set.copyOf(excluded.stream().map(String::trim).filter(c -> !c.isEmpty()).toList()), tombstoneRetentionHours);
    }

    public Rule rule(TableId table) {
        return tables.getOrDefault(table, defaults);
    }

    public Rule defaults() {
        return defaults;
    }

    public Map<TableId, Rule> tableRules() {
        return tables;
    }

    /** Every rule in force: the link's and the tables'. */
    public List<Rule> rules() {
        List<Rule> all = new java.util.ArrayList<>(tables.values());
        all.add(defaults);
        return all;
    }

    public List<String> regionOrder() {
        return regionOrder;
    }

    /** Whether a column of a table is left out of comparisons: named alone (every table) or as db.table.column. */
    public boolean excluded(TableId table, String column) {
        String c = column.toLowerCase(java.util.Locale.ROOT);
        return excluded.contains(c) || excluded.contains((table + "." + column).toLowerCase(java.util.Locale.ROOT));
    }

    public int tombstoneRetentionHours() {
        return tombstoneRetentionHours;
    }

    /**
     * Whether {@code incoming}'s change wins over the destination row written by {@code local}:
     * the region earlier in the region order wins; a region the order does not name comes after
     * those it names, and between two such regions the name sorting first wins (so every region
     * decides alike).
     */
    public boolean ranksBefore(String incoming, String local) {
        Map<String, Integer> rank = new HashMap<>();
        for (int i = 0; i < regionOrder.size(); i++) {
            rank.putIfAbsent(regionOrder.get(i), i);
        }
        int a = rank.getOrDefault(incoming, Integer.MAX_VALUE);
        int b = rank.getOrDefault(local, Integer.MAX_VALUE);
        return a != b ? a < b : incoming.compareTo(local) < 0;
    }
}
