package io.relaycast.recorder;

import io.relaycast.sfu.tap.RoomTaps;
import org.testng.annotations.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

/** The shared tap + ffmpeg lifecycle of the recorder and the HLS bridge, with real sockets and real processes. */
public class TapFeedTest {

    @Test
    public void theTapGetsTwoDistinctEvenLoopbackPorts() throws Exception {
        ExecutorService work = Executors.newSingleThreadExecutor();
        try (RoomTaps taps = new RoomTaps(io.relaycast.sfu.room.RoomDirectory.EMPTY);
             TapFeed feed = TapFeed.open("t", "stream-1", 16, taps, work, t -> { }, t -> { })) {
            int audio = feed.tap().audioPort();
            int video = feed.tap().videoPort();
            assertNotEquals(audio, video);
            assertEquals(audio % 2, 0, "RTP on an even port (RFC 3550 §11)");
            assertEquals(video % 2, 0, "RTP on an even port (RFC 3550 §11)");
        } finally {
            work.shutdownNow();
        }
    }

    @Test
    public void theExitOfALaunchedProcessIsReportedWithItsCode() throws Exception {
        ExecutorService work = Executors.newSingleThreadExecutor();
        try (RoomTaps taps = new RoomTaps(io.relaycast.sfu.room.RoomDirectory.EMPTY);
             TapFeed feed = TapFeed.open("t", "stream-2", 16, taps, work, t -> { }, t -> { })) {
            CompletableFuture<Object[]> exit = new CompletableFuture<>();
            Ffmpeg.Running r = feed.launch(List.of("sh", "-c", "echo dying >&2; exit 3"), null, "exit-test",
                    (process, code) -> exit.complete(new Object[] {process, code}));
            Object[] got = exit.get(10, TimeUnit.SECONDS);
            assertSame(got[0], r, "the callback names the process that ended");
            assertEquals(got[1], 3);
            assertTrue(r.tail().contains("dying"), "stderr tail kept: " + r.tail());
        } finally {
            work.shutdownNow();
        }
    }

    @Test
    public void aStoppedProcessIsReportedToo() throws Exception {
        ExecutorService work = Executors.newSingleThreadExecutor();
        try (RoomTaps taps = new RoomTaps(io.relaycast.sfu.room.RoomDirectory.EMPTY);
             TapFeed feed = TapFeed.open("t", "stream-3", 16, taps, work, t -> { }, t -> { })) {
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            Ffmpeg.Running r = feed.launch(List.of("sleep", "30"), null, "stop-test", (p, code) -> exit.complete(code));
            r.stop(2000);
            // SIGTERM: 128 + 15 as the exit status the JVM reports for a signalled child
            assertEquals(exit.get(10, TimeUnit.SECONDS).intValue(), 143);
        } finally {
            work.shutdownNow();
        }
    }
}
