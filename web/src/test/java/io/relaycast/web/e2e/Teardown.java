package io.relaycast.web.e2e;

/** Test-class teardown that must not stop half way: a failure to close one part still closes the rest. */
final class Teardown {
    private Teardown() {
    }

    /** Closes each non-null part in order, ignoring failures (the test has already reported what went wrong). */
    static void closeAll(AutoCloseable... parts) {
        for (AutoCloseable c : parts) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // keep closing the rest
                }
            }
        }
    }
}
