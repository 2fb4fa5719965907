package dev.tandem.smt.filter;

import org.apache.kafka.connect.data.Schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;

/**
 * Values of a row image made comparable with the literals of a condition: every number becomes a
 * {@link BigDecimal} (booleans 1 and 0, as MySQL treats them), temporal columns (Debezium's and
 * Connect's logical types) become {@link LocalDate}, {@link LocalDateTime} (UTC for TIMESTAMP
 * columns) or a {@link Duration} (TIME), and a string literal compared with one of those is read
 * in that type.
 */
public final class Values {

    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd")
            .optionalStart().appendLiteral(' ').optionalEnd()
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendPattern("HH:mm")
            .optionalStart().appendPattern(":ss").optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd()
            .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
            .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .toFormatter();

    private static final DateTimeFormatter PRINT_DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Values() {
    }

    /** A Connect value (with its schema, or null when schemaless) as the condition compares it. */
    public static Object comparable(Object value, Schema schema) {
        if (value == null) {
            return null;
        }
        String logical = schema == null ? null : schema.name();
        if (logical != null) {
            switch (logical) {
                case "io.debezium.time.Date":
                    return LocalDate.ofEpochDay(((Number) value).longValue());
                case "io.debezium.time.Timestamp":
                    return LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC).plus(((Number) value).longValue(), ChronoUnit.MILLIS);
                case "io.debezium.time.MicroTimestamp":
                    return LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC).plus(((Number) value).longValue(), ChronoUnit.MICROS);
                case "io.debezium.time.NanoTimestamp":
                    return LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC).plus(((Number) value).longValue(), ChronoUnit.NANOS);
                case "io.debezium.time.ZonedTimestamp":
                    return LocalDateTime.ofInstant(OffsetDateTime.parse(value.toString()).toInstant(), ZoneOffset.UTC);
                case "io.debezium.time.Time":
                    return Duration.ofMillis(((Number) value).longValue());
                case "io.debezium.time.MicroTime":
                    return Duration.of(((Number) value).longValue(), ChronoUnit.MICROS);
                case "io.debezium.time.NanoTime":
                    return Duration.ofNanos(((Number) value).longValue());
                case "org.apache.kafka.connect.data.Date":
                    return LocalDate.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
                case "org.apache.kafka.connect.data.Timestamp":
                    return LocalDateTime.ofInstant(((java.util.Date) value).toInstant(), ZoneOffset.UTC);
                case "org.apache.kafka.connect.data.Time":
                    return Duration.ofMillis(((java.util.Date) value).getTime());
                default:
                    break;
            }
        }
        return plain(value);
    }

    private static Object plain(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (value instanceof Float || value instanceof Double) {
            double d = ((Number) value).doubleValue();
            return Double.isFinite(d) ? new BigDecimal(value.toString()) : value.toString();
        }
        if (value instanceof Number n) {
            return BigDecimal.valueOf(n.longValue());
        }
        if (value instanceof Boolean b) {
            return b ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        if (value instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (value instanceof Instant instant) {
            return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        return value.toString();
    }

    /** Compares two comparables; null when either is NULL (unknown). */
    static Integer compare(Object a, Object b, boolean caseInsensitive) {
        if (a == null || b == null) {
            return null;
        }
        if (a instanceof String s && !(b instanceof String)) {
            Integer reversed = compare(b, s, caseInsensitive);
            return reversed == null ? null : -reversed;
        }
        if (a instanceof BigDecimal x) {
            if (b instanceof BigDecimal y) {
                return x.compareTo(y);
            }
            BigDecimal y = number(b.toString());
            return y == null ? compareText(x.toPlainString(), b.toString(), caseInsensitive) : x.compareTo(y);
        }
        if (a instanceof LocalDate x) {
            if (b instanceof LocalDateTime y) {
                return x.atStartOfDay().compareTo(y);
            }
            if (b instanceof String s) {
                return x.atStartOfDay().compareTo(parseDateTime(s));
            }
            return b instanceof LocalDate y ? x.compareTo(y) : compareText(text(a), text(b), caseInsensitive);
        }
        if (a instanceof LocalDateTime x) {
            if (b instanceof LocalDate y) {
                return x.compareTo(y.atStartOfDay());
            }
            if (b instanceof String s) {
                return x.compareTo(parseDateTime(s));
            }
            return b instanceof LocalDateTime y ? x.compareTo(y) : compareText(text(a), text(b), caseInsensitive);
        }
        if (a instanceof Duration x) {
            if (b instanceof String s) {
                return x.compareTo(parseTime(s));
            }
            return b instanceof Duration y ? x.compareTo(y) : compareText(text(a), text(b), caseInsensitive);
        }
        return compareText(text(a), text(b), caseInsensitive);
    }

    private static int compareText(String a, String b, boolean caseInsensitive) {
        return caseInsensitive ? a.compareToIgnoreCase(b) : a.compareTo(b);
    }

    private static BigDecimal number(String s) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The text LIKE matches: numbers plain, temporals as MySQL prints them. */
    public static String text(Object v) {
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof LocalDateTime t) {
            String s = PRINT_DATE_TIME.format(t);
            return t.getNano() == 0 ? s : s + "." + String.format("%06d", t.getNano() / 1000);
        }
        if (v instanceof Duration d) {
            long micros = Math.abs(d.toNanos() / 1000);
            String sign = d.isNegative() ? "-" : "";
            long seconds = micros / 1_000_000;
            String s = String.format("%s%02d:%02d:%02d", sign, seconds / 3600, (seconds / 60) % 60, seconds % 60);
            return micros % 1_000_000 == 0 ? s : s + "." + String.format("%06d", micros % 1_000_000);
        }
        return v.toString();
    }

    static LocalDate parseDate(String s) {
        return LocalDate.parse(s.trim());
    }

    static LocalDateTime parseDateTime(String s) {
        return LocalDateTime.parse(s.trim(), DATE_TIME);
    }

    /** A TIME literal: {@code [-]H+:MM[:SS[.ffffff]]}, which may exceed 24 hours as MySQL allows. */
    static Duration parseTime(String s) {
        String t = s.trim();
        boolean negative = t.startsWith("-");
        if (negative) {
            t = t.substring(1);
        }
        String[] parts = t.split(":");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("'" + s + "' is not a time");
        }
        Duration d = Duration.ofHours(Long.parseLong(parts[0])).plusMinutes(Long.parseLong(parts[1]));
        if (parts.length == 3) {
            d = d.plusNanos(new BigDecimal(parts[2]).movePointRight(9).longValueExact());
        }
        return negative ? d.negated() : d;
    }
}
