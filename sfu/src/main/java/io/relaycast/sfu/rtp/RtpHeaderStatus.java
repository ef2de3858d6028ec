package io.relaycast.sfu.rtp;

/** Why an RTP header was accepted or rejected; kept so that drops can be counted by cause. */
public enum RtpHeaderStatus {
    VALID,
    /** Nothing has been read yet. */
    NOT_READ,
    /** The (buffer, offset, length) triple does not describe a region of the buffer. */
    OUT_OF_BOUNDS,
    /** Fewer than the 12 bytes of the fixed header (RFC 3550 section 5.1). */
    TOO_SHORT,
    /** The version field is not 2. */
    BAD_VERSION,
    /** The CSRC count asks for more identifiers than the packet holds. */
    CSRC_PAST_END,
    /** The X bit is set but the 4-byte extension header does not fit. */
    EXTENSION_HEADER_PAST_END,
    /** The extension length (in 32-bit words) runs past the end of the packet. */
    EXTENSION_PAST_END,
    /** An RFC 8285 element inside the extension block runs past the end of the block. */
    EXTENSION_ELEMENT_PAST_END,
    /** The P bit is set but the padding count is zero, which cannot be: the count includes itself. */
    PADDING_ZERO,
    /** The padding count is larger than the space left after the header. */
    PADDING_PAST_PAYLOAD
}
