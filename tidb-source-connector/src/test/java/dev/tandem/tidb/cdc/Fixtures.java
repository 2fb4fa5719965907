package dev.tandem.tidb.cdc;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The fixture messages under src/test/resources/ticdc (see the README there for where their layouts come from). */
final class Fixtures {

    private Fixtures() {
    }

    static byte[] message(String path) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/ticdc/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static CdcEvent canal(String name) throws CdcFormatException {
        var events = new CanalJsonDecoder().decode(message("canal-json/" + name + ".json"));
        if (events.size() != 1) {
            throw new IllegalStateException(name + " holds " + events.size() + " events");
        }
        return events.get(0);
    }

    static CdcEvent debezium(String name) throws CdcFormatException {
        var events = new DebeziumJsonDecoder().decode(message("debezium/" + name + ".json"));
        if (events.size() != 1) {
            throw new IllegalStateException(name + " holds " + events.size() + " events");
        }
        return events.get(0);
    }
}
