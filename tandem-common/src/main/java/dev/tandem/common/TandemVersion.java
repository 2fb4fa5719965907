package dev.tandem.common;

/** The version every Tandem plugin reports to Connect, from the jar manifest the build writes. */
public final class TandemVersion {

    public static final String VERSION = read();

    private TandemVersion() {
    }

    private static String read() {
        String v = TandemVersion.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
