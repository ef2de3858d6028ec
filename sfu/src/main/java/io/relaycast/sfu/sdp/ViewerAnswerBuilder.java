package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerSsrcs;
import io.relaycast.sfu.media.ViewerTrack;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Answers a viewer that brings its own offer (WHEP: the player offers {@code recvonly} audio and video) with what
 * the publisher sends.
 *
 * <p>The answer follows JSEP (RFC 8829 section 5.3.1): the offer's m-sections in order with their mids; the first
 * receiving audio and the first receiving video section that match a published track are answered
 * {@code sendonly} (RFC 3264 section 6.1), bundled (RFC 8843) and rtcp-muxed (RFC 5761), with the viewer's payload
 * types and header extension ids for the codecs the publisher negotiated, our own SSRC per track (RFC 5576) and no
 * RTX (the SFU does not retransmit yet); every other section gets port 0. A viewer may take audio only or video
 * only; at least one track must match.
 *
 * <p>Forwarding maps the publisher's payload types and extension ids onto the viewer's, so the viewer's numbering
 * never has to match the publisher's (see {@link ViewerCodec}).
 */
public final class ViewerAnswerBuilder {

    /** The RTCP feedback we act on from viewers: NACK (RFC 4585), PLI (RFC 4585) and FIR (RFC 5104). */
    static final Set<String> VIEWER_FEEDBACK = Set.of("nack", "nack pli", "ccm fir");

    /**
     * The header extensions forwarded to viewers. The mid and rid extensions describe the publisher's sections and
     * layers, not the viewer's, and transport-wide sequence numbers would ask the viewer for feedback about a
     * transport it does not share with the publisher, so those are stripped from forwarded packets.
     */
    public static final Set<String> FORWARDED_EXTENSIONS = Set.of(HeaderExtensions.AUDIO_LEVEL,
            HeaderExtensions.ABS_SEND_TIME, HeaderExtensions.VIDEO_ORIENTATION);

    private final SdpParser parser;

    public ViewerAnswerBuilder(SdpLimits limits) {
        this.parser = new SdpParser(limits);
    }

    public ViewerAnswerBuilder() {
        this(SdpLimits.DEFAULTS);
    }

    public ViewerAnswer answer(String offerSdp, PublishedTracks published, LocalTransport local, ViewerSsrcs ssrcs)
            throws SdpException {
        return answer(parser.parse(offerSdp), published, local, ssrcs);
    }

    /** One offered m-section and what we decided about it. */
    private static final String NO_COMMON_CODEC = "no common codec";

    private record Decision(MediaDescription offered, ViewerTrack track, PublishedTrack source, String rejection) {
        boolean accepted() {
            return rejection == null;
        }
    }

    public ViewerAnswer answer(SessionDescription offer, PublishedTracks published, LocalTransport local,
                               ViewerSsrcs ssrcs) throws SdpException {
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(ssrcs, "ssrcs");
        if (offer.media().isEmpty()) {
            throw new SdpException(SdpErrorCode.NO_MEDIA, "the offer has no m-section; offer recvonly audio and video");
        }
        List<Decision> decisions = decide(offer, published);
        for (Decision d : decisions) {
            // a viewer that asked for the video but decodes none of its codecs (an H.264 broadcast, e.g. from RTMP,
            // and a player without H.264) gets a clear error rather than a silent audio-only answer
            if (!d.accepted() && d.rejection().startsWith(NO_COMMON_CODEC) && published.video() != null
                    && d.offered().kind().filter(k -> k == MediaKind.VIDEO).isPresent()) {
                throw new SdpException(SdpErrorCode.NO_COMMON_CODEC, "this broadcast's video is "
                        + codecNames(published.video()) + ", which the offer does not include; it cannot be"
                        + " decoded here");
            }
        }
        List<Decision> accepted = decisions.stream().filter(Decision::accepted).toList();
        if (accepted.isEmpty()) {
            throw nothingUsable(decisions);
        }
        if (!offer.hasBundleGroup() && accepted.size() > 1) {
            throw new SdpException(SdpErrorCode.BUNDLE_REQUIRED, "the offer has " + accepted.size()
                    + " media sections but no a=group:BUNDLE; we send all media on one transport (RFC 8843)");
        }
        MediaDescription tagged = taggedSection(offer, accepted);
        RemoteTransport remote = RemoteTransport.read(offer, tagged);
        DtlsSetup localSetup = switch (remote.setup()) {
            // RFC 5763 section 5 / RFC 8842 section 5.3: to actpass or active we answer passive (DTLS server)
            case ACTPASS, ACTIVE -> DtlsSetup.PASSIVE;
            case PASSIVE -> DtlsSetup.ACTIVE;
            case HOLDCONN -> throw new SdpException(SdpErrorCode.INVALID_DTLS_SETUP,
                    "a=setup:holdconn offers no DTLS connection to set up (RFC 4145 section 4)");
        };

        SessionDescription answer = TransportLines.sessionHead(local);
        if (offer.hasBundleGroup()) {
            StringBuilder group = new StringBuilder("BUNDLE");
            for (Decision decision : accepted) {
                group.append(' ').append(decision.track().mid());
            }
            answer.addAttribute("group", group.toString());
        }
        if (offer.hasAttribute("extmap-allow-mixed")) {
            answer.addAttribute("extmap-allow-mixed"); // RFC 8285 section 6
        }
        answer.addAttribute("msid-semantic", " WMS " + ssrcs.streamId());
        List<ViewerTrack> tracks = new ArrayList<>();
        for (Decision decision : decisions) {
            if (decision.accepted()) {
                answer.addMedia(acceptedSection(decision, local, localSetup, decision.offered() == tagged, ssrcs));
                tracks.add(decision.track());
            } else {
                answer.addMedia(rejectedSection(decision.offered()));
            }
        }
        return new ViewerAnswer(answer, remote, localSetup, tracks);
    }

