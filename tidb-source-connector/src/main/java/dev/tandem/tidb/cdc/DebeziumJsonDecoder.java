package dev.tandem.tidb.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.common.select.TableId;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TiCDC's Debezium protocol ({@code protocol=debezium}), as documented in "TiCDC Debezium Protocol"
 * (docs.pingcap.com/tidb/stable/ticdc-debezium): a JSON message with {@code payload} (and
 * {@code schema} unless disabled) holding Debezium's {@code before}, {@code after}, {@code op} and
 * a MySQL-style {@code source} block to which TiCDC adds {@code commit_ts}; DDL messages hold
 * {@code ddl} and {@code databaseName} as Debezium's schema change events do (new TiCDC
 * architecture: sent to every partition), and with {@code enable-tidb-extension=true} watermark
 * messages have {@code op = "m"} and the watermark in {@code source.commit_ts}. Values follow
 * Debezium's JSON encoding (bytes in base64, temporal types as epoch numbers or ISO strings,
 * ENUM and SET as their names), kept here as JSON nodes for the column converter.
 */
public final class DebeziumJsonDecoder implements CdcDecoder {


    @Override
    public List<CdcEvent> decode(byte[] value) throws CdcFormatException {
        JsonNode root = CdcDecoder.jsonObject(value, "Debezium JSON");
        JsonNode payload = root.has("payload") ? root.get("payload") : root;
        JsonNode source = payload.path("source");
        JsonNode ts = source.path("commit_ts");
        if (!ts.canConvertToLong()) {
            throw new CdcFormatException("the message has no source.commit_ts: is it TiCDC's Debezium protocol?");
        }
        long commitTs = ts.asLong();
        if (payload.has("ddl")) {
            String database = payload.path("databaseName").asText(source.path("db").asText(""));
            return List.of(CdcEvent.ddl(new TableId(database, source.path("table").asText("")), payload.get("ddl").asText(),
                    commitTs));
        }
        String op = payload.path("op").asText("");
        if ("m".equals(op)) {
            return List.of(CdcEvent.watermark(commitTs));
        }
        String database = source.path("db").asText("");
        String table = source.path("table").asText("");
        if (database.isEmpty() || table.isEmpty()) {
            throw new CdcFormatException("change event at " + commitTs + " names no database or table");
        }
        TableId id = new TableId(database, table);
        return switch (op) {
            case "c", "r" -> List.of(CdcEvent.row(id, "c", null, columns(payload.path("after"), id, commitTs), commitTs));
            case "u" -> List.of(CdcEvent.row(id, "u", columns(payload.path("before"), id, commitTs),
                    columns(payload.path("after"), id, commitTs), commitTs));
            case "d" -> List.of(CdcEvent.row(id, "d", columns(payload.path("before"), id, commitTs), null, commitTs));
            default -> throw new CdcFormatException("unknown Debezium op '" + op + "' for " + id + " at " + commitTs);
        };
    }

    @Override
    public boolean recognises(byte[] value) {
        try {
            JsonNode root = CdcDecoder.Json.MAPPER.readTree(value);
            JsonNode payload = root != null && root.has("payload") ? root.get("payload") : root;
            return payload != null && payload.path("source").has("commit_ts");
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Object> columns(JsonNode row, TableId id, long commitTs) throws CdcFormatException {
        if (!row.isObject()) {
            throw new CdcFormatException("change event of " + id + " at " + commitTs + " lacks its row image");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.put(f.getKey(), f.getValue().isNull() ? null : f.getValue());
        }
        return out;
    }
}
