package dev.tandem.tidb.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import io.debezium.relational.Column;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Base64;
import java.util.Locale;

/**
 * Turns a column value as a TiCDC protocol carries it into the Java value Debezium's MySQL value
 * converters take from the binlog (ENUM as its 1-based index or name, SET as its bit mask or
 * names, DATE as LocalDate, DATETIME as LocalDateTime, TIMESTAMP as a UTC ZonedDateTime, TIME as
 * Duration, BIT as big-endian bytes or a boolean, binary strings as bytes), so the envelope's
 * fields come out of Debezium's own conversion, exactly as for a MySQL source.
 *
 * <p>canal-json (TiCDC's row mounter, then Canal's string rule): every value is a string; integers,
 * DECIMAL and floats in decimal notation; ENUM the index, SET the bit mask and BIT the unsigned
 * integer value; binary strings one character per byte (ISO-8859-1); DATE {@code 2006-01-02},
 * DATETIME and TIMESTAMP {@code 2006-01-02 15:04:05[.ffffff]} (TIMESTAMP in the changefeed's time
 * zone); TIME {@code [-]hh:mm:ss[.ffffff]}; JSON its text; VECTOR {@code [x,y,...]}.
 *
 * <p>Debezium JSON (TiCDC's Debezium codec): numbers; DECIMAL a string; BIT(1) a boolean, wider BIT
 * base64 of little-endian bytes; binary strings base64; ENUM and SET names; DATE epoch days;
 * DATETIME epoch milliseconds (precision up to 3) or microseconds; TIMESTAMP an ISO-8601 UTC
 * string; TIME microseconds.
 */
public final class ColumnValues {

    private static final DateTimeFormatter DATETIME = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter(Locale.ROOT);

    private final ZoneId changefeedZone;

    /** {@code changefeedZone}: the time zone the changefeed writes canal-json TIMESTAMP values in. */
    public ColumnValues(ZoneId changefeedZone) {
        this.changefeedZone = changefeedZone;
    }

    /** The value for Debezium's converter of {@code column}; {@code raw} as the protocol's decoder left it. */
    public Object convert(Column column, Object raw) {
        if (raw == null) {
            return null;
        }
        try {
            return raw instanceof JsonNode node ? fromDebezium(column, node) : fromCanal(column, raw.toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("column " + column.name() + " (" + column.typeName() + "): cannot read '"
                    + raw + "': " + e.getMessage(), e);
        }
    }

    private static String baseType(Column column) {
        String t = column.typeName().toUpperCase(Locale.ROOT);
        return t.replace(" ZEROFILL", "").trim();
    }

    Object fromCanal(Column column, String v) {
        String type = baseType(column);
        switch (type) {
            case "BOOL", "BOOLEAN", "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "TINYINT UNSIGNED",
                 "SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED", "YEAR":
                return Integer.valueOf(v);
            case "INT UNSIGNED", "INTEGER UNSIGNED", "BIGINT":
                return Long.valueOf(v);
            case "BIGINT UNSIGNED":
                return new BigDecimal(new BigInteger(v));
            case "DECIMAL", "NUMERIC", "DEC", "FIXED", "DECIMAL UNSIGNED":
                return new BigDecimal(v);
            case "FLOAT", "FLOAT UNSIGNED":
                return Float.valueOf(v);
            case "DOUBLE", "DOUBLE PRECISION", "REAL", "DOUBLE UNSIGNED":
                return Double.valueOf(v);
            case "BIT":
                return bits(column, new BigInteger(v).longValue());
            case "ENUM":
                return v.matches("\\d+") ? Integer.valueOf(v) : v;
            case "SET":
                return v.matches("\\d+") ? Long.valueOf(v) : v;
            case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB":
                return latin1(v);
            case "DATE":
                return v.startsWith("0000-00-00") ? null : LocalDate.parse(v);
            case "DATETIME":
                return v.startsWith("0000-00-00") ? null : LocalDateTime.parse(v, DATETIME);
            case "TIMESTAMP":
                return v.startsWith("0000-00-00") ? null
                        : LocalDateTime.parse(v, DATETIME).atZone(changefeedZone).withZoneSameInstant(ZoneOffset.UTC);
            case "TIME":
                return duration(v);
            case "VECTOR":
                return vector(v);
            default:
                return v; // CHAR, VARCHAR, TEXT types, JSON
        }
    }

    Object fromDebezium(Column column, JsonNode v) {
        String type = baseType(column);
        switch (type) {
            case "BOOL", "BOOLEAN", "TINYINT", "SMALLINT", "MEDIUMINT", "INT", "INTEGER", "TINYINT UNSIGNED",
                 "SMALLINT UNSIGNED", "MEDIUMINT UNSIGNED", "YEAR":
                return v.isBoolean() ? (v.asBoolean() ? 1 : 0) : v.asInt();
            case "INT UNSIGNED", "INTEGER UNSIGNED", "BIGINT":
                return v.asLong();
            case "BIGINT UNSIGNED":
                return new BigDecimal(v.isTextual() ? new BigInteger(v.asText()) : v.bigIntegerValue());
            case "DECIMAL", "NUMERIC", "DEC", "FIXED", "DECIMAL UNSIGNED":
                return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText());
            case "FLOAT", "FLOAT UNSIGNED":
                return v.floatValue();
            case "DOUBLE", "DOUBLE PRECISION", "REAL", "DOUBLE UNSIGNED":
                return v.doubleValue();
            case "BIT":
                if (v.isBoolean()) {
                    return v.asBoolean() ? bits(column, 1) : bits(column, 0);
                }
                byte[] le = Base64.getDecoder().decode(v.asText());
                long n = 0;
                for (int i = le.length - 1; i >= 0; i--) {
                    n = (n << 8) | (le[i] & 0xFF);
                }
                return bits(column, n);
            case "ENUM", "SET", "JSON":
                return v.asText();
            case "BINARY", "VARBINARY", "TINYBLOB", "BLOB", "MEDIUMBLOB", "LONGBLOB":
                return Base64.getDecoder().decode(v.asText());
            case "DATE":
                return LocalDate.ofEpochDay(v.asLong());
            case "DATETIME": {
                long epoch = v.asLong();
                Instant at = column.length() > 3 ? Instant.EPOCH.plusNanos(epoch * 1000) : Instant.ofEpochMilli(epoch);
                return LocalDateTime.ofInstant(at, ZoneOffset.UTC);
            }
            case "TIMESTAMP":
                return ZonedDateTime.parse(v.asText()).withZoneSameInstant(ZoneOffset.UTC);
            case "TIME":
                return Duration.ofNanos(v.asLong() * 1000);
            case "VECTOR":
                return vector(v.asText());
            default:
                return v.isTextual() ? v.asText() : v.toString();
        }
    }

