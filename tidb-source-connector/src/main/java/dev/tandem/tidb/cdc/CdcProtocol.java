package dev.tandem.tidb.cdc;

import java.util.List;
import java.util.Locale;

/** A TiCDC message protocol this connector reads, and the decoder of its messages. */
public enum CdcProtocol {

    /** {@code protocol=canal-json&enable-tidb-extension=true}: commit ts in {@code _tidb}, watermark events. */
    CANAL_JSON("canal-json", true),
    /**
     * {@code protocol=debezium}: Debezium-style envelopes with {@code source.commit_ts}; watermarks
     * only from the new TiCDC architecture with the TiDB extension (taken into account once seen).
     */
    DEBEZIUM("debezium", false);

    private final String configValue;
    private final boolean watermarks;

    CdcProtocol(String configValue, boolean watermarks) {
        this.configValue = configValue;
        this.watermarks = watermarks;
    }

    public String configValue() {
        return configValue;
    }

    /** Whether TiCDC always sends watermark events to every partition in this protocol. */
    public boolean watermarks() {
        return watermarks;
    }

    /** A decoder of this protocol's message values. */
    public CdcDecoder decoder() {
        return this == CANAL_JSON ? new CanalJsonDecoder() : new DebeziumJsonDecoder();
    }

    public static CdcProtocol fromConfigValue(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (CdcProtocol p : values()) {
            if (p.configValue.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not a TiCDC protocol this connector reads: choose one of "
                + String.join(", ", choices()));
    }

    public static List<String> choices() {
        return java.util.Arrays.stream(values()).map(CdcProtocol::configValue).toList();
    }
}
