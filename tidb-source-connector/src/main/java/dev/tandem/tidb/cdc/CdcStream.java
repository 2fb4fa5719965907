package dev.tandem.tidb.cdc;

import dev.tandem.common.select.TableId;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a TiCDC topic into Debezium-compatible change events: one transaction (one commit ts) at a
 * time, in commit-ts order, each wrapped in BEGIN and END records on the transaction topic with
 * a {@code transaction} block in every event, as Debezium's MySQL connector writes them with
 * {@code provide.transaction.metadata=true}. Rows become envelopes through Debezium's own schemas
 * and value converters for the table as its DDL defines it (read from TiDB at the stream's start,
 * then followed through the stream's DDL events).
 *
 * <p>Offsets (partition {@code server=<prefix>}): the commit ts of the transaction a record belongs
 * to, whether the record ends it, and for each topic partition the first Kafka offset still
 * needed (the oldest event of this or a later transaction). A restart reads from those offsets and
 * drops what belongs to transactions already ended; a transaction interrupted in the middle is
 * emitted again from its start, so nothing is lost and at most that one transaction is repeated.
 * Repeating it whole, rather than resuming inside it, keeps its checkpoint row (its origin, for
 * active-active) ahead of its other rows.
 */
public final class CdcStream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CdcStream.class);

    static final String COMMIT_TS = "commit_ts";
    static final String COMPLETE = "complete";
    static final String KAFKA = "kafka.";

    /**
     * Where a stream starts: the transaction at {@code commitTs} (after it when {@code complete}, from
     * its start otherwise), reading the topic from these Kafka offsets (the beginning when absent).
     */
    public record Resume(long commitTs, boolean complete, Map<Integer, Long> kafkaOffsets) {

        /** A first start after {@code tso} (a snapshot's, or the changefeed's --start-ts): changes committed after it. */
        public static Resume after(long tso) {
            return new Resume(tso, true, Map.of());
        }

        /** The resume point a committed offset describes, or null when {@code offset} is not a stream offset. */
        public static Resume of(Map<String, Object> offset) {
            if (offset == null || !(offset.get(COMMIT_TS) instanceof Number ts)) {
                return null;
            }
            Map<Integer, Long> kafka = new HashMap<>();
            offset.forEach((k, v) -> {
                if (k.startsWith(KAFKA) && v instanceof Number n) {
                    kafka.put(Integer.parseInt(k.substring(KAFKA.length())), n.longValue());
                }
            });
            return new Resume(ts.longValue(), Boolean.TRUE.equals(offset.get(COMPLETE)), kafka);
        }
    }

    private final String topic;
    private final CdcDecoder decoder;
    private final Consumer<byte[], byte[]> consumer;
    private final TransactionBuffer buffer;
    private final List<TopicPartition> partitions;
    private final ChangeEvents changes;
    private boolean closed;
    private StreamMetrics metrics;

    /**
     * @param changes  builds the change events, knowing the tables' definitions as of the resume point
     * @param consumer a consumer for {@code topic}; this stream assigns it all partitions and seeks them
     */
    public CdcStream(String topic, CdcProtocol protocol, ChangeEvents changes, Consumer<byte[], byte[]> consumer,
                     Resume resume, TableId checkpoint) {
        this.topic = topic;
        this.decoder = protocol.decoder();
        this.changes = changes;
        this.consumer = consumer;
        var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new ConnectException("The TiCDC topic '" + topic + "' does not exist (or has no partitions): create the "
                    + "changefeed first, with this topic in its sink URI");
        }
        this.partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
        consumer.assign(partitions);
        for (TopicPartition tp : partitions) {
            Long at = resume.kafkaOffsets().get(tp.partition());
            if (at == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, at);
            }
        }
        long releasedUpTo = resume.complete() ? resume.commitTs() : resume.commitTs() - 1;
        this.buffer = new TransactionBuffer(partitions.stream().map(TopicPartition::partition).toList(),
                protocol.watermarks(), checkpoint, releasedUpTo);
        LOG.info("Streaming TiCDC topic '{}' ({} partition(s), {}) after commit ts {}{}", topic, partitions.size(),
                protocol.configValue(), resume.commitTs(), resume.complete() ? ""
                        : " (its transaction was interrupted: it is emitted again from its start)");
    }

    /** The records of the transactions completed by what this poll read (whole transactions), or null. */
    public synchronized List<SourceRecord> poll(Duration wait) {
        if (closed) {
            return null;
        }
        ConsumerRecords<byte[], byte[]> read;
        try {
            read = consumer.poll(wait);
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            return null; // close() interrupts a waiting poll
        }
        for (ConsumerRecord<byte[], byte[]> r : read) {
            if (r.value() == null) {
                continue; // a tombstone in the TiCDC topic carries nothing
            }
            List<CdcEvent> decoded;
            try {
                decoded = decoder.decode(r.value());
            } catch (CdcFormatException e) {
                throw new ConnectException("TiCDC message at " + topic + "-" + r.partition() + "@" + r.offset()
                        + " cannot be read: " + e.getMessage(), e);
            }
            for (CdcEvent e : decoded) {
                buffer.add(e, r.partition(), r.offset());
            }
        }
        boolean allRead = true;
        for (TopicPartition tp : partitions) {
            var lag = consumer.currentLag(tp);
            boolean atEnd = lag.isPresent() && lag.getAsLong() == 0;
            buffer.idle(tp.partition(), atEnd);
            allRead &= atEnd;
        }
        List<SourceRecord> out = new ArrayList<>();
        List<TransactionBuffer.Pending> txn;
        while ((txn = buffer.nextComplete()) != null) {
            emit(txn, out);
            if (out.size() >= 10_000) {
                allRead = false; // complete transactions may be left for the next poll
                break;
            }
        }
        if (metrics != null) {
            metrics.polled(allRead && buffer.pendingEvents() == 0);
        }
        return out.isEmpty() ? null : out;
    }

    /** Reports the stream's progress through {@code pluginMetrics} (the task's, over JMX). */
    public void reportTo(org.apache.kafka.common.metrics.PluginMetrics pluginMetrics) {
        metrics = new StreamMetrics(pluginMetrics, buffer::pendingEvents, buffer::releasedUpTo);
    }

    private Map<String, Object> offset(long commitTs, boolean complete, Map<Integer, Long> resumeAt) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put(COMMIT_TS, commitTs);
        o.put(COMPLETE, complete);
        resumeAt.forEach((p, at) -> o.put(KAFKA + p, at));
        return o;
    }

    /** For each partition, where a restart reads again: the oldest event of this transaction or a later one. */
    private Map<Integer, Long> resumeOffsets(List<TransactionBuffer.Pending> txn) {
        Map<Integer, Long> at = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            long next = consumer.position(tp);
            long pending = buffer.oldestPending(tp.partition());
            if (pending >= 0) {
                next = Math.min(next, pending);
            }
            for (TransactionBuffer.Pending e : txn) {
                if (e.partition() == tp.partition()) {
                    next = Math.min(next, e.offset());
                }
            }
            at.put(tp.partition(), next);
        }
        return at;
    }

    private void emit(List<TransactionBuffer.Pending> txn, List<SourceRecord> out) {
        long commitTs = txn.get(0).event().commitTs();
        Map<Integer, Long> resumeAt = resumeOffsets(txn);
        out.addAll(changes.transaction(txn.stream().map(TransactionBuffer.Pending::event).toList(),
                offset(commitTs, false, resumeAt), offset(commitTs, true, resumeAt)));
        if (metrics != null) {
            metrics.transaction(commitTs, txn.size());
        }
    }

    /** Stops the stream from another thread than the polling one: wakes a waiting poll, then closes the consumer. */
    @Override
    public void close() {
        consumer.wakeup();
        synchronized (this) {
            if (!closed) {
                closed = true;
                consumer.close(Duration.ofSeconds(5));
            }
        }
    }
}
