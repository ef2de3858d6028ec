package io.relaycast.rtmp.server;

/**
 * What the RTMP server asks of the stream service (implemented where streams live; called on a blocking-work
 * thread, never on an event loop). The stream key is passed in and must never be logged.
 */
public interface PublishGate {

    /** The id of the stream this key opens, when it may be published now. */
    String authorize(String streamKey) throws PublishRefused;

    /** Media is in the SFU: the stream goes live (as a WHIP publish makes it). */
    void started(String streamId) throws PublishRefused;

    /** The publication ended (the encoder stopped or went away). */
    void ended(String streamId);

    /** A refusal and the onStatus code the client gets (NetStream.Publish.BadName, ...). */
    final class PublishRefused extends Exception {
        public static final String UNAUTHORIZED = "NetStream.Publish.Unauthorized";
        public static final String BAD_NAME = "NetStream.Publish.BadName";

        private final String statusCode;

        public PublishRefused(String statusCode, String description) {
            super(description, null, false, false);
            this.statusCode = statusCode;
        }

        public String statusCode() {
            return statusCode;
        }
    }
}
