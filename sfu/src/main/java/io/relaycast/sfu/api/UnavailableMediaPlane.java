package io.relaycast.sfu.api;

/**
 * The media plane of a node that has none running: every media request is refused with
 * {@code MEDIA_UNAVAILABLE}, so clients hear a clear error instead of waiting for an answer that never comes.
 * Used when the SFU failed to start (its UDP port taken) so chat and the API keep working.
 */
public final class UnavailableMediaPlane implements MediaPlane {
    private final String reason;

    public UnavailableMediaPlane(String reason) {
        this.reason = reason;
    }

    private MediaException refuse() {
        return new MediaException("MEDIA_UNAVAILABLE", "media is unavailable on this node: " + reason);
    }

    @Override
    public String publish(String streamId, String peerId, String sdpOffer, CandidateSink candidates) throws MediaException {
        throw refuse();
    }

    @Override
    public String subscribe(String streamId, String peerId, CandidateSink candidates) throws MediaException {
        throw refuse();
    }

    @Override
    public String answerViewer(String streamId, String peerId, String sdpOffer, CandidateSink candidates) throws MediaException {
        throw refuse();
    }

    @Override
    public void acceptAnswer(String streamId, String peerId, String sdpAnswer) throws MediaException {
        throw refuse();
    }

    @Override
    public void addRemoteCandidate(String streamId, String peerId, IceCandidate candidate) throws MediaException {
        throw refuse();
    }

    @Override
    public void close(String streamId, String peerId) {
    }

    @Override
    public void closeStream(String streamId) {
    }

    @Override
    public boolean isPublished(String streamId) {
        return false;
    }
}
