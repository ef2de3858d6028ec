package io.relaycast.sfu.sdp;

import java.util.Objects;

/**
 * Why a session description was refused: a stable {@link SdpErrorCode} for programs and a message for people
 * that names the offending line whenever there is one.
 */
public final class SdpException extends Exception {

    private final SdpErrorCode errorCode;

    public SdpException(SdpErrorCode errorCode, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    /** The stable code, e.g. {@code "SDP_MALFORMED"}. */
    public String code() {
        return errorCode.name();
    }

    public SdpErrorCode errorCode() {
        return errorCode;
    }

    static SdpException malformed(String message) {
        return new SdpException(SdpErrorCode.SDP_MALFORMED, message);
    }
}
