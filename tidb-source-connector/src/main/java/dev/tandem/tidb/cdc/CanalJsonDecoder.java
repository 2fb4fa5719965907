package dev.tandem.tidb.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.common.select.TableId;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * TiCDC's canal-json with the TiDB extension ({@code enable-tidb-extension=true}), as documented
 * in "TiCDC Canal-JSON Protocol" (docs.pingcap.com/tidb/stable/ticdc-canal-json): every message has
 * {@code isDdl} and {@code type}; DDL events carry {@code sql}; row events carry {@code data} (the
 * row after the change, or the deleted row) and for updates {@code old} (by default every column
 * before the change; with {@code only_output_updated_columns} only those that changed, the others
 * are then taken from {@code data}); {@code _tidb.commitTs} is the transaction's TSO and
 * {@code TIDB_WATERMARK} events carry {@code _tidb.watermarkTs}. Values are strings (or null).
 */
public final class CanalJsonDecoder implements CdcDecoder {


    @Override
    public List<CdcEvent> decode(byte[] value) throws CdcFormatException {
        JsonNode m = CdcDecoder.jsonObject(value, "canal-json");
        String type = m.path("type").asText("");
        JsonNode tidb = m.path("_tidb");
        if ("TIDB_WATERMARK".equals(type)) {
            return List.of(CdcEvent.watermark(requiredTs(tidb, "watermarkTs")));
        }
        if (!tidb.isObject()) {
            throw new CdcFormatException("the message has no _tidb field: create the changefeed with "
                    + "enable-tidb-extension=true in its sink URI (the commit ts and watermarks come from it)");
        }
        long commitTs = requiredTs(tidb, "commitTs");
        String database = m.path("database").asText("");
        String table = m.path("table").asText("");
        if (m.path("isDdl").asBoolean(false)) {
            String sql = m.path("sql").asText("");
            if (sql.isEmpty()) {
                throw new CdcFormatException("DDL event at " + commitTs + " has no sql");
            }
            return List.of(CdcEvent.ddl(new TableId(database, table), sql, commitTs));
        }
        String op = switch (type) {
            case "INSERT" -> "c";
            case "UPDATE" -> "u";
            case "DELETE" -> "d";
            default -> throw new CdcFormatException("unknown canal-json event type '" + type + "' at " + commitTs);
        };
        if (database.isEmpty() || table.isEmpty()) {
            throw new CdcFormatException(type + " event at " + commitTs + " names no database or table");
        }
        if (tidb.path("onlyHandleKey").asBoolean(false)) {
            throw new CdcFormatException("the " + type + " event of " + database + "." + table + " at " + commitTs
                    + " holds only its key columns (TiCDC's large-message handle-key-only mode): the full row is not in "
                    + "the stream; raise max-message-bytes of the changefeed's sink");
        }
        JsonNode data = m.path("data");
        JsonNode old = m.path("old");
        if (!data.isArray() || data.isEmpty()) {
            throw new CdcFormatException(type + " event of " + database + "." + table + " at " + commitTs + " has no data");
        }
        if ("u".equals(op) && (!old.isArray() || old.size() != data.size())) {
            throw new CdcFormatException("UPDATE event of " + database + "." + table + " at " + commitTs
                    + " has no matching 'old' rows");
        }
        TableId id = new TableId(database, table);
        List<CdcEvent> events = new ArrayList<>(data.size());
        for (int i = 0; i < data.size(); i++) {
            Map<String, Object> row = columns(data.get(i));
            switch (op) {
                case "c" -> events.add(CdcEvent.row(id, op, null, row, commitTs));
                case "d" -> events.add(CdcEvent.row(id, op, row, null, commitTs));
                default -> {
                    Map<String, Object> before = new LinkedHashMap<>(row); // columns absent from 'old' did not change
                    before.putAll(columns(old.get(i)));
                    events.add(CdcEvent.row(id, op, before, row, commitTs));
                }
            }
        }
        return events;
    }

    @Override
    public boolean recognises(byte[] value) {
        try {
            JsonNode m = CdcDecoder.Json.MAPPER.readTree(value);
            return m != null && m.isObject() && m.has("isDdl") && m.has("type") && m.has("_tidb");
        } catch (IOException e) {
            return false;
        }
    }

    private static Map<String, Object> columns(JsonNode row) throws CdcFormatException {
        if (row == null || !row.isObject()) {
            throw new CdcFormatException("a row of the event is not an object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = row.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.put(f.getKey(), f.getValue().isNull() ? null : f.getValue().asText());
        }
        return out;
    }

    private static long requiredTs(JsonNode tidb, String field) throws CdcFormatException {
        JsonNode ts = tidb.path(field);
        if (!ts.canConvertToLong() && !ts.isTextual()) {
            throw new CdcFormatException("the _tidb field has no " + field);
        }
        try {
            return ts.isTextual() ? Long.parseUnsignedLong(ts.asText()) : ts.asLong();
        } catch (NumberFormatException e) {
            throw new CdcFormatException("_tidb." + field + " is not a TSO: " + ts.asText());
        }
    }
}
