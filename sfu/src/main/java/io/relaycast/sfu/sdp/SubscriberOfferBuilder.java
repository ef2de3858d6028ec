package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerSsrcs;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the SFU's offer to a viewer from what the publisher negotiated: one sendonly m-section per published
 * track (audio mid "0", video mid "1"), the publisher's codecs with their payload types, feedback and header
 * extension ids (so forwarding only rewrites SSRC, sequence numbers and timestamps), and the viewer's own SSRCs.
 * We offer {@code a=setup:actpass} as JSEP requires of offerers (RFC 8842 section 5.2) and expect the viewer to
 * answer {@code active}; see {@link SubscriberAnswerReader}.
 *
 * <p>One deliberate difference from the publisher's feedback: video always offers {@code nack} and {@code nack pli}
 * (RFC 4585), because the SFU answers them itself from each Consumer's retransmission buffer and keyframe logic,
 * even when the publisher (ffmpeg, OBS) negotiated no feedback upstream.
 */
public final class SubscriberOfferBuilder {

    private static final List<String> SFU_SERVED_VIDEO_FEEDBACK = List.of("nack", "nack pli");

    public SessionDescription offer(PublishedTracks tracks, LocalTransport local, ViewerSsrcs ssrcs) {
        Objects.requireNonNull(tracks, "tracks");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(ssrcs, "ssrcs");
        SessionDescription offer = TransportLines.sessionHead(local);
        List<PublishedTrack> published = tracks.all();
        List<String> mids = new ArrayList<>();
        for (int i = 0; i < published.size(); i++) {
            mids.add(Integer.toString(i));
        }
        offer.addAttribute("group", "BUNDLE " + String.join(" ", mids));
        offer.addAttribute("extmap-allow-mixed");
        offer.addAttribute("msid-semantic", " WMS " + ssrcs.streamId());
        for (int i = 0; i < published.size(); i++) {
            offer.addMedia(section(published.get(i), mids.get(i), i == 0, local, ssrcs));
        }
        return offer;
    }

    private static MediaDescription section(PublishedTrack track, String mid, boolean tagged, LocalTransport local,
                                            ViewerSsrcs ssrcs) {
        MediaKind kind = track.kind();
        long ssrc = kind == MediaKind.AUDIO ? ssrcs.audioSsrc() : ssrcs.videoSsrc();
        if (ssrc == 0) {
            throw new IllegalArgumentException("no viewer SSRC given for the published " + kind.media() + " track");
        }
        long rtxSsrc = kind == MediaKind.VIDEO ? ssrcs.videoRtxSsrc() : 0;
        List<NegotiatedCodec> codecs = new ArrayList<>();
        for (NegotiatedCodec codec : track.codecs()) {
            NegotiatedCodec offered = kind == MediaKind.VIDEO ? codec.withFeedback(viewerFeedback(codec)) : codec;
            // Without an RTX SSRC there is no stream to carry retransmissions, so RTX is not offered.
            codecs.add(rtxSsrc == 0 ? offered.withoutRtx() : offered);
        }
        boolean rtx = codecs.stream().anyMatch(NegotiatedCodec::hasRtx);

        MediaDescription section = new MediaDescription(MediaLine.rtp(kind.media(), TransportLines.port(local),
                "UDP/TLS/RTP/SAVPF", CodecLines.payloadTypes(codecs)));
        TransportLines.appendConnection(section, local);
        if (tagged) {
            TransportLines.appendCandidates(section, local);
        }
        TransportLines.appendIceAndDtls(section, local, DtlsSetup.ACTPASS);
        section.addAttribute("mid", mid);
        for (ExtMap map : track.headerExtensions()) {
            if (HeaderExtensions.isForwardedToViewers(map.uri())) {
                // The publisher's extensions were answered recvonly; toward the viewer we send them.
                section.addAttribute("extmap", new ExtMap(map.id(), map.uri()).toAttributeValue());
            }
        }
        section.addAttribute(MediaDirection.SENDONLY.attributeName());
        String msid = ssrcs.streamId() + " " + ssrcs.trackId(kind);
        section.addAttribute("msid", msid);
        section.addAttribute("rtcp-mux");
        section.addAttribute("rtcp-rsize");
        CodecLines.append(section, codecs);
        if (rtx) {
            // RFC 4588 section 8.3 / RFC 5576 section 4.2: FID pairs the media SSRC with its RTX SSRC.
            section.addAttribute("ssrc-group", SsrcGroup.FID + " " + ssrc + " " + rtxSsrc);
        }
        appendSource(section, ssrc, ssrcs.cname(), msid);
        if (rtx) {
            appendSource(section, rtxSsrc, ssrcs.cname(), msid);
        }
        return section;
    }

    private static List<String> viewerFeedback(NegotiatedCodec codec) {
        List<String> feedback = new ArrayList<>(codec.feedback());
        for (String served : SFU_SERVED_VIDEO_FEEDBACK) {
            if (!feedback.contains(served)) {
                feedback.add(served);
            }
        }
        return feedback;
    }

    /** a=ssrc cname (RFC 5576 section 6.1) and the legacy ssrc msid line older Chrome-based clients look for. */
    private static void appendSource(MediaDescription section, long ssrc, String cname, String msid) {
        section.addAttribute("ssrc", ssrc + " cname:" + cname);
        section.addAttribute("ssrc", ssrc + " msid:" + msid);
    }
}
