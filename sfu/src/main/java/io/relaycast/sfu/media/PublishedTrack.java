package io.relaycast.sfu.media;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a publisher will send on one m-section after our answer: the input of a Producer and of every viewer offer.
 *
 * @param codecs           accepted codecs in the offerer's preference order; the first is what it sends first
 * @param headerExtensions negotiated extensions with the publisher's ids (RFC 8285)
 * @param ssrcs            SSRC-signalled streams (a=ssrc, FID and SIM groups), in layer order; empty for rid-only
 *                         simulcast, whose SSRCs are learnt from the rid header extension (RFC 8852)
 * @param rids             simulcast rids in the publisher's order (RFC 8853: highest quality usually last for
 *                         Chrome's q;h;f), empty without rid simulcast
 * @param streamId         a=msid stream id, "" when absent
 * @param trackId          a=msid track id, "" when absent
 * @param cname            RTCP CNAME from a=ssrc ... cname:, "" when absent (RFC 7022)
 */
public record PublishedTrack(MediaKind kind, String mid, List<NegotiatedCodec> codecs, List<ExtMap> headerExtensions,
                             List<StreamSsrcs> ssrcs, List<String> rids, String streamId, String trackId,
                             String cname) {

    public PublishedTrack {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(mid, "mid");
        codecs = List.copyOf(codecs);
        headerExtensions = List.copyOf(headerExtensions);
        ssrcs = List.copyOf(ssrcs);
        rids = List.copyOf(rids);
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(trackId, "trackId");
        Objects.requireNonNull(cname, "cname");
        if (codecs.isEmpty()) {
            throw new IllegalArgumentException("a published track needs at least one codec");
        }
    }

    public NegotiatedCodec primaryCodec() {
        return codecs.get(0);
    }

    public boolean isSimulcast() {
        return rids.size() > 1 || ssrcs.size() > 1;
    }

    /** The id the publisher uses for a header extension URI, e.g. {@link io.relaycast.sfu.sdp.HeaderExtensions#TRANSPORT_WIDE_CC}. */
    public OptionalInt headerExtensionId(String uri) {
        for (ExtMap map : headerExtensions) {
            if (map.uri().equals(uri)) {
                return OptionalInt.of(map.id());
            }
        }
        return OptionalInt.empty();
    }
}
