package io.relaycast.sfu.relay;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.rtcp.Bye;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.transport.PacketTransport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The edge's end of one relay: the relayed publication's {@link Publisher} in the edge's room, fed from the relay's
 * UDP socket by a thread of its own ({@code relay-rx-…}: read, SRTP unprotect, {@link Publisher#onRtp} /
 * {@link Publisher#onRtcp}), exactly as a browser publisher's receive thread feeds it on the origin. The room then
 * serves the edge's viewers as the origin serves its own (layer choice, NACK answered from this publisher's cache,
 * sender reports).
 *
 * <p>It is also the publisher's {@link PacketTransport}: the RTCP the room sends "to the publisher" (receiver
 * reports, NACKs, keyframe requests) goes upstream to the origin, SRTCP-protected; the origin acts on PLI/FIR and
 * takes everything authenticated as the edge's keepalive. A BYE from the origin, or its silence for {@code
 * idle-timeout}, ends the relay ({@link #onEnded}); the manager asks again.
 */
final class EdgeRelay implements PacketTransport {
    static final String PEER_PREFIX = "~relay-"; // "~": signaling never names its peers so
    private static final int BUF = 1500 + 64;
    private static final byte[] REASON = "no viewers".getBytes(StandardCharsets.US_ASCII);

    final RelayGrant grant;
    final Room room;
    final Publisher publisher;
    private final SrtpSession srtp;
    private final DatagramChannel channel;
    private final Thread reader;
    private final Consumer<EdgeRelay> onEnded;
    private final long localSsrc = 1 + ThreadLocalRandom.current().nextLong(0xFFFF_FFFEL);
    // upstream RTCP: the room's timer, viewers' keyframe requests, the keepalive; serialised by the lock
    private final Object upLock = new Object();
    private final ByteBuffer upOut = ByteBuffer.allocateDirect(BUF);
    private final byte[] own = new byte[256];
    private final ReportBlock[] noBlocks = new ReportBlock[0];
    private final long[] byeSsrc = new long[1];
    private final LongAdder rtcpSent = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();
    // the reader thread
    private volatile long packetsReceived;
    private volatile long rtcpReceived;
    private volatile long rejected;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean closed;
    private volatile String endReason;
    final long startedNanos = System.nanoTime();
    /** {@link Publisher#unknownSources()} at the manager's last tick (its thread only). */
    long unknownAtLastTick;

    EdgeRelay(RelayGrant grant, Room room, SrtpSession srtp, DatagramChannel channel, Consumer<EdgeRelay> onEnded) {
        this.grant = grant;
        this.room = room;
        this.srtp = srtp;
        this.channel = channel;
        this.onEnded = onEnded;
        this.publisher = new Publisher(PEER_PREFIX + grant.relayId(), this, new MediaPlane.CandidateSink() {
            @Override
            public void onLocalCandidate(io.relaycast.sfu.api.IceCandidate candidate) {
            }
        }, grant.tracks(), room);
        this.reader = new Thread(this::readLoop, "relay-rx-" + grant.streamId());
        reader.setDaemon(true);
    }

    /** Starts reading and speaks first, so the origin learns this socket's address ({@link RelaySink}). */
    void start() {
        reader.start();
        keepalive();
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    long packetsReceived() {
        return packetsReceived;
    }

    String endReason() {
        return endReason;
    }

    /** An empty receiver report upstream (RFC 3550 section 6.4.2): proof of life, and the first packet. */
    void keepalive() {
        synchronized (upLock) {
            int len = ReceiverReport.write(own, 0, localSsrc, noBlocks, 0);
            if (len > 0) {
                sendRtcp(own, 0, len);
            }
        }
    }

    // ---- the reader thread ----

    private void readLoop() {
        ByteBuffer in = ByteBuffer.allocateDirect(BUF);
        byte[] buf = new byte[BUF];
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        while (!closed) {
            int len;
            try {
                in.clear();
                if (channel.read(in) <= 0) {
                    continue;
                }
            } catch (IOException e) {
                if (!channel.isOpen()) {
                    return;
                }
                continue; // ICMP port unreachable before the origin's socket exists or after it closed
            }
            in.flip();
            len = in.remaining();
            in.get(buf, 0, len);
            // RFC 5761 section 4: RTCP packet types 192-223 in the second octet, RTP otherwise
            int pt = buf[1] & 0xFF;
            if (len > 1 && pt >= 192 && pt <= 223) {
                int n = srtp.unprotectRtcp(buf, 0, len);
                if (n < 0) {
                    rejected = rejected + 1;
                    continue;
                }
                lastHeardNanos = System.nanoTime();
                rtcpReceived = rtcpReceived + 1;
                if (isBye(it, buf, n)) {
                    end("origin ended the relay");
                    return;
                }
                publisher.onRtcp(buf, 0, n);
            } else {
                int n = srtp.unprotectRtp(buf, 0, len);
                if (n < 0) {
                    rejected = rejected + 1;
                    continue;
                }
                lastHeardNanos = System.nanoTime();
                packetsReceived = packetsReceived + 1;
                publisher.onRtp(buf, 0, n);
            }
        }
    }

    private static boolean isBye(RtcpCompoundIterator it, byte[] buf, int len) {
        if (it.reset(buf, 0, len)) {
            while (it.next()) {
                if (it.packetType() == RtcpPacketType.BYE) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The relay stopped by itself (origin's BYE, its silence): tell the manager once. */
    void end(String reason) {
        if (endReason != null) {
            return;
        }
        endReason = reason;
        onEnded.accept(this);
    }

    // ---- PacketTransport: RTCP toward the origin ----

    @Override
    public boolean sendRtp(byte[] buf, int off, int len) {
        return false; // a publisher is never sent media
    }

    @Override
    public boolean sendRtcp(byte[] buf, int off, int len) {
        if (closed) {
            return false;
        }
        synchronized (upLock) {
            int n = srtp.protectRtcp(buf, off, len);
            if (n < 0) {
                sendErrors.increment();
                return false;
            }
            upOut.clear();
            upOut.put(buf, off, n).flip();
            try {
                channel.write(upOut);
                rtcpSent.increment();
                return true;
            } catch (IOException e) {
                sendErrors.increment(); // the origin is gone or restarting: its silence ends the relay
                return false;
            }
        }
    }

    @Override
    public boolean isReady() {
        return !closed;
    }

    @Override
    public int rtpOverhead() {
        return srtp.rtpOverhead();
    }

    @Override
    public int rtcpOverhead() {
        return srtp.rtcpOverhead();
    }

    /** Says goodbye upstream (the origin frees the relay at once), stops the reader, frees socket and keys. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        synchronized (upLock) {
            byeSsrc[0] = localSsrc;
            int len = Bye.write(own, 0, byeSsrc, 1, REASON, 0, REASON.length);
            if (len > 0) {
                sendRtcp(own, 0, len);
            }
            closed = true;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do
        }
        srtp.close();
    }

    @Override
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "relay");
        m.put("relayId", grant.relayId());
        m.put("origin", grant.host() + ":" + grant.port());
        m.put("closed", closed);
        m.put("endReason", endReason);
        m.put("packetsReceived", packetsReceived);
        m.put("rtcpReceived", rtcpReceived);
        m.put("rejected", rejected);
        m.put("rtcpSent", rtcpSent.sum());
        m.put("sendErrors", sendErrors.sum());
        m.put("silentMillis", (System.nanoTime() - lastHeardNanos) / 1_000_000);
        return m;
    }
}
