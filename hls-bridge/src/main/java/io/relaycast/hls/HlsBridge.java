package io.relaycast.hls;

import io.relaycast.recorder.Ffmpeg;
import io.relaycast.sfu.tap.RoomTaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * HLS for every live stream of this node (one {@link HlsSession} each, started when the stream goes live, whether
 * or not anyone watches over HLS yet: a cold start would cost an HLS viewer the probe plus three segments), and the
 * directory's live thumbnails, cut from the newest segment of each stream every
 * {@link HlsConfig#thumbnailInterval()} (and as soon as the first segment exists).
 */
public final class HlsBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HlsBridge.class);
    private static final long THUMB_CHECK_MILLIS = 2000;

    private final HlsConfig config;
    private final RoomTaps taps;
    private final Path thumbnails;
    private final ExecutorService work = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hls-bridge");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hls-thumbnails");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, HlsSession> sessions = new ConcurrentHashMap<>();
    private final Map<String, Long> thumbnailAt = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong sessionsStarted = new java.util.concurrent.atomic.AtomicLong();

    /** @param thumbnails folder of the live thumbnails ({@code <streamId>.jpg}) */
    public HlsBridge(HlsConfig config, RoomTaps taps, Path thumbnails) {
        this.config = config;
        this.taps = taps;
        this.thumbnails = thumbnails;
        if (config.enabled()) {
            timer.scheduleWithFixedDelay(this::refreshThumbnails, THUMB_CHECK_MILLIS, THUMB_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    public HlsConfig config() {
        return config;
    }

    public Path thumbnailsDirectory() {
        return thumbnails;
    }

    /** A stream went live. */
    public void start(String streamId) {
        if (!config.enabled()) {
            return;
        }
        HlsSession s = new HlsSession(streamId, config, taps, work);
        sessionsStarted.incrementAndGet();
        HlsSession previous = sessions.put(streamId, s);
        if (previous != null) {
            work.submit(io.relaycast.recorder.TapFeed.withStream(streamId, previous::stop));
        }
        try {
            s.start();
        } catch (IOException e) {
            sessions.remove(streamId, s);
            s.stop();
            LOG.error("stream {}: HLS unavailable: {}", streamId, e.getMessage());
        }
    }

    /** The stream ended: its playlists and segments go (its last thumbnail stays for the directory). */
    public void stop(String streamId) {
        HlsSession s = sessions.remove(streamId);
        thumbnailAt.remove(streamId);
        if (s != null) {
            work.submit(io.relaycast.recorder.TapFeed.withStream(streamId, s::stop));
        }
    }

    /** The live folder of a stream (its master.m3u8 and r0..rN), or null when it has no HLS session. */
    public Path directory(String streamId) {
        HlsSession s = sessions.get(streamId);
        return s == null ? null : s.directory();
    }

    /** Sessions started since this bridge was made (a stream replacing its own session counts twice). */
    public long sessionsStarted() {
        return sessionsStarted.get();
    }

    public HlsSession session(String streamId) {
        return sessions.get(streamId);
    }

    /** The LL-HLS playlist state of a stream's rendition {@code r0..rN}, or null when there is none. */
    public PartTracker playlist(String streamId, int rendition) {
        HlsSession s = sessions.get(streamId);
        return s == null ? null : s.rendition(rendition);
    }

    private void refreshThumbnails() {
        long now = System.currentTimeMillis();
        sessions.forEach((streamId, s) -> {
            Long last = thumbnailAt.get(streamId);
            if (last != null && now - last < config.thumbnailInterval().toMillis()) {
                return;
            }
            String seg = s.newestSegmentInput();
            if (seg == null) {
                return;
            }
            try {
                Files.createDirectories(thumbnails);
                Path tmp = thumbnails.resolve(streamId + ".tmp.jpg");
                // the first frame of a segment of r0 is a keyframe unless its source's keyframes are rarer than segments
                Ffmpeg.Result r = Ffmpeg.run(List.of(config.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "error",
                        "-y", "-i", seg, "-frames:v", "1", "-vf", "scale=-2:'min(360,ih)'", "-q:v", "5",
                        tmp.toString()), 20);
                if (r.ok() && Files.size(tmp) > 0) {
                    // rename: the directory never fetches a half-written JPEG
                    Files.move(tmp, thumbnails.resolve(streamId + ".jpg"), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                    thumbnailAt.put(streamId, now);
                } else {
                    LOG.debug("stream {}: thumbnail failed: {}", streamId, r.stderrTail());
                }
            } catch (IOException e) {
                LOG.debug("stream {}: thumbnail failed: {}", streamId, e.getMessage());
            }
        });
    }

    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", config.enabled());
        m.put("sessionsStarted", sessionsStarted.get());
        Map<String, Object> s = new LinkedHashMap<>();
        sessions.forEach((id, session) -> s.put(id, session.debugState()));
        m.put("sessions", s);
        return m;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (HlsSession s : List.copyOf(sessions.values())) {
            s.stop();
        }
        sessions.clear();
        work.shutdownNow();
    }
}
