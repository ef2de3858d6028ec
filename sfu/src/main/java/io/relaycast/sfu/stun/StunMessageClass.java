package io.relaycast.sfu.stun;

/** The two class bits of a STUN message type (RFC 5389 section 6). */
public enum StunMessageClass {
    REQUEST,
    INDICATION,
    SUCCESS_RESPONSE,
    ERROR_RESPONSE;

    private static final StunMessageClass[] BY_BITS = values();

    /** The class whose C1C0 bits are {@code bits} (0-3). */
    static StunMessageClass ofBits(int bits) {
        return BY_BITS[bits & 0x3];
    }
}
