package io.relaycast.recorder;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.relaycast.sfu.tap.RoomTaps;
import org.testng.annotations.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

/** Failures that must end as a failed recording with a clear reason, never as an exception into the stream. */
public class RecorderTest {

    /** What the recorder told the recordings table. */
    static final class Store implements RecordingStore {
        final List<String> events = new ArrayList<>();

        @Override
        public synchronized void started(String recordingId, String streamId, long startedAt) {
            events.add("started " + streamId);
        }

        @Override
        public synchronized void ready(String recordingId, String filePath, String format, long durationMs,
                                       long sizeBytes, String thumbnailPath, long endedAt) {
            events.add("ready " + format);
        }

        @Override
        public synchronized void failed(String recordingId, String error, long endedAt) {
            events.add("failed " + error);
        }
    }

    private static RecordingConfig config(Path dir, Map<String, Object> overrides) {
        var c = ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.parseString("""
                enabled = true
                ffmpeg = ffmpeg
                ffprobe = ffprobe
                directory = recordings
                flush-interval = 1s
                queue-packets = 256
                max-restarts = 2
                min-free-disk = 1MiB
                """));
        return RecordingConfig.from(c, dir);
    }

    @Test
    public void aMissingFfmpegFailsTheRecordingWithAClearReason() throws Exception {
        Path dir = Files.createTempDirectory("rec");
        Store store = new Store();
        try (RoomTaps taps = new RoomTaps(io.relaycast.sfu.room.RoomDirectory.EMPTY);
             Recorder recorder = new Recorder(config(dir, Map.of("ffmpeg", "/nonexistent/ffmpeg")), taps, store)) {
            String id = recorder.start("s1");
            assertTrue(id != null);
            assertEquals(store.events.size(), 2, store.events.toString());
            assertEquals(store.events.get(0), "started s1");
            assertTrue(store.events.get(1).startsWith("failed ffmpeg not found"), store.events.toString());
            assertFalse((Boolean) recorder.health().get("ok"));
            assertTrue(String.valueOf(recorder.health().get("lastError")).contains("ffmpeg not found"));
            assertNull(recorder.session("s1"), "nothing keeps running");
        }
    }

    @Test
    public void tooLittleDiskFailsTheRecordingAsDiskFull() throws Exception {
        Path dir = Files.createTempDirectory("rec");
        Store store = new Store();
        try (RoomTaps taps = new RoomTaps(io.relaycast.sfu.room.RoomDirectory.EMPTY);
             Recorder recorder = new Recorder(config(dir, Map.of("min-free-disk", "1000000TiB")), taps, store)) {
            recorder.start("s2");
            assertTrue(store.events.get(1).startsWith("failed disk full"), store.events.toString());
            assertNull(recorder.session("s2"));
        }
    }

    @Test
    public void aStreamThatNeverPublishesLeavesNoRecording() throws Exception {
        Store store = new Store();
        try (RoomTaps taps = new RoomTaps(io.relaycast.sfu.room.RoomDirectory.EMPTY);
             Recorder recorder = new Recorder(config(Files.createTempDirectory("rec"), Map.of()), taps, store)) {
            recorder.start("s4");
            assertTrue(recorder.session("s4") != null, "waiting for a publisher");
            recorder.stop("s4");
            assertTrue(recorder.awaitIdle(5000));
            assertTrue(store.events.isEmpty(), store.events.toString());
        }
    }

    @Test
    public void disabledRecordsNothing() throws Exception {
        Store store = new Store();
        try (RoomTaps taps = new RoomTaps(io.relaycast.sfu.room.RoomDirectory.EMPTY);
             Recorder recorder = new Recorder(config(Files.createTempDirectory("rec"), Map.of("enabled", false)), taps,
                     store)) {
            assertNull(recorder.start("s3"));
            assertTrue(store.events.isEmpty());
        }
    }

    @Test
    public void configRefusesAFlushIntervalAboveTwoSeconds() throws Exception {
        Path dir = Files.createTempDirectory("rec");
        assertThrows(ConfigException.BadValue.class, () -> config(dir, Map.of("flush-interval", "3s")));
        assertEquals(config(dir, Map.of()).directory(), dir.resolve("recordings"));
    }
}
