package dev.tandem.testkit;

/** Closes what a test class started, in the order given, skipping what never started, whatever fails. */
public final class Closing {

    private Closing() {
    }

    public static void all(AutoCloseable... resources) {
        RuntimeException failure = null;
        for (AutoCloseable r : resources) {
            if (r == null) {
                continue;
            }
            try {
                r.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("could not close " + r, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
