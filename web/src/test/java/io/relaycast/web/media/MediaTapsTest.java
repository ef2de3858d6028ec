package io.relaycast.web.media;

import io.relaycast.hls.HlsBridge;
import io.relaycast.hls.HlsConfig;
import io.relaycast.hls.HlsSession;
import io.relaycast.sfu.room.RoomDirectory;
import io.relaycast.sfu.tap.RoomTaps;
import io.relaycast.signaling.stream.ChatMode;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamStatus;
import io.relaycast.signaling.stream.Visibility;
import org.testng.annotations.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertSame;

/**
 * A stream going live and its publisher attaching are told on different threads at about the same moment (a
 * studio's publish does both). Each used to start HLS when it saw none, so one stream could get two sessions, the
 * second replacing the first, and the first's cleanup removing the second's files (decision 291b).
 */
public class MediaTapsTest {

    private static Stream live(String id) {
        long now = System.currentTimeMillis();
        return new Stream(id, "owner", "t", null, null, List.of(), "auto", Visibility.PUBLIC, StreamStatus.LIVE, null, now,
                null, null, false, true, true, ChatMode.OPEN, 0, 0, 0, now, now);
    }

    @Test
    public void goingLiveAndAPublisherAttachingAtOnceStartOneHlsSession() throws Exception {
        Path dir = Files.createTempDirectory("media-taps");
        HlsConfig config = new HlsConfig(true, "ffmpeg", "ffprobe", dir.resolve("hls"),
                List.of(new HlsConfig.Rendition("180p", 180, 300)), 1, 6, "ultrafast", 64, Duration.ofSeconds(30),
                Duration.ofMillis(334), Duration.ofSeconds(3), true);
        RoomTaps taps = new RoomTaps(RoomDirectory.EMPTY);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (HlsBridge hls = new HlsBridge(config, taps, dir.resolve("thumbs"))) {
            MediaTaps media = MediaTaps.of(taps, null, hls);
            for (int i = 0; i < 60; i++) {
                Stream s = live("stream-" + i);
                CyclicBarrier together = new CyclicBarrier(2);
                Future<HlsSession> started = pool.submit(() -> {
                    together.await(5, TimeUnit.SECONDS);
                    media.onStarted(s);
                    return hls.session(s.id());
                });
                Future<HlsSession> attached = pool.submit(() -> {
                    together.await(5, TimeUnit.SECONDS);
                    media.onPublisherAttached(s);
                    return hls.session(s.id());
                });
                HlsSession a = started.get(10, TimeUnit.SECONDS);
                HlsSession b = attached.get(10, TimeUnit.SECONDS);
                HlsSession now = hls.session(s.id());
                assertSame(a, now, "round " + i + ": going live saw the stream's one session");
                assertSame(b, now, "round " + i + ": the publisher attaching saw the same one, not a replaced one");
                media.onEnded(s);
            }
            assertEquals(hls.sessionsStarted(), 60L, "one session per stream, none replaced");
        } finally {
            pool.shutdownNow();
            taps.close();
        }
    }
}
