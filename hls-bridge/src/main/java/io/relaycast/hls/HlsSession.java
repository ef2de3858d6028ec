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
 * HLS for one live stream: a tap on its room, ffprobe to learn the source resolution, then one ffmpeg that writes a
 * fragmented MP4 per rendition (the source remuxed where it can be, else decoded once, scaled and encoded; see
 * {@link LadderCommand}) into a named pipe per rendition, where a {@link RenditionPackager} cuts parts and segments
 * and a {@link PartTracker} keeps the Low-Latency HLS playlist (RFC 8216bis), served from memory. The master
 * playlist is a file, written once every rendition has a complete segment.
 */
public final class HlsSession {
    private static final Logger LOG = LoggerFactory.getLogger(HlsSession.class);

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
    private boolean[] copied = new boolean[0];
    /** The remuxed simulcast ladder, or null when the ladder is encoded (written by the launching thread). */
    private volatile SimulcastLadder simulcast;
    /** Names every file of this session (a new session of the same stream never serves an old session's file). */
    private final String token = HexFormat.of().formatHex(new byte[] {(byte) ThreadLocalRandom.current().nextInt(),
            (byte) ThreadLocalRandom.current().nextInt(), (byte) ThreadLocalRandom.current().nextInt()});
    private PartTracker[] trackers;
    private volatile RenditionPackager[] packagers;
    private final PackagerThreads readers = new PackagerThreads();
    private int generation;
    private boolean masterWritten;

    HlsSession(String streamId, HlsConfig config, RoomTaps taps, ExecutorService work) {
        this.streamId = streamId;
        this.config = config;
        this.taps = taps;
        this.work = work;
        // a folder of its own under the stream's: a replaced session's cleanup never deletes its successor's files
        this.dir = config.directory().resolve(streamId).resolve(token);
    }

    public Path directory() {
        return dir;
    }

