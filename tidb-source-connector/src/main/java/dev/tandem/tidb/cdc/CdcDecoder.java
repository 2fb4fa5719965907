package dev.tandem.tidb.cdc;

import java.util.List;

/** Decodes the value of one TiCDC Kafka message into its events (usually one). */
public interface CdcDecoder {

    /** The message's events; an exception names what is wrong with it. */
    List<CdcEvent> decode(byte[] value) throws CdcFormatException;

    /** Whether {@code value} looks like a message of this protocol (for the precheck's look at the topic). */
    boolean recognises(byte[] value);
}
