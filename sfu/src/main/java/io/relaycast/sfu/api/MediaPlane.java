package io.relaycast.sfu.api;

/**
 * What the control plane may ask of the media plane. Signaling (Socket.IO, WHIP/WHEP) calls this and never
 * touches a packet; the SFU implements it and never knows Socket.IO or HTTP. Identifiers are opaque strings
 * chosen by the caller: {@code streamId} names a room, {@code peerId} one peer connection in it.
 * Failures are {@link MediaException}s carrying a stable code for {@code stream:error}.
 */
public interface MediaPlane {

    /** The publisher's offer in; our SDP answer out. Replaces an earlier publication of the same stream. */
    String publish(String streamId, String peerId, String sdpOffer, CandidateSink candidates) throws MediaException;

    /**
     * A viewer's choice of simulcast quality: {@code auto} (follow its bandwidth), {@code high}, {@code medium} or
     * {@code low}. A stream without simulcast has one quality and ignores the choice; an unknown viewer is
     * refused with {@code NOT_IN_STREAM}, an unknown quality with {@code INVALID_QUALITY}.
     */
    default void setQuality(String streamId, String peerId, String quality) throws MediaException {
    }

    /**
     * How many simulcast layers the stream's video is published in on this node: 1 without simulcast, 0 when this
     * node does not know (nobody publishes here, no video, or a plane that cannot tell). Viewers use it to offer a
     * quality choice only where there is one.
     */
    default int simulcastLayers(String streamId) {
        return 0;
    }

    /**
     * Media statistics of one stream for its owner or an admin (publisher sources: bitrate, loss, jitter, NACKs
     * sent, keyframe requests; viewers: packets, NACKs answered, keyframe requests, simulcast layer, estimate),
     * as JSON-ready maps; null when this node has no media for it.
     */
    default java.util.Map<String, Object> mediaStats(String streamId) {
        return null;
    }

    /**
     * Typed measurements of every stream this node has media for (a publisher or a viewer), for the analytics
     * sampler. Reads counters the packet path updates; takes no lock the packet path takes. Empty when there is
     * no media plane.
     */
    default java.util.List<StreamStats> streamStats() {
        return java.util.List.of();
    }

    /** The node's media sockets (buffer size, kernel drops), or null when there is no media plane here. */
    default MediaSocketStats socketStats() {
        return null;
    }

    /** Typed measurements of one stream on this node (no addresses), or null when this node has no media for it. */
    default StreamStats streamStats(String streamId) {
        return null;
    }

    /** The SFU's offer to a new viewer of a published stream. */
    String subscribe(String streamId, String peerId, CandidateSink candidates) throws MediaException;

    /**
     * A viewer that brings its own offer (WHEP, RFC 9725's sibling: the client offers recvonly audio and video):
     * our answer out, sending the published tracks.
     */
    String answerViewer(String streamId, String peerId, String sdpOffer, CandidateSink candidates) throws MediaException;

    /** The viewer's answer to {@link #subscribe}'s offer. */
    void acceptAnswer(String streamId, String peerId, String sdpAnswer) throws MediaException;

    /**
     * ICE restart of a viewer we sent the offer to (RFC 8445 section 9; the viewer asks, we re-offer): our previous
     * offer again with a new {@code ice-ufrag}/{@code ice-pwd} and a higher session version (RFC 8839 section
     * 4.4.1.1.1, RFC 3264 section 8), everything else unchanged. The viewer's answer comes through {@link
     * #acceptAnswer}; DTLS and SRTP stay as they are (RFC 8842 section 4), media keeps flowing on the old path until
     * the new one is selected. Refused with {@code UNKNOWN_PEER} for a peer that is gone, {@code INVALID_STATE}
     * before the first answer or for a viewer that offered itself (WHEP: {@link #restartIceAnswering}).
     */
    default String restartIce(String streamId, String peerId) throws MediaException {
        throw new MediaException("ICE_RESTART_UNSUPPORTED", "this media plane cannot restart ICE");
    }

    /**
     * ICE restart where the peer is the offerer (WHIP/WHEP PATCH, RFC 9725 section 4.4.1): its new credentials and
     * candidates in, our new ones out. Refused like {@link #restartIce}, and with {@code ICE_CREDENTIALS_UNCHANGED}
     * when the ufrag is the old one.
     */
    default IceRestartAnswer restartIceAnswering(String streamId, String peerId, String remoteUfrag,
                                                 String remotePassword, java.util.List<String> remoteCandidates,
                                                 boolean endOfCandidates) throws MediaException {
        throw new MediaException("ICE_RESTART_UNSUPPORTED", "this media plane cannot restart ICE");
    }

    /** Our side of an answered ICE restart: new credentials and our candidates ({@code candidate:...} values). */
    record IceRestartAnswer(String iceUfrag, String icePwd, java.util.List<String> candidates) {
    }

    /** A trickled remote candidate (RFC 8838) for a publisher or viewer; an empty candidate means end-of-candidates. */
    void addRemoteCandidate(String streamId, String peerId, IceCandidate candidate) throws MediaException;

    /**
     * A publication fed by this process (RTMP ingest): {@code sdpOffer} describes its tracks (see
     * {@code io.relaycast.sfu.ingest.LocalOffer}); packets then go in through the returned publication. Replaces an
     * earlier publication of the stream, like {@link #publish}; {@link #close} with the same peer id ends it.
     */
    default LocalPublication publishLocal(String streamId, String peerId, String sdpOffer, CandidateSink sink)
            throws MediaException {
        throw new MediaException("MEDIA_UNAVAILABLE", "this media plane takes no local publications");
    }

    /** A viewer or publisher leaves; unknown peers are ignored. */
    void close(String streamId, String peerId);

    /** The stream ends: the publisher and every viewer are disconnected. */
    void closeStream(String streamId);

    /** True while someone publishes into the stream. */
    boolean isPublished(String streamId);

    /**
     * True while {@code peerId} is the stream's publisher (not replaced by a newer publication). Planes that cannot
     * tell answer {@link #isPublished}: ending on a stale publisher's leave is then the old behaviour.
     */
    default boolean isPublisher(String streamId, String peerId) {
        return isPublished(streamId);
    }

    /** Where the media plane tells signaling about its own candidates, and that a peer went away on its own. */
    interface CandidateSink {
        void onLocalCandidate(IceCandidate candidate);

        /** ICE failed or consent expired: the peer is gone. */
        default void onPeerClosed(String reason) {
        }
    }
}
