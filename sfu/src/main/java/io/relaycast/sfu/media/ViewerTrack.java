package io.relaycast.sfu.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one viewer receives of one published track, in the viewer's numbering: its mid, the codecs it accepted with
 * its payload types, and the header extensions it accepted with its ids.
 */
public record ViewerTrack(MediaKind kind, String mid, List<ViewerCodec> codecs, List<ExtMap> headerExtensions) {

    public ViewerTrack {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mid, "mid");
        codecs = List.copyOf(codecs);
        headerExtensions = List.copyOf(headerExtensions);
    }
}
