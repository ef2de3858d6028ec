package io.relaycast.load.rtc;

import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.stun.StunAttributeType;
import io.relaycast.sfu.stun.StunMessage;
import io.relaycast.sfu.stun.StunMessageClass;
import io.relaycast.sfu.stun.StunMessageIntegrity;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One lightweight WebRTC endpoint of the bench: its own UDP socket on 127.0.0.1 (ICE on the SFU's shared port
 * demultiplexes peers by remote address), ICE as a browser does it (it sends the first check, answers the SFU's
 * checks and consent requests), a bctls DTLS client, and an SRTP session from our srtp package.
 *
 * <p>A viewer either <em>counts</em> (reads the RTP header, which SRTP leaves in the clear: SSRC, sequence number,
 * abs-send-time; no decryption, so the load generator leaves the cores to the SFU) or <em>decrypts</em> (join
 * probes: authenticates and decrypts every packet to find the first VP8 keyframe). The publisher decrypts the SFU's
 * RTCP to find PLI/FIR.
 */
public final class Peer {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    public enum Role { PUBLISHER, VIEWER }

    public final String id;
    public final Role role;
    public final boolean decrypt;
    public final DatagramChannel channel;
    public final String localUfrag = random(8);
    public final String localPassword = random(24);
    private final StunMessageIntegrity integrity = StunMessageIntegrity.forPassword(localPassword);
    private final long tieBreaker = RANDOM.nextLong();
    private final DtlsCertificate certificate;
    public Reactor reactor;

    // from the SFU's SDP
    public volatile InetSocketAddress sfu;
    public String remoteUfrag;
    public String remotePassword;
    public DtlsFingerprint sfuFingerprint;
    public long videoSsrc;
    public long audioSsrc;
    public int absSendTimeId;

    // ICE, on the reactor thread (and the ticker for retransmissions)
    private volatile long lastCheckNanos;
    private volatile boolean gotResponse;
    private volatile boolean answeredRequest;
    private volatile boolean answeredUseCandidate;
    private volatile long firstAnswerNanos;
    private final AtomicBoolean dtlsStarted = new AtomicBoolean();
    private DtlsSrtpClient.QueueTransport dtls;
    private DTLSTransport dtlsTransport;
    public volatile SrtpSession srtp;
    public volatile String failure;

    // timestamps (System.nanoTime), 0 = not yet
    public volatile long tStart;
    public volatile long tOffer;
    public volatile long tAnswerAccepted;
    public volatile long tFirstCheck;
    public volatile long tFirstResponse;
    public volatile long tFirstSfuCheck;
    public volatile long tIceDone;
    public volatile long tDtlsDone;
    public volatile long tFirstRtp;
    public volatile long tFirstKeyframe;

    // viewer counters, written by the reactor thread only
    public final long[] received = new long[2]; // 0 audio, 1 video
    /** RTP octets (SRTP as received, headers included) by kind, as {@link #received}. */
    public final long[] receivedBytes = new long[2];
    public final long[] baseSeq = {-1, -1};
    public final long[] highestSeq = {-1, -1};
    public long rtcpIn;
    public long unprotectFailures;
    /** Decrypts every video packet to read the publisher's payload stamp (a few viewers per run: {@link Pacer}). */
    public volatile boolean stamp;
    private final byte[] stampBuf = new byte[2048];
    public long keyframeStarts;

    // publisher: keyframe requests from the SFU
    public volatile Runnable onKeyframeRequest;
    public long pliReceived;
    public long rtcpPackets;
    private final RtcpCompoundIterator rtcp = new RtcpCompoundIterator();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final byte[] scratch = new byte[2048];

    public Peer(String id, Role role, boolean decrypt, DtlsCertificate certificate, int receiveBuffer) throws IOException {
        this(id, role, decrypt, certificate, receiveBuffer, InetAddress.getLoopbackAddress());
    }

    /** @param bind the local address (Janus's libnice pairs no loopback candidate with its veth address) */
    public Peer(String id, Role role, boolean decrypt, DtlsCertificate certificate, int receiveBuffer, InetAddress bind)
            throws IOException {
        this.id = id;
        this.role = role;
        this.decrypt = decrypt;
        this.certificate = certificate;
        this.channel = DatagramChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
        channel.bind(new InetSocketAddress(bind, 0));
        channel.configureBlocking(false);
    }

    public int localPort() throws IOException {
        return ((InetSocketAddress) channel.getLocalAddress()).getPort();
    }

    public long iceCandidatePriority() {
        return (126L << 24) | (65535L << 8) | 255; // host, RFC 8445 section 5.1.2.1
    }

