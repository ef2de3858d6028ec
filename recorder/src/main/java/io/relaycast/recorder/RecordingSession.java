package io.relaycast.recorder;

import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.tap.RoomTaps;
import io.relaycast.sfu.tap.TapSdp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.BiConsumer;

/**
 * One recording: a tap on the stream's room feeding ffmpeg, which copies the RTP (no transcoding) into Matroska
 * parts. Matroska is written as it goes: with a cluster closed every flush interval and each packet flushed, a
 * crash (of ffmpeg or of the whole node) leaves a file playable up to its last cluster. When ffmpeg dies while the
 * stream is live a new part starts at once (same ports, a keyframe asked for); at the end the parts are joined by
 * ffmpeg's concat demuxer into one seekable MP4 (H.264) or WebM (VP8/VP9) with a JPEG thumbnail.
 */
public final class RecordingSession {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingSession.class);

    private final String id;
    private final String streamId;
    private final RecordingConfig config;
    private final RoomTaps taps;
    private final ExecutorService work;
    private final BiConsumer<RecordingSession, String> onFailure;
    private final Runnable onFirstPart;
    private volatile boolean started;
    private final Path dir;
    private final List<Path> parts = new ArrayList<>();
    private final List<Long> partStartedAt = new ArrayList<>();
    private TapFeed feed;
    private Ffmpeg.Running current;
    private boolean stopping;
    private int restarts;
    private String videoCodec = "";

    RecordingSession(String id, String streamId, RecordingConfig config, RoomTaps taps, ExecutorService work,
                     BiConsumer<RecordingSession, String> onFailure, Runnable onFirstPart) {
        this.id = id;
        this.streamId = streamId;
        this.config = config;
        this.taps = taps;
        this.work = work;
        this.onFailure = onFailure;
        this.onFirstPart = onFirstPart;
        this.dir = config.directory().resolve(id);
    }

    public String id() {
        return id;
    }

    public String streamId() {
        return streamId;
    }

    public Path directory() {
        return dir;
    }

    void start() throws IOException {
        Files.createDirectories(dir);
        feed = TapFeed.open("rec-" + id.substring(0, 8), streamId, config.queuePackets(), taps, work,
                this::publisherChanged, this::mediaFlowing);
        feed.attach(); // only now: publisherChanged reads the feed
    }

    /** The first publisher, or a new one (reconnect: new SSRCs and maybe codecs): a new part. */
    private synchronized void publisherChanged(PublishedTracks tracks) {
        if (stopping) {
            return;
        }
        if (current != null) {
            Ffmpeg.Running old = current;
            current = null; // its exit is expected, not a crash
            old.stop(5000);
        }
        startPart();
    }

    /**
     * The publisher's media reaches the tap. The part started at its installation is usually listening: the encoder
     * now runs, so ask for a keyframe to start the file. If that ffmpeg gave up while the publisher was still
     * connecting, start the part now.
     */
    private synchronized void mediaFlowing(PublishedTracks tracks) {
        if (stopping) {
            return;
        }
        if (current == null) {
            startPart(); // asks for keyframes itself
        } else {
            feed.nudgeKeyframes();
        }
    }

    private synchronized void startPart() {
        String sdp = feed.tap().sdp();
        if (sdp == null) {
            return;
        }
        videoCodec = TapSdp.videoCodec(feed.tap().tracks());
        int n = parts.size();
        Path sdpFile = dir.resolve("part-" + n + ".sdp");
        Path out = dir.resolve("part-" + n + ".mkv");
        try {
            Files.writeString(sdpFile, sdp, StandardCharsets.US_ASCII);
            List<String> cmd = new ArrayList<>(List.of(config.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning"));
            cmd.addAll(TapFeed.inputArgs(sdpFile));
            cmd.addAll(List.of("-map", "0", "-c", "copy", "-f", "matroska",
                    "-cluster_time_limit", Long.toString(config.flushInterval().toMillis()),
                    "-flush_packets", "1", "-y", out.toString()));
            Ffmpeg.Running r = feed.launch(cmd, dir, "rec-" + n, this::partExited);
            if (!started) {
                started = true;
                onFirstPart.run();
            }
            current = r;
            parts.add(out);
            partStartedAt.add(System.currentTimeMillis());
            LOG.info("stream {}: recording {} part {} (ffmpeg pid {})", streamId, id, n, r.process.pid());
        } catch (IOException e) {
            failLive("cannot start ffmpeg (" + config.ffmpeg() + "): " + e.getMessage());
        }
    }

    /** An ffmpeg ended: if we did not stop it, it crashed, and the recording goes on in a new part. */
    private synchronized void partExited(Ffmpeg.Running r, int code) {
        if (stopping || r != current) {
            return; // we stopped it
        }
        current = null;
        String tail = r.tail();
        if (!feed.tap().mediaFlowing()) {
            // no media yet (the publisher is still connecting): ffmpeg timed out waiting, which is no crash; the
            // part starts again when media flows
            LOG.info("stream {}: recording {}: ffmpeg stopped before any media ({}); waiting for the publisher's media",
                    streamId, id, PartJoiner.lastLine(tail));
            return;
        }
        if (tail.contains("No space left on device")) {
            failLive("disk full while recording: " + PartJoiner.lastLine(tail));
            return;
        }
        restarts++;
        Ffmpeg.countCrash("recording");
        if (restarts > config.maxRestarts()) {
            failLive("ffmpeg died " + restarts + " times; last exit " + code + ": " + PartJoiner.lastLine(tail));
            return;
        }
        LOG.warn("stream {}: recording {}: ffmpeg exited ({}) mid-stream; restarting into part {}: {}", streamId,
                id, code, parts.size(), PartJoiner.lastLine(tail));
        startPart();
    }

    private void failLive(String error) {
        stopping = true;
        onFailure.accept(this, error);
    }

    /** Stops everything without finalising (the recording failed). */
    synchronized void abort() {
        stopping = true;
        release();
    }

    private void release() {
        if (feed != null) {
            feed.close();
        }
        if (current != null) {
            current.stop(5000);
            current = null;
        }
    }

    /** The stream ended: stop ffmpeg (it writes its trailer), join the parts, make the thumbnail. */
    PartJoiner.Outcome finish() {
        List<Path> written;
        synchronized (this) {
            stopping = true;
            release();
            written = List.copyOf(parts);
        }
        String format = switch (videoCodec) {
            case "vp8", "vp9", "av1", "" -> "webm";
            default -> "mp4";
        };
        return new PartJoiner(config).join(dir, written, format);
    }

    /** True once media arrived and the first part started (the recordings row exists). */
    public boolean hasStarted() {
        return started;
    }

    /** The ffmpeg process of the current part (tests kill it), or null. */
    public synchronized ProcessHandle currentProcess() {
        return current == null ? null : current.process.toHandle();
    }

    public synchronized int partCount() {
        return parts.size();
    }

    /** Wall-clock start of each part's ffmpeg. */
    public synchronized List<Long> partStartTimes() {
        return List.copyOf(partStartedAt);
    }

    public synchronized Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("parts", parts.size());
        m.put("restarts", restarts);
        m.put("ffmpegPid", current == null ? null : current.process.pid());
        m.put("tap", feed == null ? null : feed.tap().debugState());
        return m;
    }
}