    /** BIT(1) as a boolean, wider BIT as its big-endian bytes (what JDBC gives Debezium's converter). */
    private static Object bits(Column column, long value) {
        int width = Math.max(1, column.length());
        if (width == 1) {
            return value != 0;
        }
        int bytes = (width + 7) / 8;
        byte[] out = new byte[bytes];
        for (int i = bytes - 1; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }

    /** TiDB's VECTOR text, {@code [1,2.5,3]}, as the float array Debezium's vector converter takes. */
    private static float[] vector(String v) {
        String body = v.trim();
        if (!body.startsWith("[") || !body.endsWith("]")) {
            throw new IllegalArgumentException("not a vector [x,y,...]");
        }
        body = body.substring(1, body.length() - 1).trim();
        if (body.isEmpty()) {
            return new float[0];
        }
        String[] parts = body.split(",");
        float[] out = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Float.parseFloat(parts[i].trim());
        }
        return out;
    }

    private static byte[] latin1(String v) {
        byte[] out = new byte[v.length()];
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException("a binary value holds the character U+" + Integer.toHexString(c)
                        + ", which is not one byte in ISO-8859-1");
            }
            out[i] = (byte) c;
        }
        return out;
    }

    private static Duration duration(String v) {
        boolean negative = v.startsWith("-");
        String s = negative ? v.substring(1) : v;
        String[] hms = s.split(":");
        if (hms.length != 3) {
            throw new IllegalArgumentException("not [-]hh:mm:ss[.ffffff]");
        }
        String[] secFrac = hms[2].split("\\.");
        long nanos = 0;
        if (secFrac.length == 2) {
            String f = (secFrac[1] + "000000000").substring(0, 9);
            nanos = Long.parseLong(f);
        }
        Duration d = Duration.ofHours(Long.parseLong(hms[0])).plusMinutes(Long.parseLong(hms[1]))
                .plusSeconds(Long.parseLong(secFrac[0])).plusNanos(nanos);
        return negative ? d.negated() : d;
    }
}
