package io.relaycast.sfu.sdp;

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

    /**
     * A viewer's answer to our offer (SubscriberOfferBuilder), which used the publisher's payload types and
     * extension ids: the viewer's numbers are the publisher's, restricted to what the viewer kept.
     */
    public static ViewerTrack fromAnswer(AcceptedTrack accepted, PublishedTrack offeredFrom) {
        List<ViewerCodec> codecs = new ArrayList<>();
        for (int pt : accepted.payloadTypes()) {
            for (NegotiatedCodec codec : offeredFrom.codecs()) {
                if (codec.payloadType() == pt) {
                    // RFC 4588 section 8.6: the RTX type we offered for this codec, if the viewer kept it
                    int rtx = codec.hasRtx() && accepted.payloadTypes().contains(codec.rtxPayloadType())
                            ? codec.rtxPayloadType() : -1;
                    codecs.add(new ViewerCodec(pt, codec.codec(), codec.formatParameters(), rtx));
                }
            }
        }
        return new ViewerTrack(accepted.kind(), accepted.mid(), codecs, accepted.headerExtensions());
    }
}
