package dev.tandem.source;

import dev.tandem.common.DdlNames;
import dev.tandem.common.TandemHeaders;
import dev.tandem.common.select.TableId;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source task that stopped on something it cannot go past, told to the link's sink. Before the
 * task fails, one record without key or value, header {@link TandemHeaders#SOURCE_STOPPED} naming
 * the cause, goes into the topic of the table the failing statement names (or, when it names none
 * the link captures, of a table the link captures); the sink reading that topic then fails too,
 * naming the statement, instead of staying RUNNING with nothing arriving. The task fails once that
 * record is acknowledged, or after {@link #DELIVERY_WAIT_MS} at the latest.
 */
final class SourceStop {

    private static final Logger LOG = LoggerFactory.getLogger(SourceStop.class);

    static final long DELIVERY_WAIT_MS = 30_000;
    /** Debezium's parser names the statement it rejects this way ({@code ParsingErrorListener}). */
    private static final Pattern STATEMENT = Pattern.compile("with the statement '(.*)'\\R(.*)", Pattern.DOTALL);

    private final RuntimeException cause;
    private final long since;
    private final List<SourceRecord> records;
    private boolean delivered;

    private SourceStop(RuntimeException cause, long since, List<SourceRecord> records) {
        this.cause = cause;
        this.since = since;
        this.records = records;
    }

    /**
     * The stop of a task on {@code cause}: its record for the topic of the table concerned, chosen
     * among {@code captured} (the tables the link captures, best first).
     */
    static SourceStop of(RuntimeException cause, String connector, String prefix, List<TableId> captured, long now) {
        String description = describe(cause);
        Optional<TableId> table = table(statement(cause).orElse(null), captured);
        List<SourceRecord> records = new ArrayList<>();
        if (table.isPresent()) {
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString(TandemHeaders.SOURCE_STOPPED, "'" + connector + "' stopped: " + description);
            records.add(new SourceRecord(Map.of("tandem.stopped", connector), Map.of("at", now),
                    dev.tandem.common.TopicNames.table(prefix, table.get()), 0, null, null, null, null, now, headers));
            LOG.error("The source of '{}' stops: {}. Its sink is told so through {}", connector, description,
                    records.get(0).topic());
        } else {
            LOG.error("The source of '{}' stops: {}. No captured table is known to tell its sink through", connector,
                    description);
        }
        return new SourceStop(cause, now, records);
    }

    /** The records to hand to Connect before the task fails (none when no table was found). */
    List<SourceRecord> records() {
        return records;
    }

    /** Whether the record of this stop is {@code record}. */
    static boolean isStop(SourceRecord record) {
        return record.headers().lastWithName(TandemHeaders.SOURCE_STOPPED) != null;
    }

    void delivered() {
        delivered = true;
    }

    /** Null while the record is on its way (for at most {@link #DELIVERY_WAIT_MS}); then the cause, thrown. */
    List<SourceRecord> poll(long now) throws InterruptedException {
        if (delivered || records.isEmpty() || now - since >= DELIVERY_WAIT_MS) {
            throw cause;
        }
        Thread.sleep(100);
        return null;
    }

    /** The statement a parser refused, when the cause names one. */
    static Optional<String> statement(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher m = t.getMessage() == null ? null : STATEMENT.matcher(t.getMessage());
            if (m != null && m.find()) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** What stopped the task, in one line: the statement and the parser's complaint, or the causes' messages. */
    static String describe(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            Matcher m = t.getMessage() == null ? null : STATEMENT.matcher(t.getMessage());
            if (m != null && m.find()) {
                return "the statement '" + m.group(1) + "' cannot be read by Debezium's parser (" + m.group(2).trim()
                        .replaceAll("\\s+", " ") + ")";
            }
        }
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                messages.add(t.getMessage().replaceAll("\\s+", " ").trim());
            }
        }
        return messages.isEmpty() ? cause.getClass().getName() : String.join(": ", messages);
    }

    /**
     * The table to tell through: the one the statement names if captured (an unqualified name
     * matched by name), else the first captured table.
     */
    static Optional<TableId> table(String statement, List<TableId> captured) {
        Optional<TableId> named = statement == null ? Optional.empty() : DdlNames.firstTable(statement, "");
        if (named.isPresent()) {
            TableId n = named.get();
            for (TableId t : captured) {
                if (t.table().equals(n.table()) && (n.database().isEmpty() || t.database().equals(n.database()))) {
                    return Optional.of(t);
                }
            }
        }
        return captured.stream().findFirst();
    }
}