    private List<Decision> decide(SessionDescription offer, PublishedTracks published) throws SdpException {
        List<String> bundleMids = offer.bundleMids();
        Set<MediaKind> taken = EnumSet.noneOf(MediaKind.class);
        List<Decision> decisions = new ArrayList<>();
        for (MediaDescription section : offer.media()) {
            Optional<MediaKind> kind = section.kind();
            String rejection = null;
            if (kind.isEmpty()) {
                rejection = "a broadcast carries only audio and video, not " + section.mediaLine().media();
            } else if (section.isRejected()) {
                rejection = "the offer disabled it (port 0)";
            } else if (!section.mediaLine().protocol().toUpperCase(Locale.ROOT).endsWith("RTP/SAVPF")) {
                rejection = "protocol " + section.mediaLine().protocol() + " is not DTLS-SRTP (UDP/TLS/RTP/SAVPF)";
            } else if (section.mid().isEmpty()) {
                rejection = "it has no a=mid (RFC 8829 section 5.2.1)";
            } else if (!section.direction(offer).receives()) {
                rejection = "a viewer's section must receive, this one is " + section.direction(offer).attributeName();
            } else if (taken.contains(kind.get())) {
                rejection = "a broadcast has one " + kind.get().media() + " track, already answered in another section";
            } else if (published.track(kind.get()).isEmpty()) {
                rejection = "the broadcast has no " + kind.get().media() + " track";
            } else if (!bundleMids.isEmpty() && !bundleMids.contains(section.mid().get())) {
                rejection = "it is outside the BUNDLE group and we run a single transport";
            }
            if (rejection != null) {
                decisions.add(new Decision(section, null, null, rejection));
                continue;
            }
            String mid = section.mid().get();
            if (!section.hasAttribute("rtcp-mux")) {
                throw new SdpException(SdpErrorCode.RTCP_MUX_REQUIRED, "the " + kind.get().media()
                        + " m-section (mid " + mid + ") lacks a=rtcp-mux; we never open a separate RTCP port (RFC 5761)");
            }
            PublishedTrack source = published.track(kind.get()).orElseThrow();
            List<ViewerCodec> codecs = matchCodecs(section, source);
            if (codecs.isEmpty()) {
                decisions.add(new Decision(section, null, null, NO_COMMON_CODEC + " with the broadcast's "
                        + codecNames(source)));
                continue;
            }
            taken.add(kind.get());
            decisions.add(new Decision(section, new ViewerTrack(kind.get(), mid, codecs, extensions(section, kind.get(),
                    source)), source, null));
        }
        return decisions;
    }

    /** The viewer's entries for the publisher's codecs, in the viewer's order (JSEP keeps the offerer's order). */
    private static List<ViewerCodec> matchCodecs(MediaDescription section, PublishedTrack source) throws SdpException {
        Map<Integer, RtpMap> maps = new HashMap<>();
        for (RtpMap map : section.rtpMaps()) {
            maps.put(map.payloadType(), map);
        }
        Map<Integer, FormatParameters> fmtps = new HashMap<>();
        for (FormatParameters fmtp : section.allFormatParameters()) {
            fmtps.putIfAbsent(fmtp.payloadType(), fmtp);
        }
        List<ViewerCodec> offered = new ArrayList<>();
        for (int pt : section.mediaLine().payloadTypes()) {
            RtpMap map = maps.get(pt);
            if (map == null) {
                continue;
            }
            FormatParameters fmtp = fmtps.get(pt);
            Optional<ForwardedCodec> codec = CodecMatcher.identify(map, fmtp);
            if (codec.isPresent() && codec.get().kind() == source.kind()) {
                offered.add(new ViewerCodec(pt, codec.get(), fmtp == null ? "" : fmtp.text()));
            }
        }
        Set<ViewerCodec> chosen = new LinkedHashSet<>();
        for (NegotiatedCodec codec : source.codecs()) {
            ViewerCodec.bestFor(codec, offered).ifPresent(chosen::add);
        }
        return offered.stream().filter(chosen::contains).toList();
    }

