package io.relaycast.signaling.gateway;

import java.util.Set;

/** The Socket.IO event names of the public contract (and our few documented additions). */
public final class Events {
    private Events() {
    }

    // broadcaster → server
    public static final String OFFER = "stream:offer";
    public static final String OFFER_ACK = "stream:offer:ack";
    public static final String QUALITY_UPDATE = "stream:quality-update";
    /** A viewer's choice of simulcast layer: {streamId, quality: auto|high|medium|low}. */
    public static final String QUALITY = "stream:quality";
    public static final String END = "stream:end";
    // viewer → server
    public static final String JOIN = "stream:join";
    public static final String JOIN_ACK = "stream:join:ack";
    public static final String ANSWER = "stream:answer";
    public static final String LEAVE = "stream:leave";
    /**
     * Our addition: a watching viewer asks for an ICE restart on its peer connection (RFC 8445 section 9); the
     * server answers with a new {@code stream:offer:received} carrying new ICE credentials.
     */
    public static final String ICE_RESTART = "stream:ice-restart";
    // both
    public static final String ICE_CANDIDATE = "stream:ice-candidate";
    // server → clients
    public static final String OFFER_RECEIVED = "stream:offer:received";
    public static final String ICE_CANDIDATE_RECEIVED = "stream:ice-candidate:received";
    public static final String VIEWER_JOINED = "stream:viewer:joined";
    public static final String VIEWER_LEFT = "stream:viewer:left";
    public static final String ENDED = "stream:ended";
    public static final String ERROR = "stream:error";
    // chat and room
    public static final String JOIN_LIVESTREAM = "join-livestream";
    public static final String LEAVE_LIVESTREAM = "leave-livestream";
    public static final String CHAT_MESSAGE = "chat:message";
    /** Our addition: moderation over the socket, same rules as the REST pin/delete. */
    public static final String CHAT_PIN = "chat:pin";
    public static final String CHAT_DELETE = "chat:delete";
    public static final String CHAT_DELETED = "stream:chat-deleted";
    public static final String CHAT_PINNED = "stream:chat-pinned";
    public static final String CHAT_UNPINNED = "stream:chat-unpinned";
    public static final String REACTION = "stream:reaction";
    public static final String VIEWER_COUNT = "stream:viewer-count";
    public static final String START = "stream:start";
    public static final String FEATURED = "stream:featured";
    public static final String FEATURED_CLEARED = "stream:featured-cleared";
    public static final String SALE = "stream:sale";
    public static final String LIKES = "stream:likes";
    /**
     * Our addition (issue 15): the node holding the stream's publisher died; the stream is still live and may come
     * back ({@link #RESUMED}) when its broadcaster publishes again through another node, or end after the grace.
     */
    public static final String INTERRUPTED = "stream:interrupted";
    /** Our addition: an interrupted stream is published again (on whichever node); join again to watch. */
    public static final String RESUMED = "stream:resumed";

    /** Internal names the JSON layer gives to events it refused to decode. */
    static final String UNKNOWN = "relaycast:unknown-event";
    static final String OVERSIZE = "relaycast:oversize-event";

    /** Every event a client may send; anything else is answered with {@code UNKNOWN_EVENT}. */
    public static final Set<String> CLIENT_EVENTS = Set.of(OFFER, QUALITY_UPDATE, QUALITY, END, JOIN, ANSWER, LEAVE, ICE_CANDIDATE, ICE_RESTART,
            JOIN_LIVESTREAM, LEAVE_LIVESTREAM, CHAT_MESSAGE, CHAT_PIN, CHAT_DELETE, REACTION);

    public static String room(String streamId) {
        return "stream:" + streamId;
    }

    /** Every socket of one signed-in user, on every node: for messages to that user only (a ban). */
    public static String userRoom(String userId) {
        return "user:" + userId;
    }

    public static String publisherRoom(String streamId) {
        return "publisher:" + streamId;
    }
}
