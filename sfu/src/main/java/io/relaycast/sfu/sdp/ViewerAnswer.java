package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.ViewerTrack;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Our answer to a viewer's own offer (WHEP) and what it agreed.
 *
 * @param answer     the answer to send back (serialize with {@link #answerSdp()})
 * @param remote     the viewer's ICE credentials, fingerprints and candidates
 * @param localSetup our a=setup: {@code passive} (DTLS server) unless the viewer offered {@code passive} itself
 * @param tracks     the accepted tracks, in the viewer's numbering
 */
public record ViewerAnswer(SessionDescription answer, RemoteTransport remote, DtlsSetup localSetup,
                           List<ViewerTrack> tracks) {

    public ViewerAnswer {
        Objects.requireNonNull(answer, "answer");
        Objects.requireNonNull(remote, "remote");
        Objects.requireNonNull(localSetup, "localSetup");
        tracks = List.copyOf(tracks);
    }

    public String answerSdp() {
        return answer.serialize();
    }

    public boolean isDtlsServer() {
        return localSetup.isDtlsServer();
    }

    public Optional<ViewerTrack> track(MediaKind kind) {
        return tracks.stream().filter(t -> t.kind() == kind).findFirst();
    }
}
