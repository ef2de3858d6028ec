package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerTrack;

import java.util.ArrayList;
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

    /**
     * What the viewer receives, from its answer to our offer (SubscriberOfferBuilder), which used the publisher's
     * payload types and extension ids: the viewer's numbers are the publisher's, restricted to what it kept.
     */
    public ViewerTrack toViewerTrack(PublishedTrack offeredFrom) {
        List<ViewerCodec> codecs = new ArrayList<>();
        for (int pt : payloadTypes) {
            for (NegotiatedCodec codec : offeredFrom.codecs()) {
                if (codec.payloadType() == pt) {
                    // RFC 4588 section 8.6: the RTX type we offered for this codec, if the viewer kept it
                    int rtx = codec.hasRtx() && payloadTypes.contains(codec.rtxPayloadType())
                            ? codec.rtxPayloadType() : -1;
                    codecs.add(new ViewerCodec(pt, codec.codec(), codec.formatParameters(), rtx));
                }
            }
        }
        return new ViewerTrack(kind, mid, codecs, headerExtensions);
    }
}
