package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Objects;

/**
 * One of our offered tracks as the viewer accepted it.
 *
 * @param payloadTypes       the payload types the viewer kept, in its preference order
 * @param primaryPayloadType the first non-RTX one: what we should send
 * @param rtxPayloadType     the RTX payload type paired with it, -1 if the viewer did not keep RTX
 * @param headerExtensions   the extensions the viewer kept (ids as we offered them)
 * @param feedback           the rtcp-fb values the viewer kept for the primary payload type
 */
public record AcceptedTrack(MediaKind kind, String mid, List<Integer> payloadTypes, int primaryPayloadType,
                            int rtxPayloadType, List<ExtMap> headerExtensions, List<String> feedback) {

    public AcceptedTrack {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mid, "mid");
        payloadTypes = List.copyOf(payloadTypes);
        headerExtensions = List.copyOf(headerExtensions);
        feedback = List.copyOf(feedback);
    }

    public boolean hasRtx() {
        return rtxPayloadType >= 0;
    }
}
