package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.MediaKind;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A viewer's answer, checked against our offer: its transport and what it accepted per track. */
public record SubscriberAnswer(RemoteTransport remote, List<AcceptedTrack> tracks) {

    public SubscriberAnswer {
        Objects.requireNonNull(remote, "remote");
        tracks = List.copyOf(tracks);
    }

    public Optional<AcceptedTrack> track(MediaKind kind) {
        return tracks.stream().filter(t -> t.kind() == kind).findFirst();
    }
}
