package io.relaycast.sfu.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tracks of one broadcast (contract: at most one audio and one video track, at least one of them).
 *
 * @param audio null when the publisher sends no audio
 * @param video null when the publisher sends no video
 */
public record PublishedTracks(PublishedTrack audio, PublishedTrack video) {

    public PublishedTracks {
        if (audio == null && video == null) {
            throw new IllegalArgumentException("a broadcast needs an audio or a video track");
        }
        if (audio != null && audio.kind() != MediaKind.AUDIO || video != null && video.kind() != MediaKind.VIDEO) {
            throw new IllegalArgumentException("audio and video tracks swapped");
        }
    }

    public Optional<PublishedTrack> audioTrack() {
        return Optional.ofNullable(audio);
    }

    public Optional<PublishedTrack> videoTrack() {
        return Optional.ofNullable(video);
    }

    public Optional<PublishedTrack> track(MediaKind kind) {
        return kind == MediaKind.AUDIO ? audioTrack() : videoTrack();
    }

    /** Audio first, then video: the order of the m-sections we offer viewers. */
    public List<PublishedTrack> all() {
        List<PublishedTrack> all = new ArrayList<>(2);
        if (audio != null) {
            all.add(audio);
        }
        if (video != null) {
            all.add(video);
        }
        return List.copyOf(all);
    }
}
