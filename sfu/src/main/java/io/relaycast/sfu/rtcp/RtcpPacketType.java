package io.relaycast.sfu.rtcp;

/** RTCP packet type numbers (RFC 3550 section 12.1, RFC 4585 section 6.1, RFC 3611). */
public final class RtcpPacketType {

    public static final int SENDER_REPORT = 200;
    public static final int RECEIVER_REPORT = 201;
    public static final int SOURCE_DESCRIPTION = 202;
    public static final int BYE = 203;
    public static final int APP = 204;
    /** Transport-layer feedback: generic NACK, transport-cc. */
    public static final int TRANSPORT_FEEDBACK = 205;
    /** Payload-specific feedback: PLI, FIR, REMB. */
    public static final int PAYLOAD_FEEDBACK = 206;
    public static final int EXTENDED_REPORT = 207;

    private RtcpPacketType() {
    }
}
