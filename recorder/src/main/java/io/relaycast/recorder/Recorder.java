package io.relaycast.recorder;

import io.relaycast.sfu.tap.RoomTaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Records streams to VOD files: one {@link RecordingSession} per live stream with recording on. {@link #start} and
 * {@link #stop} are called from stream lifecycle listeners and return at once; ffmpeg work (starting, finalising)
 * runs on the recorder's own threads. Nothing here can stop a live stream: every failure ends as a recording with
 * status {@code failed}, a log line and the readiness detail ({@link #health()}).
 */
public final class Recorder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);

    private final RecordingConfig config;
    private final RoomTaps taps;
    private final RecordingStore store;
    private final ExecutorService work = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "recorder");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, RecordingSession> sessions = new ConcurrentHashMap<>();
    private final Set<String> finishing = ConcurrentHashMap.newKeySet();
    private volatile String lastError;
    private static final java.util.regex.Pattern UUIDS =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private volatile Boolean ffmpegOk;

    public Recorder(RecordingConfig config, RoomTaps taps, RecordingStore store) {
        this.config = config;
        this.taps = taps;
        this.store = store;
    }

    public RecordingConfig config() {
        return config;
    }

    /**
     * Starts recording a stream that went live; returns the recording id, or null when recording is off. The
     * recordings row appears when media does (the first ffmpeg part starts): a stream that goes live and never
     * publishes leaves no empty recording behind. A recording that cannot start at all gets a failed row at once.
     */
    public String start(String streamId) {
        if (!config.enabled()) {
            return null;
        }
        String id = UUID.randomUUID().toString();
        String problem = preflight();
        if (problem != null) {
            store.started(id, streamId, System.currentTimeMillis());
            fail(id, streamId, problem);
            return id;
        }
        RecordingSession session = new RecordingSession(id, streamId, config, taps, work, this::sessionFailed,
                () -> store.started(id, streamId, System.currentTimeMillis()));
        RecordingSession previous = sessions.put(streamId, session);
        if (previous != null) {
            finish(previous);
        }
        try {
            session.start();
            LOG.info("stream {}: recording {} started in {}", streamId, id, session.directory());
        } catch (IOException e) {
            sessions.remove(streamId, session);
            session.abort();
            store.started(id, streamId, System.currentTimeMillis());
            fail(id, streamId, "cannot start the recording: " + e.getMessage());
        }
        return id;
    }

    /** The stream ended: finalise its recording in the background. */
    public void stop(String streamId) {
        RecordingSession s = sessions.remove(streamId);
        if (s != null) {
            finish(s);
        }
    }

    private void finish(RecordingSession s) {
        // registered before the task exists: a task that finishes at once must find its entry to remove
        finishing.add(s.id());
        work.submit(TapFeed.withStream(s.streamId(), () -> {
            try {
                PartJoiner.Outcome o = s.finish();
                if (!s.hasStarted()) {
                    LOG.info("stream {}: ended without media; nothing recorded", s.streamId());
                } else if (o.ok()) {
                    store.ready(s.id(), o.file().toString(), o.format(), o.durationMs(), o.sizeBytes(),
                            o.thumbnail() == null ? null : o.thumbnail().toString(), System.currentTimeMillis());
                    LOG.info("stream {}: recording {} ready: {} ({} ms, {} bytes, {} part(s))", s.streamId(), s.id(),
                            o.file(), o.durationMs(), o.sizeBytes(), o.parts());
                } else {
                    fail(s.id(), s.streamId(), o.error());
                }
            } catch (RuntimeException e) {
                fail(s.id(), s.streamId(), "finalising failed: " + e);
            } finally {
                finishing.remove(s.id());
            }
        }));
    }

    /** A session gave up while the stream is live (ffmpeg keeps dying, disk full): the stream goes on unrecorded. */
    private void sessionFailed(RecordingSession s, String error) {
        if (sessions.remove(s.streamId(), s)) {
            work.submit(TapFeed.withStream(s.streamId(), () -> {
                s.abort();
                if (!s.hasStarted()) {
                    store.started(s.id(), s.streamId(), System.currentTimeMillis());
                }
                fail(s.id(), s.streamId(), error);
            }));
        }
    }

    private void fail(String id, String streamId, String error) {
        lastError = "recording " + id + " of stream " + streamId + " failed: " + error;
        LOG.error("RECORDING FAILED (the live stream goes on): {}", lastError);
        try {
            store.failed(id, error.length() > 990 ? error.substring(0, 990) : error, System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.error("cannot mark recording {} failed", id, e);
        }
    }

    /** Why a recording cannot start now, or null. */
    private String preflight() {
        if (!ffmpegAvailable()) {
            return "ffmpeg not found (relaycast.recording.ffmpeg = " + config.ffmpeg() + "): install ffmpeg";
        }
        try {
            Files.createDirectories(config.directory());
            long free = Files.getFileStore(config.directory()).getUsableSpace();
            if (free < config.minFreeBytes()) {
                return "disk full: " + free + " bytes free in " + config.directory() + ", at least "
                        + config.minFreeBytes() + " needed (relaycast.recording.min-free-disk)";
            }
        } catch (IOException e) {
            return "cannot use " + config.directory() + ": " + e.getMessage();
        }
        return null;
    }

    private boolean ffmpegAvailable() {
        Boolean ok = ffmpegOk;
        if (ok == null) {
            try {
                ok = Ffmpeg.run(List.of(config.ffmpeg(), "-hide_banner", "-version"), 10).ok();
            } catch (IOException e) {
                ok = false;
            }
            ffmpegOk = ok;
        }
        return ok;
    }

    /** For readiness: ok unless ffmpeg is missing; the detail names the last failure. */
    public Map<String, Object> health() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ok", !config.enabled() || ffmpegAvailable());
        m.put("enabled", config.enabled());
        m.put("recording", sessions.size());
        // readiness is unauthenticated: it names no stream or recording (ids of private streams would leak)
        m.put("lastError", lastError == null ? null : UUIDS.matcher(lastError).replaceAll("<id>"));
        return m;
    }

    /**
     * Crash recovery, once at start-up and in the background: recordings a killed server left marked
     * {@code recording} get their parts joined and become ready, or failed with the reason ({@link RecordingRecovery}).
     */
    public void recoverUnfinished() {
        String marker = "recovery";
        finishing.add(marker);
        work.submit(() -> {
            try {
                new RecordingRecovery(config, store, new PartJoiner(config)).run();
            } catch (RuntimeException e) {
                LOG.error("recovering unfinished recordings failed", e);
            } finally {
                finishing.remove(marker);
            }
        });
    }

    /** The running session of a stream (tests, debug state), or null. */
    public RecordingSession session(String streamId) {
        return sessions.get(streamId);
    }

    /** Waits until every finalisation in progress is done (tests, shutdown). */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!finishing.isEmpty()) {
            if (System.currentTimeMillis() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    public Map<String, Object> debugState() {
        Map<String, Object> m = health();
        Map<String, Object> s = new LinkedHashMap<>();
        sessions.forEach((stream, session) -> s.put(stream, session.debugState()));
        m.put("sessions", s);
        return m;
    }

    /** Shutdown: live recordings are finalised (bounded wait) so what was recorded stays playable. */
    @Override
    public void close() {
        for (String streamId : List.copyOf(sessions.keySet())) {
            stop(streamId);
        }
        try {
            awaitIdle(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        work.shutdownNow();
        try {
            work.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
