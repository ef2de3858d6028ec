package io.relaycast.rtmp.server;

import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.rtmp.media.AvcDecoderConfiguration;
import io.relaycast.rtmp.media.IngestPublication;
import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.ingest.LocalOffer;

import java.util.UUID;

/**
 * The blocking half of a publish, run on the server's blocking pool, never on an event loop (database, SFU room
 * set-up): the stream key check with the one-publisher rule, and opening the SFU publication that makes the stream
 * live. Failures come back as {@link PublishGate.PublishRefused} carrying the RTMP status code to send.
 */
final class PublishAdmission {
    /** The outcome of a key check: the stream (when the key named one) and the refusal, if any. */
    record Admitted(String streamId, PublishGate.PublishRefused refusal) {
    }

    private final RtmpConfig config;
    private final MediaPlane media;
    private final PublishGate gate;
    private final PublishingStreams publishing;

    PublishAdmission(RtmpConfig config, MediaPlane media, PublishGate gate, PublishingStreams publishing) {
        this.config = config;
        this.media = media;
        this.gate = gate;
        this.publishing = publishing;
    }

    /** The key names a stream that may be published, and nobody else publishes it (here, over WHIP or a browser). */
    Admitted admit(String streamKey, RtmpSession claimant) {
        String id;
        try {
            id = gate.authorize(streamKey);
        } catch (PublishGate.PublishRefused e) {
            return new Admitted(null, e);
        }
        if (!publishing.claim(id, claimant)) {
            return new Admitted(id, new PublishGate.PublishRefused(PublishGate.PublishRefused.BAD_NAME,
                    "this stream already has a publisher"));
        }
        if (media.isPublished(id)) {
            publishing.release(id, claimant);
            return new Admitted(id, new PublishGate.PublishRefused(PublishGate.PublishRefused.BAD_NAME,
                    "this stream already has a publisher (WHIP or browser)"));
        }
        return new Admitted(id, null);
    }

    /**
     * Opens the SFU publication described by the source's AVC configuration (its SPS and PPS go into the offer as
     * sprop-parameter-sets, decision 143) and makes the stream live.
     */
    IngestPublication open(String streamId, AvcDecoderConfiguration avc) throws PublishGate.PublishRefused {
        long videoSsrc = IngestPublication.randomSsrc();
        long audioSsrc = IngestPublication.randomSsrc();
        LocalPublication local;
        try {
            local = media.publishLocal(streamId, "rtmp:" + UUID.randomUUID(),
                    LocalOffer.opusAndH264(audioSsrc, videoSsrc, config.h264ProfileLevelId(),
                            avc.spropParameterSets()), new MediaPlane.CandidateSink() {
                        @Override
                        public void onLocalCandidate(IceCandidate candidate) {
                            // a local publication has no ICE
                        }
                    });
        } catch (MediaException e) {
            throw new PublishGate.PublishRefused(PublishGate.PublishRefused.BAD_NAME,
                    "the media server refused: " + e.getMessage());
        }
        IngestPublication ingest = new IngestPublication(local, videoSsrc, audioSsrc, config, streamId);
        try {
            gate.started(streamId);
        } catch (PublishGate.PublishRefused e) {
            ingest.close();
            throw e;
        }
        return ingest;
    }

    /** The stream's publication ended while it was still ours: the stream ends (blocking). */
    void ended(String streamId) {
        gate.ended(streamId);
    }

    void release(String streamId, RtmpSession claimant) {
        publishing.release(streamId, claimant);
    }
}
