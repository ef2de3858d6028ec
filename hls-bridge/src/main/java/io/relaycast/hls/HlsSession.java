package io.relaycast.hls;

import io.relaycast.recorder.Ffmpeg;
import io.relaycast.recorder.TapFeed;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.tap.RoomTaps;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;

/**
 * HLS for one live stream: a tap on its room, ffprobe to learn the source resolution, then one ffmpeg that decodes
 * once, scales to every rendition at or below the source, encodes H.264 + AAC and writes a sliding playlist per
 * rendition plus the master playlist. ffmpeg writes each segment under a temporary name and renames it when it is
 * complete (hls_flags temp_file), and rewrites playlists by rename too, so no playlist ever lists a partial
 * segment; delete_segments removes what slid out of the window.
 */
public final class HlsSession {
    private static final Logger LOG = LoggerFactory.getLogger(HlsSession.class);
    /** Used when ffprobe cannot tell (no keyframe in time): the fake/low-end camera case. */
    private static final int DEFAULT_SOURCE_HEIGHT = 360;
    private static final int FPS = 30;

    private final String streamId;
    private final HlsConfig config;
    private final RoomTaps taps;
    private final ExecutorService work;
    private final Path dir;
    private TapFeed feed;
    private Ffmpeg.Running current;
    private boolean stopping;
    private int restarts;
    private int sourceHeight = -1;
    private List<HlsConfig.Rendition> ladder = List.of();

    HlsSession(String streamId, HlsConfig config, RoomTaps taps, ExecutorService work) {
        this.streamId = streamId;
        this.config = config;
        this.taps = taps;
        this.work = work;
        this.dir = config.directory().resolve(streamId);
    }

    public Path directory() {
        return dir;
    }

