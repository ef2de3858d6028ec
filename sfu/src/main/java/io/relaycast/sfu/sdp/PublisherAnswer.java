package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.PublishedTracks;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of answering a publisher's offer.
 *
 * @param answer       the answer to send back (serialize with {@link #answerSdp()})
 * @param tracks       what the publisher will send
 * @param remote       the publisher's ICE credentials, fingerprints and candidates
 * @param localSetup   our a=setup: {@code passive} (we are the DTLS server) unless the offer said {@code passive}
 *                     itself, as ffmpeg's WHIP muxer does, in which case we are {@code active}, the DTLS client
 * @param rejectedMids mids answered with port 0
 * @param rejectionReasons one human-readable reason per m-section answered with port 0, for logs and debug state
 */
public record PublisherAnswer(SessionDescription answer, PublishedTracks tracks, RemoteTransport remote,
                              DtlsSetup localSetup, List<String> rejectedMids, List<String> rejectionReasons) {

    public PublisherAnswer {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(tracks, "tracks");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(localSetup, "localSetup");
        rejectedMids = List.copyOf(rejectedMids);
        rejectionReasons = List.copyOf(rejectionReasons);
    }

    public String answerSdp() {
        return answer.serialize();
    }

    /** True when the SFU must run the DTLS server on this transport. */
    public boolean isDtlsServer() {
        return localSetup.isDtlsServer();
    }
}