    /** RFC 8285 section 7: the answer keeps the offerer's ids; only what we forward and the publisher sends. */
    private static List<ExtMap> extensions(MediaDescription section, MediaKind kind, PublishedTrack source)
            throws SdpException {
        List<ExtMap> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ExtMap map : section.extMaps()) {
            boolean publisherSends = source.headerExtensionId(map.uri()).isPresent();
            boolean viewerReceives = map.direction() == null || map.direction().receives();
            if (FORWARDED_EXTENSIONS.contains(map.uri()) && HeaderExtensions.isSupported(kind, map.uri())
                    && publisherSends && viewerReceives && seen.add(map.uri())) {
                out.add(new ExtMap(map.id(), map.direction() == null ? null : map.direction().reverse(), map.uri(), ""));
            }
        }
        return out;
    }

    private static MediaDescription acceptedSection(Decision decision, LocalTransport local, DtlsSetup setup,
                                                    boolean tagged, ViewerSsrcs ssrcs) throws SdpException {
        MediaDescription offered = decision.offered();
        ViewerTrack track = decision.track();
        List<Integer> pts = track.codecs().stream().map(ViewerCodec::payloadType).toList();
        MediaDescription section = new MediaDescription(MediaLine.rtp(offered.mediaLine().media(),
                TransportLines.port(local), offered.mediaLine().protocol(), pts));
        TransportLines.appendConnection(section, local);
        if (tagged) {
            TransportLines.appendCandidates(section, local);
        }
        TransportLines.appendIceAndDtls(section, local, setup);
        section.addAttribute("mid", track.mid());
        for (ExtMap map : track.headerExtensions()) {
            section.addAttribute("extmap", map.toAttributeValue());
        }
        section.addAttribute(MediaDirection.SENDONLY.attributeName());
        String msid = ssrcs.streamId() + " " + ssrcs.trackId(track.kind());
        section.addAttribute("msid", msid);
        section.addAttribute("rtcp-mux");
        if (offered.hasAttribute("rtcp-rsize")) {
            section.addAttribute("rtcp-rsize"); // RFC 5506 section 5: only when both sides agree
        }
        List<RtcpFeedback> feedback = offered.rtcpFeedback();
        for (ViewerCodec codec : track.codecs()) {
            RtpMap map = offered.rtpMap(codec.payloadType()).orElseThrow();
            section.addAttribute("rtpmap", map.toAttributeValue());
            Set<String> kept = new LinkedHashSet<>();
            for (RtcpFeedback fb : feedback) {
                if (fb.appliesTo(codec.payloadType()) && VIEWER_FEEDBACK.contains(fb.feedback())) {
                    kept.add(fb.feedback());
                }
            }
            for (String fb : kept) {
                section.addAttribute("rtcp-fb", codec.payloadType() + " " + fb);
            }
            if (!codec.formatParameters().isEmpty()) {
                section.addAttribute("fmtp", codec.payloadType() + " " + codec.formatParameters());
            }
        }
        long ssrc = track.kind() == MediaKind.AUDIO ? ssrcs.audioSsrc() : ssrcs.videoSsrc();
        if (ssrc == 0) {
            throw new IllegalArgumentException("no viewer SSRC given for the " + track.kind().media() + " track");
        }
        // RFC 5576 section 4.1: the viewer learns our SSRC up front and demultiplexes by it
        section.addAttribute("ssrc", ssrc + " cname:" + ssrcs.cname());
        section.addAttribute("ssrc", ssrc + " msid:" + msid);
        return section;
    }

    /** RFC 8829 section 5.3.1 and RFC 8843 section 7.3.3: port 0, the offered formats, the mid, nothing else. */
    private static MediaDescription rejectedSection(MediaDescription offered) {
        MediaDescription section = new MediaDescription(offered.mediaLine().withPort(0));
        section.addLine('c', "IN IP4 0.0.0.0");
        offered.mid().ifPresent(mid -> section.addAttribute("mid", mid));
        return section;
    }

    /** The answerer's tagged section is the first accepted mid in the offer's BUNDLE order (RFC 8843 7.3.1). */
    private static MediaDescription taggedSection(SessionDescription offer, List<Decision> accepted) {
        for (String mid : offer.bundleMids()) {
            for (Decision decision : accepted) {
                if (decision.track().mid().equals(mid)) {
                    return decision.offered();
                }
            }
        }
        return accepted.get(0).offered();
    }

    private static SdpException nothingUsable(List<Decision> decisions) {
        StringBuilder why = new StringBuilder();
        boolean noCodec = false;
        for (Decision decision : decisions) {
            if (why.length() > 0) {
                why.append("; ");
            }
            why.append(decision.offered().mediaLine().media())
                    .append(decision.offered().mid().map(m -> " (mid " + m + ")").orElse(""))
                    .append(": ").append(decision.rejection());
            noCodec |= decision.rejection().startsWith("no common codec");
        }
        return new SdpException(noCodec ? SdpErrorCode.NO_COMMON_CODEC : SdpErrorCode.NO_MEDIA,
                "nothing in the offer can receive this broadcast: " + why);
    }

    private static String codecNames(PublishedTrack track) {
        List<String> names = new ArrayList<>();
        for (NegotiatedCodec codec : track.codecs()) {
            names.add(codec.codec().encodingName());
        }
        return String.join(", ", names);
    }
}
