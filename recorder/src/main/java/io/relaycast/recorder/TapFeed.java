package io.relaycast.recorder;

import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.tap.RoomTaps;
import io.relaycast.sfu.tap.RtpTap;
import io.relaycast.sfu.tap.TapPorts;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;

/**
 * What the recorder and the HLS bridge share: a tap on one stream's room that sends plain RTP to a pair of loopback
 * ports, and the ffmpeg processes that read it, one at a time, each watched by a thread that reports its exit.
 *
 * <p>Publisher changes and keyframe nudges run on the owner's executor, never on the thread that installs a
 * publisher in the room (that thread belongs to signaling and must not wait for ffmpeg).
 */
public final class TapFeed implements AutoCloseable {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /**
     * When to ask the publisher for keyframes after ffmpeg starts: it binds its ports a few hundred ms after the
     * process starts, and a decoder can begin only at a keyframe, so ask until it surely listens.
     */
    private static final long[] KEYFRAME_NUDGES_MS = {300, 700, 1500, 3000};

    private final String streamId;
    private final RoomTaps taps;
    private final ExecutorService work;
    private final RtpTap tap;

    private TapFeed(String streamId, RoomTaps taps, ExecutorService work, RtpTap tap) {
        this.streamId = streamId;
        this.taps = taps;
        this.work = work;
        this.tap = tap;
    }

    /**
     * Binds the tap on two distinct even loopback ports (RTP on the even port, RFC 3550 §11). Nothing flows until
     * {@link #attach()}: the owner stores the feed first, since the callbacks (run on {@code work}) use it.
     * {@code onPublisherChange} runs when a publisher is installed (its offer answered), {@code onMediaFlowing}
     * when that publisher's media actually passes the tap (its first video packet), which can be many seconds
     * later: a reader started at installation may have given up by then (ffmpeg stops after about 10-15 s without
     * input) and the keyframes it asked for were never sent, so owners (re)start their reader and ask for a
     * keyframe when media flows.
     */
    public static TapFeed open(String name, String streamId, int queuePackets, RoomTaps taps, ExecutorService work,
                               Consumer<PublishedTracks> onPublisherChange,
                               Consumer<PublishedTracks> onMediaFlowing) throws IOException {
        int audioPort = TapPorts.evenPair(LOOPBACK);
        int videoPort;
        do {
            videoPort = TapPorts.evenPair(LOOPBACK);
        } while (videoPort == audioPort);
        RtpTap tap = new RtpTap(name, LOOPBACK, audioPort, videoPort, queuePackets);
        tap.onPublisherChange(t -> work.submit(withStream(streamId, () -> onPublisherChange.accept(t))));
        tap.onMediaFlowing(t -> work.submit(withStream(streamId, () -> onMediaFlowing.accept(t))));
        tap.onVideoSourceChanged(() -> work.submit(() -> taps.requestKeyframe(streamId)));
        return new TapFeed(streamId, taps, work, tap);
    }

    /**
     * How ffmpeg and ffprobe open a tap's SDP: the RTP sockets bind loopback only ({@code -localaddr}; ffmpeg's
     * default is every address, so anyone on the network could send to the port) and the SDP's source filter
     * ({@code a=source-filter}, RFC 4570, written by {@link io.relaycast.sfu.tap.TapSdp}) drops any packet that does
     * not come from the tap's own address: nothing but the SFU's tap reaches a recording or the HLS ladder.
     */
    public static List<String> inputArgs(Path sdpFile) {
        return List.of("-protocol_whitelist", "file,udp,rtp", "-localaddr", LOOPBACK.getHostAddress(),
                "-i", sdpFile.toString());
    }

    /**
     * Sends each of {@code layers} simulcast layers to a port pair of its own (see {@link RtpTap#splitLayers});
     * 0 goes back to one layer on the video port. The tap's SDP then has one video m-line per layer, lowest first.
     */
    public void splitLayers(int layers) throws IOException {
        if (layers == 0) {
            tap.splitLayers(null);
            return;
        }
        int[] ports = new int[layers];
        for (int i = 0; i < layers; i++) {
            int p;
            boolean clash;
            do {
                p = TapPorts.evenPair(LOOPBACK);
                clash = p == tap.audioPort() || p == tap.videoPort();
                for (int j = 0; j < i; j++) {
                    clash |= ports[j] == p;
                }
            } while (clash);
            ports[i] = p;
        }
        tap.splitLayers(ports);
    }

    /** Attaches the tap to the stream's room, now and whenever the room changes. */
    public void attach() {
        taps.attach(streamId, tap);
    }

    public RtpTap tap() {
        return tap;
    }

    /**
     * A remuxed rendition had to start a segment without a keyframe: a WebRTC publisher sends keyframes only when
     * asked, and a player joining needs one to start, so ask, at most once a second (the room throttles it with the
     * viewers' requests too). An RTMP encoder keeps its own GOP.
     */
    public void requestKeyframeAtMostEverySecond() {
        long now = System.nanoTime();
        if (now - lastKeyframeAsk > 1_000_000_000L) {
            lastKeyframeAsk = now;
            taps.requestKeyframe(streamId);
        }
    }

    private volatile long lastKeyframeAsk = System.nanoTime() - 2_000_000_000L;

    /** Asks the publisher for a keyframe a few times over the next 1.5 s, off the caller's thread. */
    public void nudgeKeyframes() {
        work.submit(() -> {
            for (long wait : KEYFRAME_NUDGES_MS) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
                taps.requestKeyframe(streamId);
            }
        });
    }

    /**
     * Starts ffmpeg and a daemon thread that calls {@code onExit(process, exitCode)} when it ends, whoever ended it
     * (the owner tells its own stops from crashes). Keyframes are asked for, so the new reader can start decoding.
     */
    public Ffmpeg.Running launch(List<String> command, Path workDir, String name,
                                 ObjIntConsumer<Ffmpeg.Running> onExit) throws IOException {
        Ffmpeg.Running r = Ffmpeg.start(command, workDir, name);
        Thread monitor = new Thread(() -> {
            org.slf4j.MDC.put("streamId", streamId); // this thread serves this stream only, for its whole life
            try {
                onExit.accept(r, r.process.waitFor());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name + "-monitor");
        monitor.setDaemon(true);
        monitor.start();
        nudgeKeyframes();
        return r;
    }

    /** {@code task} with {@code streamId} in the logging MDC while it runs (the pool's threads serve every stream). */
    public static Runnable withStream(String streamId, Runnable task) {
        return () -> {
            org.slf4j.MDC.put("streamId", streamId);
            try {
                task.run();
            } finally {
                org.slf4j.MDC.remove("streamId");
            }
        };
    }

    /** Detaches from the room and closes the tap's sockets; ffmpeg processes are their owner's to stop. */
    @Override
    public void close() {
        taps.detach(tap);
        tap.close();
    }
}
