package io.relaycast.sfu.transport;

import io.relaycast.sfu.ice.SendStatus;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.srtp.SrtpStatus;
import io.relaycast.sfu.transport.WebRtcTransport.MediaHandler;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The packet side of one transport, on the packet path: SRTP and SRTCP in, unprotected in place and handed to the
 * {@link MediaHandler}; RTP and RTCP out, protected in place in the caller's buffer and sent on the current ICE
 * session ({@link IcePaths#current()}, read per packet so an ICE restart moves media with one volatile write).
 * Nothing is allocated, locked, thrown or logged per packet; every outcome is counted ({@link TransportCounters}).
 */
final class SrtpPackets {
    private final IcePaths paths;
    private final TransportCounters counters;
    private final AtomicBoolean ended;
    /** Set once the DTLS handshake exported the keys (RFC 5764 section 4.2). */
    volatile SrtpSession srtp;
    volatile MediaHandler media = MediaHandler.DROP;

    SrtpPackets(IcePaths paths, TransportCounters counters, AtomicBoolean ended) {
        this.paths = paths;
        this.counters = counters;
        this.ended = ended;
    }

    /** Octets {@link #sendRtp} needs free after the packet (the SRTP auth tag); 16 before the keys are known. */
    int rtpOverhead() {
        SrtpSession s = srtp;
        return s == null ? 16 : s.rtpOverhead();
    }

    /** Octets {@link #sendRtcp} needs free after the packet (SRTCP index and tag). */
    int rtcpOverhead() {
        SrtpSession s = srtp;
        return s == null ? 20 : s.rtcpOverhead();
    }

    /** Counted by kind, never logged: a replay (the same packet over two paths) is ordinary, not an error. */
    private void unprotectFailed(int status) {
        if (status == SrtpStatus.REPLAY_FAIL.code() || status == SrtpStatus.REPLAY_OLD.code()) {
            counters.unprotectReplays.increment();
        } else {
            counters.unprotectFailures.increment();
        }
    }

    /** SRTP from the peer: authenticated and decrypted in place (RFC 3711 section 3.3), then to the handler. */
    void receiveRtp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null) {
            counters.droppedBeforeKeys.increment();
            return;
        }
        int plain = s.unprotectRtp(buf, off, len); // in place: the lent buffer is ours until we return
        if (plain < 0) {
            unprotectFailed(plain);
            return;
        }
        counters.rtpIn.increment();
        media.onRtp(buf, off, plain);
    }

    /** SRTCP from the peer (RFC 3711 section 3.4). */
    void receiveRtcp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null) {
            counters.droppedBeforeKeys.increment();
            return;
        }
        int plain = s.unprotectRtcp(buf, off, len);
        if (plain < 0) {
            unprotectFailed(plain);
            return;
        }
        counters.rtcpIn.increment();
        media.onRtcp(buf, off, plain);
    }

    /**
     * Protects the RTP packet in place and sends it. {@code buf} must have {@link #rtpOverhead()} free octets after
     * the packet.
     *
     * @return true when it went out
     */
    boolean sendRtp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null || ended.get()) {
            return false;
        }
        int n = s.protectRtp(buf, off, len);
        if (n < 0) {
            counters.protectFailures.increment();
            return false;
        }
        if (paths.current().send(buf, off, n) != SendStatus.SENT) {
            counters.sendFailures.increment();
            return false;
        }
        counters.rtpOut.increment();
        return true;
    }

    int sendRtpKeepProtected(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null || ended.get()) {
            return -1;
        }
        int n = s.protectRtp(buf, off, len);
        if (n < 0) {
            counters.protectFailures.increment();
            return -1;
        }
        if (paths.current().send(buf, off, n) != SendStatus.SENT) {
            counters.sendFailures.increment();
            return -1;
        }
        counters.rtpOut.increment();
        return n;
    }

    boolean sendProtectedRtp(byte[] buf, int off, int len) {
        if (srtp == null || ended.get()) {
            return false;
        }
        if (paths.current().send(buf, off, len) != SendStatus.SENT) {
            counters.sendFailures.increment();
            return false;
        }
        counters.rtpOut.increment();
        return true;
    }

    /** Protects the (compound) RTCP packet in place (RFC 3711 section 3.4) and sends it. */
    boolean sendRtcp(byte[] buf, int off, int len) {
        SrtpSession s = srtp;
        if (s == null || ended.get()) {
            return false;
        }
        int n = s.protectRtcp(buf, off, len);
        if (n < 0) {
            counters.protectFailures.increment();
            return false;
        }
        if (paths.current().send(buf, off, n) != SendStatus.SENT) {
            counters.sendFailures.increment();
            return false;
        }
        counters.rtcpOut.increment();
        return true;
    }
}
