package io.relaycast.sfu.tap;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.room.MediaPacket;
import io.relaycast.sfu.room.PacketSink;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.SenderReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A room sink that hands the publisher's decrypted RTP (audio and one video layer) to a local media tool as plain
 * RTP over UDP on loopback, described by {@link #sdp()} (e.g. {@code ffmpeg -protocol_whitelist file,udp,rtp -i
 * tap.sdp}). Sender reports go to each port + 1 (RTCP), which is what lets the tool line audio up with video.
 *
 * <p>The receive thread only copies the packet into a free pre-allocated slot and queues it; one sender thread does
 * the socket writes. When the consumer (or the loopback socket) is slower than the publisher the slot pool runs
 * dry and packets are dropped and counted: the viewers on the same fan-out never wait for a tap.
 */
public final class RtpTap implements PacketSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtpTap.class);
    /** Larger than any SRTP-decrypted packet from a browser (MTU ~1200-1500). */
    static final int SLOT_BYTES = 1600;
    /** A video layer silent this long is given up for another one (simulcast layer paused by the publisher). */
    private static final long LAYER_SILENCE_MILLIS = 2000;
    /**
     * Simulcast: how long the tap waits for the top layer before it takes a lower one. Browsers start
     * with the lower layers while their bandwidth estimate grows; taking the first layer seen put 320x180 into the
     * HLS ladder and the recording of a 720p publisher.
     */
    private static final long TOP_LAYER_WAIT_MILLIS = 10_000;

    private final String name;
    private final InetAddress host;
    private final int audioPort;
    private final int videoPort;
    private final ArrayBlockingQueue<Slot> free;
    private final ArrayBlockingQueue<Slot> filled;
    private final DatagramSocket socket;
    private final Thread sender;
    private final LongAdder queued = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    private final byte[] rtcp = new byte[64];
    private final ReportBlock[] noBlocks = new ReportBlock[0];
    private volatile PublishedTracks tracks;
    private volatile Consumer<PublishedTracks> publisherListener = t -> { };
    private volatile Consumer<PublishedTracks> mediaListener = t -> { };
    private volatile Runnable videoSourceListener = () -> { };
    /** Set by each new publisher, cleared by its first video packet (first packet when it sends no video). */
    private volatile boolean awaitingMedia;
    private volatile boolean closed;
    // receive thread only
    private long videoSsrc = -1;
    private long videoSsrcLastMillis;
    /**
     * Simulcast split (the HLS ladder remuxes each layer): the port of each layer's video, by
     * {@link MediaPacket#layer()} (0 = lowest); null: one layer, on {@link #videoPort}.
     */
    private volatile int[] layerPorts;
    /** The SSRC last seen on each layer (receive thread), to route that layer's sender reports. */
    private final long[] layerSsrcs = {-1, -1, -1, -1};
    /** When this publisher's first simulcast video packet came (-1: none yet). */
    private long firstLayerPacketMillis = -1;

    /**
     * @param audioPort even UDP port the consumer reads audio RTP on (RTCP on +1)
     * @param videoPort even UDP port the consumer reads video RTP on (RTCP on +1)
     * @param capacity  packets that may wait for the sender thread (about 2 s of a 2 Mbit/s stream at 1024)
     */
    public RtpTap(String name, InetAddress host, int audioPort, int videoPort, int capacity) throws IOException {
        this(name, host, audioPort, videoPort, capacity, r -> new Thread(r, "rtp-tap-" + name));
    }

    /** @param senderThreads makes the one sender thread (tests hold it back to play a stalled consumer) */
    public RtpTap(String name, InetAddress host, int audioPort, int videoPort, int capacity,
                  java.util.concurrent.ThreadFactory senderThreads) throws IOException {
        this.name = name;
        this.host = host;
        this.audioPort = audioPort;
        this.videoPort = videoPort;
        this.free = new ArrayBlockingQueue<>(capacity);
        this.filled = new ArrayBlockingQueue<>(capacity);
        for (int i = 0; i < capacity; i++) {
            free.add(new Slot());
        }
        this.socket = new DatagramSocket(new InetSocketAddress(host, 0));
        this.sender = senderThreads.newThread(this::sendLoop);
        sender.setDaemon(true);
        sender.start();
    }

    /** Told (on a signaling thread) when a new publisher's tracks are known, e.g. to rewrite the SDP. */
    public void onPublisherChange(Consumer<PublishedTracks> listener) {
        this.publisherListener = listener;
    }

    /**
     * Told (on the publisher's receive thread: hand the work elsewhere) when a new publisher's media actually
     * flows: its first video packet, or its first packet when it sends no video. A publisher is installed when
     * its offer is answered, seconds before ICE and DTLS let any media through; a reader started then waits for
     * nothing and its keyframe requests go unanswered.
     */
    public void onMediaFlowing(Consumer<PublishedTracks> listener) {
        this.mediaListener = listener;
    }

    /**
     * Told (on the publisher's receive thread: hand the work elsewhere) when the video the tool gets comes from a new
     * source: the tap took a simulcast layer, or a split layer's SSRC changed. The tool joins that source mid-GOP and
     * can decode nothing until its next keyframe, which a WebRTC encoder sends only when asked: ask for one. Without
     * it, a tap that took the top layer several seconds after the reader started fed it only delta frames (ffprobe
     * reported a height of 0 and ffmpeg "Keyframe missing").
     */
    public void onVideoSourceChanged(Runnable listener) {
        this.videoSourceListener = listener;
    }

    /** True once the current publisher's media flows (see {@link #onMediaFlowing}). */
    public boolean mediaFlowing() {
        return tracks != null && !awaitingMedia;
    }

    public PublishedTracks tracks() {
        return tracks;
    }

    public int audioPort() {
        return audioPort;
    }

    public int videoPort() {
        return videoPort;
    }

    /** The SDP describing what this tap sends, or null before a publisher is known. */
    public String sdp() {
        PublishedTracks t = tracks;
        int[] layers = layerPorts;
        return t == null ? null : layers == null ? TapSdp.describe(t, host.getHostAddress(), audioPort, videoPort)
                : TapSdp.describe(t, host.getHostAddress(), audioPort, layers);
    }

    /**
     * Sends every simulcast layer (up to four) to a port of its own, {@code ports[layer]} (RTCP on +1), described
     * by {@link #sdp()} as one video m-line per layer, lowest first, so one reader gets every layer on one clock
     * (sender reports of one session); null: back to one layer on the video port. For the HLS bridge, which
     * remuxes each layer into a rendition instead of encoding renditions.
     */
    public void splitLayers(int[] ports) {
        if (ports != null && (ports.length == 0 || ports.length > layerSsrcs.length)) {
            throw new IllegalArgumentException("1-" + layerSsrcs.length + " layers, not " + ports.length);
        }
        layerPorts = ports == null ? null : ports.clone();
    }

    // ---- PacketSink: the publisher's receive thread ----

    @Override
    public void onPublisher(PublishedTracks tracks) {
        this.tracks = tracks;
        videoSsrc = -1;
        firstLayerPacketMillis = -1;
        awaitingMedia = true;
        try {
            publisherListener.accept(tracks);
        } catch (RuntimeException e) {
            LOG.warn("tap {}: publisher listener failed", name, e);
        }
    }

    @Override
    public boolean wants(MediaPacket packet) {
        if (closed) {
            return false;
        }
        PublishedTracks t = tracks;
        if (t == null) {
            return false;
        }
        PublishedTrack track = packet.kind() == MediaKind.AUDIO ? t.audio() : t.video();
        // only the primary codec: that is what the SDP describes (RTX and FEC payload types are not for the tool)
        return track != null && packet.header().payloadType() == track.primaryCodec().payloadType();
    }

    @Override
    public void send(MediaPacket packet) {
        int port = audioPort;
        if (packet.kind() == MediaKind.VIDEO) {
            int[] layers = layerPorts;
            int layer = packet.layer();
            if (layers == null) {
                if (!oneVideoLayer(packet)) {
                    return;
                }
                port = videoPort;
            } else if (layer >= 0 && layer < layers.length) {
                long ssrc = packet.header().ssrc();
                if (layerSsrcs[layer] != ssrc) {
                    layerSsrcs[layer] = ssrc;
                    videoSourceChanged();
                }
                port = layers[layer];
            } else {
                return; // not a layer of the split
            }
        }
        if (awaitingMedia) {
            mediaStarted(packet.kind());
        }
        int len = packet.length();
        if (len > SLOT_BYTES) {
            dropped.increment();
            return;
        }
        Slot slot = free.poll();
        if (slot == null) {
            dropped.increment(); // the consumer is behind: drop rather than hold the fan-out
            return;
        }
        System.arraycopy(packet.buffer(), packet.offset(), slot.bytes, 0, len);
        slot.length = len;
        slot.port = port;
        filled.offer(slot); // cannot fail: there are as many slots as places
        queued.increment();
    }

    private void mediaStarted(MediaKind kind) {
        PublishedTracks t = tracks;
        if (t == null || kind != MediaKind.VIDEO && t.video() != null) {
            return; // audio comes first; the reader waits for the picture
        }
        awaitingMedia = false;
        try {
            mediaListener.accept(t);
        } catch (RuntimeException e) {
            LOG.warn("tap {}: media listener failed", name, e);
        }
    }

    /**
     * Simulcast sends several SSRCs: start on the top layer (or, when it has not come within
     * {@link #TOP_LAYER_WAIT_MILLIS}, on whichever layer comes) and keep that SSRC until it falls silent. The tool
     * never sees a second SSRC while the first one flows; it waits for a keyframe as before.
     */
    private boolean oneVideoLayer(MediaPacket packet) {
        long ssrc = packet.header().ssrc();
        long now = packet.receivedAtMillis();
        if (videoSsrc == ssrc) {
            videoSsrcLastMillis = now;
            return true;
        }
        if (videoSsrc < 0 && packet.layer() >= 0) {
            if (firstLayerPacketMillis < 0) {
                firstLayerPacketMillis = now;
            }
            PublishedTracks t = tracks;
            int top = t == null || t.video() == null ? 0 : t.video().rids().size() - 1;
            boolean waited = now - firstLayerPacketMillis >= TOP_LAYER_WAIT_MILLIS;
            if (packet.layer() < top && !waited) {
                return false;
            }
        }
        if (videoSsrc < 0 || now - videoSsrcLastMillis > LAYER_SILENCE_MILLIS) {
            videoSsrc = ssrc;
            videoSsrcLastMillis = now;
            videoSourceChanged();
            return true;
        }
        return false;
    }

    private void videoSourceChanged() {
        try {
            videoSourceListener.run();
        } catch (RuntimeException e) {
            LOG.warn("tap {}: video source listener failed", name, e);
        }
    }

    @Override
    public void onSenderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
        int[] layers = layerPorts;
        int port = audioPort;
        if (closed) {
            return;
        }
        if (kind == MediaKind.VIDEO) {
            port = -1;
            if (layers == null) {
                port = sourceSsrc == videoSsrc ? videoPort : -1;
            } else {
                for (int l = 0; l < layers.length; l++) {
                    if (layerSsrcs[l] == sourceSsrc) {
                        port = layers[l];
                    }
                }
            }
            if (port < 0) {
                return;
            }
        }
        Slot slot = free.poll();
        if (slot == null) {
            dropped.increment();
            return;
        }
        int len = SenderReport.write(slot.bytes, 0, sourceSsrc, ntpTimestamp, rtpTimestamp, 0, 0, noBlocks, 0);
        if (len < 0) {
            free.offer(slot);
            return;
        }
        slot.length = len;
        slot.port = port + 1;
        filled.offer(slot);
        queued.increment();
    }

    // ---- the sender thread ----

    private void sendLoop() {
        DatagramPacket datagram = new DatagramPacket(new byte[0], 0);
        while (!closed) {
            Slot slot;
            try {
                slot = filled.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (slot == null) {
                continue;
            }
            try {
                datagram.setData(slot.bytes, 0, slot.length);
                datagram.setSocketAddress(new InetSocketAddress(host, slot.port));
                socket.send(datagram);
                sent.increment();
            } catch (IOException e) {
                // nobody listening yet (ICMP port unreachable) or the tool restarting: the packet is lost, as on a network
                sendErrors.increment();
            } finally {
                free.offer(slot);
            }
        }
    }

    public long sent() {
        return sent.sum();
    }

    public long dropped() {
        return dropped.sum();
    }

    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("audioPort", audioPort);
        m.put("videoPort", videoPort);
        m.put("queued", queued.sum());
        m.put("sent", sent.sum());
        m.put("dropped", dropped.sum());
        m.put("sendErrors", sendErrors.sum());
        m.put("waiting", filled.size());
        return m;
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        socket.close();
    }

    @Override
    public String toString() {
        return "RtpTap[" + name + "]";
    }

    private static final class Slot {
        final byte[] bytes = new byte[SLOT_BYTES];
        int length;
        int port;
    }
}
