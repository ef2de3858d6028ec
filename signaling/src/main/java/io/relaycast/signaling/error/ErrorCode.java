package io.relaycast.signaling.error;

/**
 * Every failure a client can see, with the HTTP status it maps to. The names are the stable
 * {@code error.code} strings of the public contract; messages may change, codes may not.
 */
public enum ErrorCode {
    BAD_JSON(400),
    INVALID_FIELD(400),
    VALIDATION_FAILED(400),
    TARGET_NOT_ALLOWED(400),
    UNAUTHENTICATED(401),
    INVALID_TOKEN(401),
    TOKEN_EXPIRED(401),
    FORBIDDEN(403),
    NOT_OWNER(403),
    NOT_ELIGIBLE(403),
    FOLLOWERS_ONLY(403),
    CHAT_DISABLED(403),
    REACTIONS_DISABLED(403),
    BANNED(403),
    NOT_FOUND(404),
    WEBHOOK_NOT_FOUND(404),
    STREAM_NOT_FOUND(404),
    COMMENT_NOT_FOUND(404),
    RECORDING_NOT_FOUND(404),
    USER_NOT_FOUND(404),
    SESSION_NOT_FOUND(404),
    METHOD_NOT_ALLOWED(405),
    UNKNOWN_EVENT(400),
    NOT_IN_STREAM(409),
    INVALID_TRANSITION(409),
    DUPLICATE_ORDER(409),
    STREAM_NOT_LIVE(409),
    STREAM_ALREADY_LIVE(409),
    STREAM_CANCELLED(409),
    STREAM_ENDED(409),
    PAYLOAD_TOO_LARGE(413),
    UNSUPPORTED_MEDIA_TYPE(415),
    RATE_LIMITED(429),
    LIVE_LIMIT_REACHED(429),
    PEER_LIMIT_REACHED(429),
    SLOW_MODE(429),
    INTERNAL(500),
    UNAVAILABLE(503);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
