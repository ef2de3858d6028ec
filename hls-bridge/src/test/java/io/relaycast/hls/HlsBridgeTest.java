package io.relaycast.hls;

import io.relaycast.sfu.room.RoomDirectory;
import io.relaycast.sfu.tap.RoomTaps;
import org.testng.annotations.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

/** Sessions of one stream on the bridge, with no media: what their folders become. */
public class HlsBridgeTest {

    private static HlsConfig config(Path dir) {
        return new HlsConfig(true, "ffmpeg", "ffprobe", dir, List.of(new HlsConfig.Rendition("180p", 180, 300)),
                1, 6, "ultrafast", 256, Duration.ofSeconds(30), Duration.ofMillis(334), Duration.ofSeconds(3), true);
    }

    /**
     * A stream's session replaced by a new one (the old one is stopped in the background): the old one's cleanup
     * must not delete the new one's files. Both used the stream's one folder, so a late cleanup removed the new
     * session's pipes and segments, its packagers failed and its ffmpeg died (decision 291b).
     */
    @Test
    public void aReplacedSessionsCleanupLeavesItsSuccessorsFolder() throws Exception {
        Path dir = Files.createTempDirectory("hls-bridge");
        RoomTaps taps = new RoomTaps(RoomDirectory.EMPTY);
        try (HlsBridge bridge = new HlsBridge(config(dir), taps, dir.resolve("thumbs"))) {
            bridge.start("stream-1");
            Path first = bridge.directory("stream-1");
            assertTrue(Files.isDirectory(first), first.toString());
            bridge.start("stream-1"); // the first is stopped on the bridge's pool
            Path second = bridge.directory("stream-1");
            assertNotEquals(second, first, "each session has a folder of its own");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.exists(first) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(Files.exists(first), "the replaced session removed its own folder");
            assertTrue(Files.isDirectory(second), "and left its successor's");
            bridge.stop("stream-1");
            deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.exists(dir.resolve("stream-1")) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertFalse(Files.exists(dir.resolve("stream-1")), "the stream's folder goes with its last session");
        } finally {
            taps.close();
        }
    }
}
