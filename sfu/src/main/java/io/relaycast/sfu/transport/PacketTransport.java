package io.relaycast.sfu.transport;

import java.util.Map;

/**
 * What a room's peers need of their transport on the packet path: send protected RTP and RTCP. Implemented by
 * {@link WebRtcTransport}; the seam lets the forwarding logic be tested without sockets and keys.
 */
public interface PacketTransport {

    /** Protects in place and sends; {@code buf} has {@link #rtpOverhead()} free octets after the packet. */
    boolean sendRtp(byte[] buf, int off, int len);

    /**
     * Like {@link #sendRtp}, but returns the protected length (the protected packet is then what {@code buf} holds),
     * or -1 when nothing was sent; lets a viewer keep the protected bytes for a plain retransmission, since SRTP's
     * replay protection forbids protecting one sequence number of an SSRC twice (RFC 3711 section 3.3.2).
     */
    default int sendRtpKeepProtected(byte[] buf, int off, int len) {
        return sendRtp(buf, off, len) ? len : -1;
    }

    /** Sends an RTP packet that is already SRTP-protected (a plain retransmission of the same bytes). */
    default boolean sendProtectedRtp(byte[] buf, int off, int len) {
        return false;
    }

    /** Protects in place (SRTCP) and sends; {@code buf} has {@link #rtcpOverhead()} free octets after the packet. */
    boolean sendRtcp(byte[] buf, int off, int len);

    /** Keys in place and not ended: media may flow. */
    boolean isReady();

    int rtpOverhead();

    int rtcpOverhead();

    /** Ends the transport; idempotent. */
    void close();

    Map<String, Object> debugState();
}
