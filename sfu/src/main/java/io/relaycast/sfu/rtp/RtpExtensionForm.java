package io.relaycast.sfu.rtp;

/** Which layout the RTP header extension block uses, decided by its 16-bit profile field. */
public enum RtpExtensionForm {
    /** The X bit is clear. */
    NONE,
    /** RFC 8285 section 4.2: profile 0xBEDE, elements of 1-16 bytes with ids 1-14. */
    ONE_BYTE,
    /** RFC 8285 section 4.3: profile 0x100 followed by 4 application bits, elements of 0-255 bytes with ids 1-255. */
    TWO_BYTE,
    /** Any other profile: an opaque RFC 3550 section 5.3.1 block with no elements we can address. */
    OPAQUE;

    public static final int ONE_BYTE_PROFILE = 0xBEDE;
    /** The two-byte form's profile with its low 4 "appbits" masked out. */
    public static final int TWO_BYTE_PROFILE = 0x1000;

    public static RtpExtensionForm ofProfile(int profile) {
        if (profile == ONE_BYTE_PROFILE) {
            return ONE_BYTE;
        }
        if ((profile & 0xFFF0) == TWO_BYTE_PROFILE) {
            return TWO_BYTE;
        }
        return OPAQUE;
    }
}
