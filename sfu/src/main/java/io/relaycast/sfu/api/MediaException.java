package io.relaycast.sfu.api;

/** A refusal of the media plane with a stable code (e.g. {@code SDP_MALFORMED}, {@code NOT_PUBLISHED}). */
public class MediaException extends Exception {
    private final String code;

    public MediaException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
