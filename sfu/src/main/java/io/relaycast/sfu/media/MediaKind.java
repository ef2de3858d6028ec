package io.relaycast.sfu.media;

import java.util.Optional;

/** The two kinds of track a broadcast carries (contract: one audio and one video). */
public enum MediaKind {
    AUDIO("audio"), VIDEO("video");

    private final String media;

    MediaKind(String media) {
        this.media = media;
    }

    /** The m= line media token. */
    public String media() {
        return media;
    }

    public static Optional<MediaKind> fromMedia(String media) {
        for (MediaKind kind : values()) {
            if (kind.media.equals(media)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
