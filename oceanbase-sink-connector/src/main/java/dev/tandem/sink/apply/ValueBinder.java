package dev.tandem.sink.apply;

import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Binds a Connect value to a statement parameter by its schema, Debezium's logical types
 * included, so that values arrive in the destination as they left the source: temporal values
 * with their microseconds (bound as text in UTC; sessions run with time_zone '+00:00'), DECIMAL
 * exact, BIT in the server's byte order, JSON/ENUM/SET as text.
 */
public final class ValueBinder {

    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

    private ValueBinder() {
    }

    public static void bind(PreparedStatement ps, int index, Schema schema, Object value) throws SQLException {
        Object sql = toSql(schema, value);
        if (sql == null) {
            ps.setNull(index, Types.NULL);
        } else if (sql instanceof String s) {
            ps.setString(index, s);
        } else if (sql instanceof BigDecimal d) {
            ps.setBigDecimal(index, d);
        } else if (sql instanceof byte[] b) {
            ps.setBytes(index, b);
        } else if (sql instanceof Byte b) {
            ps.setByte(index, b);
        } else if (sql instanceof Short v) {
            ps.setShort(index, v);
        } else if (sql instanceof Integer v) {
            ps.setInt(index, v);
        } else if (sql instanceof Long v) {
            ps.setLong(index, v);
        } else if (sql instanceof Float v) {
            ps.setFloat(index, v);
        } else if (sql instanceof Double v) {
            ps.setDouble(index, v);
        } else {
            ps.setBoolean(index, (Boolean) sql);
        }
    }

    /**
     * Binds a value a column is compared with ({@code col <=> ?}): as {@link #bind}, except that a
     * FLOAT value is sent as its exact double — a FLOAT column compares as a double, and the float's
     * shortest decimal (what the driver would send) is another double.
     */
    public static void bindCompared(PreparedStatement ps, int index, Schema schema, Object value) throws SQLException {
        if (value instanceof Float single) {
            ps.setDouble(index, single.doubleValue());
        } else {
            bind(ps, index, schema, value);
        }
    }

    /**
     * The value as the destination takes it: {@code null}, a {@link String} (temporal values as
     * text in UTC, JSON, ENUM, SET...), a {@link BigDecimal}, {@code byte[]} (BIT in the server's
     * byte order) or a boxed number or boolean. Statements bind it; {@code LOAD DATA} writes it as
     * text.
     */
    public static Object toSql(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String logical = schema.name();
        if (logical != null) {
            switch (logical) {
                case Decimal.LOGICAL_NAME -> {
                    return (BigDecimal) value;
                }
                case "io.debezium.time.Date" -> {
                    return LocalDate.ofEpochDay(((Number) value).longValue()).toString();
                }
                case Date.LOGICAL_NAME -> {
                    return ((java.util.Date) value).toInstant().atOffset(ZoneOffset.UTC).toLocalDate().toString();
                }
                case "io.debezium.time.MicroTime" -> {
                    return timeOfDay(((Number) value).longValue() * 1_000L);
                }
                case "io.debezium.time.NanoTime" -> {
                    return timeOfDay(((Number) value).longValue());
                }
                case "io.debezium.time.Time" -> {
                    return timeOfDay(((Number) value).longValue() * 1_000_000L);
                }
                case Time.LOGICAL_NAME -> {
                    return timeOfDay(((java.util.Date) value).getTime() * 1_000_000L);
                }
                case "io.debezium.time.MicroTimestamp" -> {
                    return DATETIME.format(fromEpochMicros(((Number) value).longValue()));
                }
                case "io.debezium.time.NanoTimestamp" -> {
                    long nanos = ((Number) value).longValue();
                    return DATETIME.format(LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L),
                            (int) Math.floorMod(nanos, 1_000_000_000L), ZoneOffset.UTC));
                }
                case "io.debezium.time.Timestamp" -> {
                    return DATETIME.format(fromEpochMicros(((Number) value).longValue() * 1_000L));
                }
                case Timestamp.LOGICAL_NAME -> {
                    return DATETIME.format(fromEpochMicros(((java.util.Date) value).getTime() * 1_000L));
                }
                case "io.debezium.time.ZonedTimestamp" -> {
                    Instant instant = OffsetDateTime.parse((String) value).toInstant();
                    return DATETIME.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
                }
                case "io.debezium.data.Bits" -> {
                    return reversed((byte[]) bytes(value));
                }
                default -> {
                    // io.debezium.data.Json, Enum, EnumSet, Year, Xml ...: bound by their base type below
                }
            }
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING -> value;
            case BYTES -> bytes(value);
            default -> throw new DataException("cannot write a " + schema.type() + " value"
                    + (logical == null ? "" : " (" + logical + ")") + " to a column");
        };
    }

    /** Rough size of a value in a statement's text, to keep statements under max_allowed_packet. */
    public static int estimatedSize(Object value) {
        if (value == null) {
            return 4;
        }
        if (value instanceof String s) {
            return s.length() * 4 + 2;
        }
        if (value instanceof byte[] b) {
            return b.length * 2 + 3;
        }
        if (value instanceof ByteBuffer b) {
            return b.remaining() * 2 + 3;
        }
        return 24;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof ByteBuffer buffer) {
            byte[] out = new byte[buffer.remaining()];
            buffer.duplicate().get(out);
            return out;
        }
        return (byte[]) value;
    }

    private static byte[] reversed(byte[] littleEndian) {
        byte[] out = new byte[littleEndian.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = littleEndian[littleEndian.length - 1 - i];
        }
        return out;
    }

    private static LocalDateTime fromEpochMicros(long micros) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), (int) Math.floorMod(micros, 1_000_000L) * 1_000,
                ZoneOffset.UTC);
    }

    /** A time of day (or a MySQL TIME beyond 24 h / negative) from nanoseconds. */
    private static String timeOfDay(long nanos) {
        if (nanos >= 0 && nanos < 86_400_000_000_000L) {
            return TIME.format(LocalTime.ofNanoOfDay(nanos));
        }
        long micros = Math.abs(nanos / 1_000L);
        long hours = micros / 3_600_000_000L;
        long minutes = micros / 60_000_000L % 60;
        long seconds = micros / 1_000_000L % 60;
        return String.format("%s%d:%02d:%02d.%06d", nanos < 0 ? "-" : "", hours, minutes, seconds, micros % 1_000_000L);
    }
}
