package io.relaycast.sfu.relay;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.room.MediaPacket;
import io.relaycast.sfu.room.PacketSink;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.rtcp.Bye;
import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.srtp.SrtpSession;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The origin's end of one relay: a room sink that sends every packet of the publication (every simulcast layer,
 * audio, unmodified: same SSRCs, sequence numbers, timestamps, payload types and header extensions) and the
 * publisher's sender reports to one edge node, SRTP-protected with the relay's keys (RFC 3711; {@link RelayKeys}).
 *
 * <p>The packet path ({@link #send}, on the forwarding worker the room gave this sink, and {@link #onSenderReport}
 * on the publisher's receive thread) copies into this sink's own buffers, protects and writes to the relay's UDP
 * socket through direct buffers: no allocation, no lock but the SRTP lane's and the channel's own, no logging.
 *
 * <p>The edge speaks first: nothing is sent until an authenticated SRTCP packet arrived from it, and the socket
 * is then connected to the address it came from (so no third party can point the relay elsewhere, and the
 * request needs no media address). Its RTCP (receiver reports, keyframe requests, BYE) is read by a thread of
 * this relay: PLI (RFC 4585 section 6.3.1) and FIR (RFC 5104 section 4.3.1) become a keyframe request of the
 * origin room, throttled there with the local viewers' ones; anything authenticated proves the edge alive.
 */
final class RelaySink implements PacketSink {
    private static final int BUF = 1500 + 64;
    private static final byte[] REASON_ENDED = "relay ended".getBytes(StandardCharsets.US_ASCII);

    final String relayId;
    final String streamId;
    final String edgeNode;
    final Room room;
    private final PublishedTracks tracks;
    private final SrtpSession srtp;
    private final DatagramChannel channel;
    private final long localSsrc = 1 + ThreadLocalRandom.current().nextLong(0xFFFF_FFFEL);
    // RTP: the one forwarding worker of this sink
    private final byte[] rtp = new byte[BUF];
    private final ByteBuffer rtpOut = ByteBuffer.allocateDirect(BUF);
    private volatile long packetsSent;
    private volatile long bytesSent;
    // RTCP out: the publisher's receive thread (SRs) and the closing thread (BYE)
    private final Object rtcpLock = new Object();
    private final byte[] rtcp = new byte[256];
    private final ByteBuffer rtcpOut = ByteBuffer.allocateDirect(256);
    private final ReportBlock[] noBlocks = new ReportBlock[0];
    private final long[] byeSsrc = new long[1];
    private final LongAdder senderReports = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    // RTCP in: this relay's thread
    private final LongAdder keyframeRequests = new LongAdder();
    private final LongAdder rtcpReceived = new LongAdder();
    private final LongAdder rtcpRejected = new LongAdder();
    private final Thread reader;
    private final Runnable onEnd;
    private volatile SocketAddress edge;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile String endReason;

    RelaySink(String relayId, String streamId, String edgeNode, Room room, PublishedTracks tracks, SrtpSession srtp,
              DatagramChannel channel, Runnable onEnd) {
        this.relayId = relayId;
        this.streamId = streamId;
        this.edgeNode = edgeNode;
        this.room = room;
        this.tracks = tracks;
        this.srtp = srtp;
        this.channel = channel;
        this.onEnd = onEnd;
        this.reader = new Thread(this::readLoop, "relay-rtcp-" + relayId);
        reader.setDaemon(true);
    }

    void start() {
        reader.start();
    }

    int port() {
        return channel.socket().getLocalPort();
    }

    boolean isOpen() {
        return endReason == null;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    /** Packets of the publication sent to the edge: one copy per packet, whatever the edge's viewer count. */
    long packetsSent() {
        return packetsSent;
    }

    // ---- the packet path ----

    @Override
    public boolean wants(MediaPacket packet) {
        return edge != null && endReason == null;
    }

    @Override
    public void send(MediaPacket packet) {
        int len = packet.length();
        if (len + srtp.rtpOverhead() > BUF) {
            dropped.increment();
            return;
        }
        System.arraycopy(packet.buffer(), packet.offset(), rtp, 0, len);
        int n = srtp.protectRtp(rtp, 0, len);
        if (n < 0) {
            dropped.increment();
            return;
        }
        rtpOut.clear();
        rtpOut.put(rtp, 0, n).flip();
        if (write(rtpOut)) {
            packetsSent = packetsSent + 1; // single writer: this sink's worker
            bytesSent = bytesSent + n;
        }
    }

    @Override
    public void onSenderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
        if (edge == null || endReason != null) {
            return;
        }
        synchronized (rtcpLock) {
            int len = SenderReport.write(rtcp, 0, sourceSsrc, ntpTimestamp, rtpTimestamp, 0, 0, noBlocks, 0);
            if (len > 0 && sendRtcpLocked(len)) {
                senderReports.increment();
            }
        }
    }

    @Override
    public void onPublisher(PublishedTracks next) {
        if (next != tracks) {
            end("publisher replaced"); // a new publication: the edge asks again and learns its tracks
        }
    }

    private boolean write(ByteBuffer b) {
        try {
            if (channel.write(b) > 0) {
                return true;
            }
        } catch (IOException e) {
            // the edge went away (ICMP port unreachable) or the relay was closed meanwhile: counted, not logged
        }
        sendErrors.increment();
        return false;
    }

    /** Under {@link #rtcpLock}: protects {@code rtcp[0, len)} (SRTCP) and sends it. */
    private boolean sendRtcpLocked(int len) {
        int n = srtp.protectRtcp(rtcp, 0, len);
        if (n < 0) {
            dropped.increment();
            return false;
        }
        rtcpOut.clear();
        rtcpOut.put(rtcp, 0, n).flip();
        return write(rtcpOut);
    }

    // ---- RTCP from the edge ----

    private void readLoop() {
        ByteBuffer in = ByteBuffer.allocateDirect(BUF);
        byte[] buf = new byte[BUF];
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        while (endReason == null) {
            try {
                in.clear();
                SocketAddress from = null;
                if (edge == null) {
                    from = channel.receive(in);
                } else if (channel.read(in) <= 0) {
                    continue;
                }
                in.flip();
                int len = in.remaining();
                in.get(buf, 0, len);
                int n = srtp.unprotectRtcp(buf, 0, len);
                if (n < 0) {
                    rtcpRejected.increment(); // not the edge's keys: an outsider, or a replay
                    continue;
                }
                if (from != null) {
                    channel.connect(from); // the authenticated edge: from now on only it is heard and sent to
                    edge = from;
                }
                lastHeardNanos = System.nanoTime();
                rtcpReceived.increment();
                handle(it, buf, n);
            } catch (IOException e) {
                if (!channel.isOpen()) {
                    return;
                }
                // ICMP port unreachable from an edge that restarts: keep reading until the idle timeout ends us
            }
        }
    }

    private void handle(RtcpCompoundIterator it, byte[] buf, int len) {
        if (!it.reset(buf, 0, len)) {
            return;
        }
        boolean keyframe = false;
        boolean report = false;
        while (it.next()) {
            int type = it.packetType();
            int fmt = it.count();
            if (type == RtcpPacketType.PAYLOAD_FEEDBACK
                    && (fmt == PictureLossIndication.FORMAT || fmt == FullIntraRequest.FORMAT)) {
                keyframe = true;
            } else if (type == RtcpPacketType.RECEIVER_REPORT) {
                report = true;
            } else if (type == RtcpPacketType.BYE) {
                end("edge left");
                onEnd.run();
                return;
            }
        }
        if (keyframe) {
            keyframeRequests.increment();
            room.requestKeyframe();
        }
        if (report) {
            // an empty RR back: the edge hears the origin alive while the publisher sends nothing (a paused
            // RTMP GOP cache, a muted track), so it does not take silence for a dead relay
            synchronized (rtcpLock) {
                int n = ReceiverReport.write(rtcp, 0, localSsrc, noBlocks, 0);
                if (n > 0) {
                    sendRtcpLocked(n);
                }
            }
        }
    }

    /** Stops the relay: a BYE to the edge (RFC 3550 section 6.6) so it asks again at once, then the socket. */
    void end(String reason) {
        if (endReason != null) {
            return;
        }
        endReason = reason;
        if (edge != null) {
            synchronized (rtcpLock) {
                byeSsrc[0] = localSsrc;
                int len = Bye.write(rtcp, 0, byeSsrc, 1, REASON_ENDED, 0, REASON_ENDED.length);
                if (len > 0) {
                    sendRtcpLocked(len);
                }
            }
        }
    }

    /** Frees the socket and keys (after {@link #end} and after leaving the room). */
    void close() {
        end("closed");
        try {
            channel.close();
        } catch (IOException e) {
            // closing a datagram channel does not fail in a way we could act on
        }
        srtp.close();
    }

    Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("relayId", relayId);
        m.put("streamId", streamId);
        m.put("edgeNode", edgeNode);
        m.put("edge", String.valueOf(edge));
        m.put("port", port());
        m.put("open", isOpen());
        m.put("endReason", endReason);
        m.put("packetsSent", packetsSent);
        m.put("bytesSent", bytesSent);
        m.put("senderReportsSent", senderReports.sum());
        m.put("keyframeRequestsReceived", keyframeRequests.sum());
        m.put("rtcpReceived", rtcpReceived.sum());
        m.put("rtcpRejected", rtcpRejected.sum());
        m.put("dropped", dropped.sum());
        m.put("sendErrors", sendErrors.sum());
        m.put("silentMillis", (System.nanoTime() - lastHeardNanos) / 1_000_000);
        return m;
    }

    @Override
    public String toString() {
        return "RelaySink[" + relayId + " -> " + edgeNode + "]";
    }
}
