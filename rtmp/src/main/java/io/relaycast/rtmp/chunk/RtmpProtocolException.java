package io.relaycast.rtmp.chunk;

/** The peer broke the RTMP wire format or one of our limits; the connection is closed. Never carries payload. */
public final class RtmpProtocolException extends Exception {
    public RtmpProtocolException(String message) {
        super(message, null, false, false);
    }
}
