package io.relaycast.hls;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The reader threads of a session's packagers, one per rendition and ffmpeg launch. A launch's readers finish the
 * last segment of the ffmpeg before it (they reach end of file once it is gone) before the next launch's start.
 */
final class PackagerThreads {
    private final List<Thread> threads = new ArrayList<>();

    /** Starts {@code packager} on a daemon thread of its own. Under the session's monitor. */
    void start(RenditionPackager packager, String name) {
        Thread t = new Thread(packager, name);
        t.setDaemon(true);
        t.start();
        threads.add(t);
    }

    /** The threads started so far, forgotten here. Under the session's monitor. */
    List<Thread> takeAll() {
        List<Thread> all = List.copyOf(threads);
        threads.clear();
        return all;
    }

    /** Waits up to {@code millis} for each (not under the session's monitor: a finishing reader may need it). */
    static void join(List<Thread> threads, long millis) throws IOException {
        for (Thread t : threads) {
            try {
                t.join(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }
}
