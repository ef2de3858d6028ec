package io.relaycast.sfu.stun;

/** Why a datagram was or was not accepted as a STUN message. */
public enum StunStatus {
    VALID,
    /** Nothing has been read yet. */
    NOT_READ,
    /** The (buffer, offset, length) triple does not describe a region of the buffer. */
    OUT_OF_BOUNDS,
    /** Fewer than the 20 bytes of the header (RFC 5389 section 6). */
    TOO_SHORT,
    /** The two most significant bits are not zero. */
    NOT_STUN,
    /** The magic cookie is not 0x2112A442 (an RFC 3489 message, or not STUN at all). */
    BAD_MAGIC_COOKIE,
    /** The message length is not a multiple of 4. */
    UNALIGNED_LENGTH,
    /** The message length runs past the end of the datagram. */
    LENGTH_PAST_END,
    /** An attribute's header or value (with its padding) runs past the end of the message. */
    ATTRIBUTE_PAST_END,
    /** MESSAGE-INTEGRITY whose value is not the 20 bytes of an HMAC-SHA1. */
    BAD_INTEGRITY_LENGTH,
    /** FINGERPRINT whose value is not 4 bytes. */
    BAD_FINGERPRINT_LENGTH,
    /** An attribute follows FINGERPRINT, which must be last (RFC 5389 section 15.5). */
    FINGERPRINT_NOT_LAST
}