    void start() throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        feed = TapFeed.open("hls-" + streamId.substring(0, Math.min(8, streamId.length())), streamId,
                config.queuePackets(), taps, work, this::publisherChanged, this::mediaFlowing);
        feed.attach(); // only now: publisherChanged reads the feed
    }

    private void publisherChanged(PublishedTracks tracks) {
        synchronized (this) {
            if (stopping) {
                return;
            }
            if (current != null) {
                Ffmpeg.Running old = current;
                current = null;
                old.stop(3000);
            }
        }
        launch();
    }

    /**
     * The publisher's media reaches the tap: the ladder started at its installation is usually running (ask for a
     * keyframe, the encoder now answers); if it gave up waiting while the publisher connected, start it now.
     */
    private void mediaFlowing(PublishedTracks tracks) {
        synchronized (this) {
            if (stopping) {
                return;
            }
            if (current != null || launching) {
                feed.nudgeKeyframes();
                return;
            }
        }
        launch();
    }

    /** A launch (probe, then ladder) is under way: media arriving meanwhile needs no second one. */
    private volatile boolean launching;

    /** Probe (outside the lock: it takes seconds), then start the ladder. */
    private void launch() {
        launching = true;
        try {
            launchNow();
        } finally {
            launching = false;
        }
    }

    private void launchNow() {
        String sdp = feed.tap().sdp();
        if (sdp == null) {
            return;
        }
        if (feed.tap().tracks().video() == null) {
            LOG.info("stream {}: audio only, no HLS ladder", streamId);
            return;
        }
        try {
            Path sdpFile = dir.resolve("tap.sdp");
            Files.writeString(sdpFile, sdp, StandardCharsets.US_ASCII);
            if (sourceHeight < 0) {
                sourceHeight = probeHeight(sdpFile);
            }
            synchronized (this) {
                if (stopping || current != null) {
                    return;
                }
                ladder = config.ladderFor(sourceHeight);
                for (int i = 0; i < ladder.size(); i++) {
                    Files.createDirectories(dir.resolve("r" + i));
                }
                Ffmpeg.Running r = feed.launch(command(sdpFile), dir, "hls", this::ladderExited);
                current = r;
                LOG.info("stream {}: HLS ladder {} from a {}p source (ffmpeg pid {})", streamId,
                        ladder.stream().map(HlsConfig.Rendition::name).toList(), sourceHeight, r.process.pid());
            }
        } catch (IOException e) {
            LOG.error("stream {}: HLS unavailable: cannot start ffmpeg ({}): {}", streamId, config.ffmpeg(), e.getMessage());
        }
    }

    /** ffprobe reads the tap until it knows the video size (it needs a keyframe: we ask for some meanwhile). */
    private int probeHeight(Path sdpFile) {
        feed.nudgeKeyframes();
        try {
            List<String> probe = new ArrayList<>(List.of(config.ffprobe(), "-v", "error", "-select_streams", "v:0",
                    "-show_entries", "stream=height", "-of", "csv=p=0"));
            probe.addAll(TapFeed.inputArgs(sdpFile));
            probe.remove("-i"); // ffprobe takes the input as its last argument
            Ffmpeg.Result r = Ffmpeg.run(probe, 10);
            String out = r.stdout().trim();
            if (r.ok() && out.matches("\\d+")) {
                return Integer.parseInt(out);
            }
            LOG.warn("stream {}: ffprobe could not tell the source size ({}); assuming {}p", streamId,
                    r.stderrTail().isBlank() ? out : r.stderrTail(), DEFAULT_SOURCE_HEIGHT);
        } catch (IOException e) {
            LOG.warn("stream {}: ffprobe failed: {}", streamId, e.getMessage());
        }
        return DEFAULT_SOURCE_HEIGHT;
    }

    /**
     * True when the top rendition is the source itself, remuxed: an H.264 source (RTMP ingest, a WHIP or browser
     * publisher sending H.264) whose height is the top rung's or smaller. Viewers of the best rung then get the
     * encoder's own quality and profile, and the node spends no CPU on that rung; segments are cut at the source's
     * keyframes (so at its keyframe interval when that is longer than segment-seconds).
     */
    boolean copiesTopRendition() {
        var video = feed.tap().tracks().video();
        return video != null && video.primaryCodec().codec() == io.relaycast.sfu.media.ForwardedCodec.H264
                && !ladder.isEmpty() && sourceHeight > 0 && sourceHeight <= ladder.get(0).height();
    }

    List<String> command(Path sdpFile) {
        int n = ladder.size();
        int seg = config.segmentSeconds();
        boolean copy = copiesTopRendition();
        int first = copy ? 1 : 0; // the first rung the filter graph scales
        String token = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
                (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
        StringBuilder filter = new StringBuilder("[0:v]fps=" + FPS + ",split=" + Math.max(1, n - first));
        for (int i = first; i < n; i++) {
            filter.append("[s").append(i).append(']');
        }
        for (int i = first; i < n; i++) {
            // -2: width keeps the aspect ratio and stays even (H.264 4:2:0 needs even sizes)
            filter.append(";[s").append(i).append("]scale=-2:").append(ladder.get(i).height()).append("[v").append(i).append(']');
        }
        List<String> cmd = new ArrayList<>(List.of(config.ffmpeg(), "-hide_banner", "-nostdin", "-loglevel", "warning"));
        cmd.addAll(TapFeed.inputArgs(sdpFile));
        if (n > first) {
            cmd.addAll(List.of("-filter_complex", filter.toString()));
        }
        StringBuilder varMap = new StringBuilder();
        boolean audio = feed.tap().tracks().audio() != null;
        for (int i = 0; i < n; i++) {
            cmd.addAll(List.of("-map", copy && i == 0 ? "0:v" : "[v" + i + "]"));
            if (audio) {
                cmd.addAll(List.of("-map", "0:a"));
            }
            if (copy && i == 0) {
                cmd.addAll(List.of("-c:v:0", "copy"));
            } else {
                int kbps = ladder.get(i).videoKbps();
                cmd.addAll(List.of("-c:v:" + i, "libx264", "-b:v:" + i, kbps + "k", "-maxrate:v:" + i,
                        (kbps * 6 / 5) + "k", "-bufsize:v:" + i, kbps + "k"));
            }
            // no name: keys, so %v below is the index and the folders are r0 (best) ... rN
            varMap.append(i == 0 ? "" : " ").append("v:").append(i).append(audio ? ",a:" + i : "");
        }
        cmd.addAll(List.of(
                "-preset", config.preset(), "-tune", "zerolatency", "-pix_fmt", "yuv420p",
                // a keyframe at every segment boundary: segments start decodable and are cut exactly
                "-g", Integer.toString(FPS * seg), "-keyint_min", Integer.toString(FPS * seg), "-sc_threshold", "0",
                "-force_key_frames", "expr:gte(t,n_forced*" + seg + ")"));
        if (audio) {
            cmd.addAll(List.of("-c:a", "aac", "-b:a", "96k", "-ac", "2", "-ar", "48000"));
        }
        cmd.addAll(List.of("-f", "hls", "-hls_time", Integer.toString(seg),
                "-hls_list_size", Integer.toString(config.playlistSegments()),
                // temp_file: segments are written as .tmp and renamed when complete; the playlist only then names them
                "-hls_flags", "delete_segments+temp_file+independent_segments",
                "-hls_segment_type", "mpegts", "-master_pl_name", "master.m3u8",
                "-var_stream_map", varMap.toString(),
                "-hls_segment_filename", dir.resolve("r%v").resolve(token + "-%05d.ts").toString(),
                dir.resolve("r%v").resolve("index.m3u8").toString()));
        return cmd;
    }

    /** The ladder's ffmpeg ended: if we did not stop it, it crashed; start it again (up to five times). */
    private void ladderExited(Ffmpeg.Running r, int code) {
        synchronized (this) {
            if (stopping || r != current) {
                return;
            }
            current = null;
            String tail = r.tail();
            if (!feed.tap().mediaFlowing()) {
                LOG.info("stream {}: HLS ffmpeg stopped before any media; it starts again when media flows", streamId);
                return; // a timeout while the publisher connects, not a crash
            }
            restarts++;
            io.relaycast.recorder.Ffmpeg.countCrash("hls");
            if (restarts > 5) {
                LOG.error("stream {}: HLS stopped: ffmpeg died {} times; last exit {}: {}", streamId, restarts, code, tail);
                return;
            }
            LOG.warn("stream {}: HLS ffmpeg exited ({}); restarting: {}", streamId, code, tail);
        }
        work.submit(io.relaycast.recorder.TapFeed.withStream(streamId, this::launch));
    }

    /** The newest complete segment of the best rendition (for thumbnails), or null. */
    Path newestSegment() {
        Path playlist = dir.resolve("r0").resolve("index.m3u8");
        try {
            List<String> lines = Files.readAllLines(playlist);
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i).trim();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    Path seg = playlist.getParent().resolve(l);
                    return Files.isRegularFile(seg) ? seg : null;
                }
            }
        } catch (IOException e) {
            // not written yet
        }
        return null;
    }

    /** Stream ended: stop ffmpeg and the tap, remove the live files. */
    synchronized void stop() {
        stopping = true;
        if (feed != null) {
            feed.close();
        }
        if (current != null) {
            current.stop(3000);
            current = null;
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            LOG.warn("stream {}: cannot remove {}: {}", streamId, dir, e.getMessage());
        }
    }

    public synchronized ProcessHandle currentProcess() {
        return current == null ? null : current.process.toHandle();
    }

    public synchronized Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sourceHeight", sourceHeight);
        m.put("renditions", ladder.stream().map(HlsConfig.Rendition::name).toList());
        m.put("restarts", restarts);
        m.put("ffmpegPid", current == null ? null : current.process.pid());
        m.put("tap", feed == null ? null : feed.tap().debugState());
        return m;
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path x : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "HlsSession[%s]", streamId);
    }
}
