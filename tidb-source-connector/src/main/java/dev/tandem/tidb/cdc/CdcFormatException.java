package dev.tandem.tidb.cdc;

/** A TiCDC message that does not follow its protocol. */
public class CdcFormatException extends Exception {

    public CdcFormatException(String message) {
        super(message);
    }

    public CdcFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