    /** The SFU's transport is known: connect the socket to it and start checking. */
    public void connect(InetSocketAddress sfuAddress) throws IOException {
        sfu = sfuAddress;
        channel.connect(sfuAddress);
    }

    public boolean isIceDone() {
        return tIceDone != 0;
    }

    public boolean isReady() {
        return srtp != null;
    }

    /** Retransmits our check every 50 ms until ICE is done (ticker thread). */
    public void tick(long now, ExecutorService handshakes) {
        if (sfu == null || failure != null) {
            return;
        }
        if (tIceDone == 0 && now - lastCheckNanos >= 50_000_000L) {
            lastCheckNanos = now;
            sendCheck();
        }
        // a controlled agent normally waits for the SFU's nomination; never wait forever for it
        if (tIceDone == 0 && gotResponse && answeredRequest && now - firstAnswerNanos > 500_000_000L) {
            iceDone(handshakes);
        }
    }

    private void sendCheck() {
        byte[] tx = new byte[12];
        RANDOM.nextBytes(tx);
        boolean controlling = role == Role.PUBLISHER; // the SFU answers publishers (controlled), offers to viewers
        byte[] check = Stun.request(tx, remoteUfrag, localUfrag, remotePassword, iceCandidatePriority(), controlling,
                tieBreaker, controlling);
        sendRaw(check, 0, check.length);
        if (tFirstCheck == 0) {
            tFirstCheck = System.nanoTime();
        }
    }

    public void sendRaw(byte[] buf, int off, int len) {
        try {
            channel.write(ByteBuffer.wrap(buf, off, len));
        } catch (IOException e) {
            // counted as lost, as on a network
        }
    }

    /** Every datagram from the SFU, on this peer's reactor thread. {@code in} is a direct buffer, flipped. */
    public void onDatagram(ByteBuffer in, ExecutorService handshakes) {
        int len = in.remaining();
        if (len < 1) {
            return;
        }
        int first = in.get(0) & 0xFF;
        if (first >= 128 && first <= 191 && len >= 12) {
            int pt = in.get(1) & 0xFF;
            if (pt >= 192 && pt <= 223) {
                onRtcp(in, len);
            } else {
                onRtp(in, len);
            }
        } else if (first <= 3) {
            in.get(scratch, 0, len);
            onStun(len, handshakes);
        } else if (first >= 20 && first <= 63) {
            DtlsSrtpClient.QueueTransport d = dtls;
            if (d != null) {
                byte[] copy = new byte[len];
                in.get(copy);
                d.incoming.offer(copy);
            }
        }
    }

    private final StunMessage stun = new StunMessage();

    private void onStun(int len, ExecutorService handshakes) {
        if (!stun.reset(scratch, 0, len) || stun.method() != StunMessage.BINDING) {
            return;
        }
        StunMessageClass c = stun.messageClass();
        if (c == StunMessageClass.REQUEST) {
            if (!stun.verifyFingerprint() || !integrity.verify(stun)) {
                return;
            }
            byte[] answer = Stun.success(scratch, stun.transactionIdOffset(), sfu, localPassword);
            boolean use = stun.findAttribute(StunAttributeType.USE_CANDIDATE) >= 0;
            sendRaw(answer, 0, answer.length);
            if (!answeredRequest) {
                firstAnswerNanos = System.nanoTime();
                tFirstSfuCheck = firstAnswerNanos;
                answeredRequest = true;
                if (role == Role.PUBLISHER) {
                    sendCheck(); // nominate again now that the SFU has checked us back
                }
            }
            if (use) {
                answeredUseCandidate = true;
            }
        } else if (c == StunMessageClass.SUCCESS_RESPONSE) {
            if (!gotResponse) {
                tFirstResponse = System.nanoTime();
            }
            gotResponse = true;
        }
        if (tIceDone == 0 && gotResponse && answeredRequest
                && (role == Role.PUBLISHER || answeredUseCandidate)) {
            iceDone(handshakes);
        }
    }

    private synchronized void iceDone(ExecutorService handshakes) {
        if (tIceDone != 0) {
            return;
        }
        tIceDone = System.nanoTime();
        if (dtlsStarted.compareAndSet(false, true)) {
            dtls = new DtlsSrtpClient.QueueTransport(this);
            handshakes.execute(this::handshake);
        }
    }