    void start() throws IOException {
        try {
            HlsFiles.deleteTree(dir.getParent()); // what a killed node, or a replaced session, left of this stream
        } catch (IOException e) {
            LOG.warn("stream {}: cannot remove the old HLS files in {}: {}", streamId, dir.getParent(), e.getMessage());
        }
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
            if (ladder.isEmpty() && SimulcastLadder.layers(config, tracks) > 0) {
                splitEarly(tracks);
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
     * An H.264 simulcast publisher: its layers go to their own ports from its first packet, so media flows (and the
     * ladder starts) with whichever layer comes first, not after the single-layer tap's wait for the top one.
     */
    private void splitEarly(PublishedTracks tracks) {
        try {
            feed.splitLayers(SimulcastLadder.layers(config, tracks));
        } catch (IOException e) {
            LOG.warn("stream {}: cannot split the simulcast layers yet: {}", streamId, e.getMessage());
        }
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
            if (current != null) {
                feed.nudgeKeyframes();
                return;
            }
        }
        launch();
    }

    /** Held by the one launch under way (the pool may run a publisher change, media flowing and a restart at once). */
    private final Object launchLock = new Object();

    /**
     * Probe (outside the session's monitor: it takes seconds), then start the ladder; nothing before the publisher's
     * media passes the tap. A simulcast tap waits for the top layer (up to 10 s) before it passes anything, and a
     * probe started at the publisher's installation read nothing and guessed 360p for a 720p studio.
     */
    private void launch() {
        synchronized (launchLock) {
            synchronized (this) {
                if (stopping || current != null || !feed.tap().mediaFlowing()) {
                    return; // running, or mediaFlowing launches it
                }
            }
            launchNow();
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
            int layers = SimulcastLadder.layers(config, feed.tap().tracks());
            if (ladder.isEmpty() && layers > 0) {
                simulcast = SimulcastLadder.probe(config, feed, sdpFile, layers, streamId);
                if (simulcast != null) {
                    sourceHeight = simulcast.renditions().get(0).height();
                }
            } else if (simulcast != null && layers != simulcast.videoMaps().length) {
                // a later publisher without the same layers: the same rungs, encoded from one layer
                feed.splitLayers(0);
                simulcast = null;
            }
            Files.writeString(sdpFile, feed.tap().sdp(), StandardCharsets.US_ASCII);
            if (sourceHeight < 0) {
                sourceHeight = SourceProbe.height(config, feed, sdpFile, streamId);
            }
            awaitOldPackagers();
            synchronized (this) {
                if (stopping || current != null) {
                    return;
                }
                if (ladder.isEmpty()) { // fixed for the session: players keep their rendition URIs across publishers
                    ladder = simulcast != null ? simulcast.renditions() : config.ladderFor(sourceHeight);
                }
                copied = copied();
                prepareRenditions();
                Ffmpeg.Running r = feed.launch(command(sdpFile), dir, "hls", this::ladderExited);
                current = r;
                LOG.info("stream {}: HLS ladder {} from a {}p source (ffmpeg pid {})", streamId,
                        ladder.stream().map(HlsConfig.Rendition::name).toList(), sourceHeight, r.process.pid());
            }
        } catch (IOException e) {
            LOG.error("stream {}: HLS unavailable: cannot start ffmpeg ({}): {}", streamId, config.ffmpeg(), e.getMessage());
        }
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

    /** Which rungs are the source remuxed rather than encoded: all of a simulcast ladder, else maybe the top. */
    boolean[] copied() {
        boolean[] copy = new boolean[ladder.size()];
        if (simulcast != null) {
            java.util.Arrays.fill(copy, true);
        } else {
            copy[0] = copiesTopRendition();
        }
        return copy;
    }

    List<String> command(Path sdpFile) {
        List<Path> fifos = new ArrayList<>();
        for (int i = 0; i < ladder.size(); i++) {
            fifos.add(dir.resolve("r" + i).resolve("media.fifo"));
        }
        return LadderCommand.build(config, ladder, copied(), simulcast == null ? null : simulcast.videoMaps(), sdpFile,
                feed.tap().tracks().audio() != null, fifos);
    }

    /**
     * The previous ffmpeg's readers finish its last segment before new ones start (they reach end of file once it
     * is gone). Not under the session's monitor: a finishing reader may need it.
     */
    private void awaitOldPackagers() throws IOException {
        List<Thread> old;
        synchronized (this) {
            unblockPackagers();
            old = readers.takeAll();
        }
        PackagerThreads.join(old, 3000);
    }

    /** One tracker per rung, made once: a restarted ffmpeg continues the same playlists after a discontinuity. */
    private void prepareRenditions() throws IOException {
        if (trackers == null) {
            trackers = new PartTracker[ladder.size()];
            for (int i = 0; i < trackers.length; i++) {
                trackers[i] = new PartTracker(config.segmentSeconds(), config.partTarget().toMillis() / 1000.0,
                        config.playlistSegments(), config.blockingReloadTimeout().toMillis(), work,
                        seq -> RenditionPackager.partName(token, seq));
            }
        }
        generation++;
        masterWritten = false;
        packagers = new RenditionPackager[ladder.size()];
        for (int i = 0; i < packagers.length; i++) {
            Path r = dir.resolve("r" + i);
            Files.createDirectories(r);
            RenditionPackager p = new RenditionPackager(streamId, r, token, generation, trackers[i], this::segmentDone,
                    () -> feed.requestKeyframeAtMostEverySecond());
            p.makeFifo();
            packagers[i] = p;
            readers.start(p, "hls-pack-" + streamId.substring(0, Math.min(8, streamId.length())) + "-r" + i);
        }
    }

    /** A rendition completed a segment: once all have one, the master playlist is written (by rename). */
    private void segmentDone() {
        RenditionPackager[] ps;
        boolean audio;
        boolean[] copy;
        List<HlsConfig.Rendition> rungs;
        synchronized (this) {
            ps = packagers;
            copy = copied;
            rungs = ladder;
            if (masterWritten || ps == null || stopping) {
                return;
            }
            if (!MasterPlaylist.ready(ps)) {
                return;
            }
            masterWritten = true;
            audio = feed.tap().tracks() != null && feed.tap().tracks().audio() != null;
        }
        try {
            MasterPlaylist.write(dir.resolve("master.m3u8"), ps, copy, rungs, audio);
        } catch (IOException e) {
            LOG.warn("stream {}: cannot write the HLS master playlist: {}", streamId, e.getMessage());
        }
    }

    /** The media playlist state of rendition {@code i}, or null. */
    public synchronized PartTracker rendition(int i) {
        return trackers == null || i < 0 || i >= trackers.length ? null : trackers[i];
    }

    private void unblockPackagers() {
        RenditionPackager[] ps = packagers;
        if (ps != null) {
            for (RenditionPackager p : ps) {
                p.unblock();
            }
        }
    }

    /** The ladder's ffmpeg ended: if we did not stop it, it crashed; start it again (up to five times). */
    private void ladderExited(Ffmpeg.Running r, int code) {
        synchronized (this) {
            if (stopping || r != current) {
                return;
            }
            current = null;
            unblockPackagers();
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

    /** The newest complete segment of the best rendition as an ffmpeg input (thumbnails), or null. */
    String newestSegmentInput() {
        return HlsFiles.segmentInput(dir.resolve("r0"), rendition(0));
    }

    /** Stream ended: stop ffmpeg and the tap, remove the live files. */
    void stop() {
        List<Thread> running;
        synchronized (this) {
            stopping = true;
            if (feed != null) {
                feed.close();
            }
            if (trackers != null) {
                for (PartTracker t : trackers) {
                    t.end(); // waiting players get their answer (404) now; the packagers write nothing more
                }
            }
            if (current != null) {
                current.stop(3000);
                current = null;
            }
            unblockPackagers();
            running = readers.takeAll();
        }
        try { // they drain what ffmpeg left in the pipe, writing nothing, and end
            PackagerThreads.join(running, 2000);
        } catch (IOException e) {
            Thread.currentThread().interrupt();
        }
        try {
            HlsFiles.deleteTree(dir);
            Files.deleteIfExists(dir.getParent()); // the stream's folder, unless a newer session of it lives there
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // a newer session's folder is in it
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
        m.put("copied", java.util.Arrays.toString(copied));
        m.put("ffmpegPid", current == null ? null : current.process.pid());
        m.put("tap", feed == null ? null : feed.tap().debugState());
        return m;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "HlsSession[%s]", streamId);
    }
}
