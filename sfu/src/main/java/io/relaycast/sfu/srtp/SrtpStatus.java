package io.relaycast.sfu.srtp;

/**
 * Why a protect or unprotect call did not produce a packet.
 *
 * <p>{@link SrtpSession}'s methods return the new packet length (zero or more) on success and
 * {@link #code()} (always negative) otherwise, so that the per-packet path neither throws nor allocates
 * (architecture: "hot path returns status values"). Decode a result with {@link #of(int)}.
 */
public enum SrtpStatus {
    /** The packet was transformed; any non-negative result. */
    OK(0),
    /** Too short, not RTP version 2, or header fields that point past the end of the packet. */
    INVALID_PACKET(-1),
    /** {@code protect*}: fewer free octets after the packet than the profile's overhead. */
    BUFFER_TOO_SMALL(-2),
    /** The authentication tag did not verify (RFC 3711 §3.3 step 5, RFC 7714 §8.2). */
    AUTH_FAIL(-3),
    /** The index was already received (RFC 3711 §3.3.2). */
    REPLAY_FAIL(-4),
    /** The index is older than the replay window (RFC 3711 §3.3.2). */
    REPLAY_OLD(-5),
    /** The session already tracks its maximum number of SSRCs in this direction. */
    TOO_MANY_STREAMS(-6),
    /** The session was closed. */
    CLOSED(-7),
    /** The crypto provider failed; not caused by the packet. */
    FAIL(-8);

    private static final SrtpStatus[] BY_CODE = new SrtpStatus[9];

    static {
        for (SrtpStatus s : values()) {
            BY_CODE[-s.code] = s;
        }
    }

    private final int code;

    SrtpStatus(int code) {
        this.code = code;
    }

    /** The value a {@link SrtpSession} method returns for this status; negative except for {@link #OK}. */
    public int code() {
        return code;
    }

    /** The status a {@link SrtpSession} result stands for: {@link #OK} for any length, else the failure. */
    public static SrtpStatus of(int result) {
        if (result >= 0) {
            return OK;
        }
        int index = -result;
        return index < BY_CODE.length ? BY_CODE[index] : FAIL;
    }
}