    private void handshake() {
        try {
            DtlsSrtpClient client = new DtlsSrtpClient(certificate, sfuFingerprint);
            dtlsTransport = new DTLSClientProtocol().connect(client, dtls);
            tDtlsDone = System.nanoTime();
            keysReady(new SrtpSession(client.keys, SrtpRole.CLIENT));
        } catch (Exception e) {
            failure = "DTLS: " + e;
        }
    }

    // ---- media ----

    private void onRtp(ByteBuffer in, int len) {
        if (tFirstRtp == 0) {
            tFirstRtp = System.nanoTime();
        }
        long ssrc = in.getInt(8) & 0xFFFFFFFFL;
        int kind = ssrc == videoSsrc ? 1 : ssrc == audioSsrc ? 0 : -1;
        if (kind < 0) {
            return;
        }
        int seq = in.getShort(2) & 0xFFFF;
        received[kind]++;
        receivedBytes[kind] += len;
        if (baseSeq[kind] < 0) {
            baseSeq[kind] = seq;
            highestSeq[kind] = seq;
        } else {
            // extend against the highest so far (no reordering to speak of on loopback)
            long h = highestSeq[kind];
            int delta = (short) (seq - (int) (h & 0xFFFF));
            if (delta > 0) {
                highestSeq[kind] = h + delta;
            }
        }
        int b0 = in.get(0) & 0xFF;
        int headerEnd = 12 + 4 * (b0 & 0x0F);
        if ((b0 & 0x10) != 0 && absSendTimeId > 0 && len >= headerEnd + 4) {
            ViewerLatency.absSendTime(in, headerEnd, len, absSendTimeId, reactor.latency);
        }
        if (stamp && kind == 1 && !ViewerLatency.stamp(in, len, srtp, stampBuf, reactor.stampLatency)) {
            unprotectFailures++;
        }
        if (decrypt && kind == 1 && tFirstKeyframe == 0) {
            byte[] copy = new byte[len];
            in.get(0, copy, 0, len);
            synchronized (pending) {
                if (srtp == null) {
                    // the SFU (DTLS server) is done a flight before us and forwards at once; a browser handles its
                    // datagrams in order, so these wait for our keys instead of being lost to our handshake thread
                    if (pending.size() < 1024) {
                        pending.add(copy);
                    }
                    return;
                }
            }
            findKeyframe(copy, len);
        }
    }

    private final java.util.List<byte[]> pending = new java.util.ArrayList<>();

    /** Keys are in: the packets that came before them, in order. Handshake thread. */
    private void keysReady(SrtpSession session) {
        synchronized (pending) {
            srtp = session;
            for (byte[] p : pending) {
                if (tFirstKeyframe == 0) {
                    findKeyframe(p, p.length);
                }
            }
            pending.clear();
        }
    }

    private void findKeyframe(byte[] packet, int len) {
        SrtpSession s = srtp;
        synchronized (this) {
            int plain = s.unprotectRtp(packet, 0, len);
            if (plain < 0) {
                unprotectFailures++;
                return;
            }
            int payload = ViewerLatency.payloadOffset(packet, plain);
            // VP8 payload descriptor (RFC 7741 section 4.2): S=1, PartID=0 starts a frame; then the payload header's
            // P bit (RFC 6386 section 9.1) is 0 for a key frame
            if (payload >= 0 && payload + 2 <= plain && (packet[payload] & 0x80) == 0
                    && (packet[payload] & 0x1F) == 0x10 && (packet[payload + 1] & 0x01) == 0 && tFirstKeyframe == 0) {
                keyframeStarts++;
                tFirstKeyframe = System.nanoTime();
            }
        }
    }

    private void onRtcp(ByteBuffer in, int len) {
        rtcpIn++;
        if (role != Role.PUBLISHER) {
            return; // the SFU's sender reports: counted
        }
        SrtpSession s = srtp;
        if (s == null) {
            return;
        }
        in.get(0, scratch, 0, len);
        int plain = s.unprotectRtcp(scratch, 0, len);
        if (plain < 0 || !rtcp.reset(scratch, 0, plain)) {
            return;
        }
        while (rtcp.next()) {
            rtcpPackets++;
            if (rtcp.packetType() == RtcpPacketType.PAYLOAD_FEEDBACK
                    && (pli.reset(scratch, rtcp.packetOffset(), rtcp.packetLength())
                    || fir.reset(scratch, rtcp.packetOffset(), rtcp.packetLength()))) {
                pliReceived++;
                Runnable r = onKeyframeRequest;
                if (r != null) {
                    r.run();
                }
            }
        }
    }

    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static String random(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ICE_CHARS.charAt(RANDOM.nextInt(ICE_CHARS.length())));
        }
        return sb.toString();
    }
}
