package io.relaycast.sfu.demux;

/** What a datagram on the shared media port is, as far as its first bytes tell. */
public enum PacketType {
    /** First byte 0-3: a STUN message (ICE connectivity checks and consent). */
    STUN,
    /** First byte 20-63: a DTLS record (the handshake that keys SRTP). */
    DTLS,
    /** First byte 128-191 and second byte outside 192-223: RTP media. */
    RTP,
    /** First byte 128-191 and second byte 192-223: RTCP multiplexed on the RTP port. */
    RTCP,
    /** Empty, out of bounds, or a first byte that none of the above may start with (ZRTP, TURN channels, noise). */
    UNKNOWN
}
