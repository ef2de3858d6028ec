package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Answers a broadcaster's offer (browser over Socket.IO, or a WHIP encoder) and says what it will send.
 *
 * <p>The answer follows JSEP (RFC 8829 section 5.3.1): the same m-sections in the same order with the same mids;
 * accepted sections are {@code recvonly}, bundled (RFC 8843), rtcp-muxed (RFC 5761) and keep the offerer's
 * payload types and header extension ids; the others get port 0. A broadcast is one audio and one video track,
 * so a second sending section of a kind is an error rather than a silent rejection.
 */
public final class PublisherAnswerBuilder {

    /** RFC 8853 allows the answerer to drop simulcast streams; three layers is what browsers send and we select from. */
    static final int MAX_SIMULCAST_LAYERS = 3;

    private final SdpParser parser;
    private final CodecMatcher codecMatcher;
    private final int videoStartKbps;
    private final int videoMaxKbps;

    public PublisherAnswerBuilder(SupportedCodecs codecs, SdpLimits limits) {
        this(codecs, limits, 0, 0);
    }

    /**
     * @param videoStartKbps the publisher's initial video bitrate estimate, 0 for the browser's own (300 kbit/s
     *                       in Chrome); written as {@code x-google-start-bitrate} on the video codecs we answer
     * @param videoMaxKbps   the most the publisher should send, 0 for no limit of ours
     *                       ({@code x-google-max-bitrate})
     */
    public PublisherAnswerBuilder(SupportedCodecs codecs, SdpLimits limits, int videoStartKbps, int videoMaxKbps) {
        this.parser = new SdpParser(limits);
        this.codecMatcher = new CodecMatcher(Objects.requireNonNull(codecs, "codecs"));
        this.videoStartKbps = videoStartKbps;
        this.videoMaxKbps = videoMaxKbps;
    }

    public PublisherAnswerBuilder() {
        this(SupportedCodecs.defaults(), SdpLimits.DEFAULTS);
    }

    public PublisherAnswer answer(String offerSdp, LocalTransport local) throws SdpException {
        return answer(parser.parse(offerSdp), local);
    }

    /** One offered m-section and what we decided about it. */
    private record Decision(MediaDescription offered, MediaKind kind, List<NegotiatedCodec> codecs,
                            List<ExtMap> extensions, String rejection) {
        boolean accepted() {
            return rejection == null;
        }
    }

    public PublisherAnswer answer(SessionDescription offer, LocalTransport local) throws SdpException {
        Objects.requireNonNull(local, "local");
        if (offer.media().isEmpty()) {
            throw new SdpException(SdpErrorCode.NO_MEDIA, "the offer has no m-section; a broadcast needs audio or video");
        }
        List<Decision> decisions = decide(offer);
        List<Decision> accepted = decisions.stream().filter(Decision::accepted).toList();
        if (accepted.isEmpty()) {
            throw nothingUsable(decisions);
        }
        if (!offer.hasBundleGroup() && accepted.size() > 1) {
            throw new SdpException(SdpErrorCode.BUNDLE_REQUIRED, "the offer has " + accepted.size()
                    + " media sections but no a=group:BUNDLE; we receive all media on one transport (RFC 8843)");
        }
        MediaDescription tagged = taggedSection(offer, accepted);
        RemoteTransport remote = RemoteTransport.read(offer, tagged);
        DtlsSetup localSetup = answerSetup(remote.setup());

        SessionDescription answer = TransportLines.sessionHead(local);
        if (offer.hasBundleGroup()) {
            StringBuilder group = new StringBuilder("BUNDLE");
            for (Decision decision : accepted) {
                group.append(' ').append(decision.offered().mid().orElseThrow());
            }
            answer.addAttribute("group", group.toString());
        }
        if (offer.hasAttribute("extmap-allow-mixed")) {
            // RFC 8285 section 6: one- and two-byte headers may be mixed only if both sides say so.
            answer.addAttribute("extmap-allow-mixed");
        }
        PublishedTrack audio = null;
        PublishedTrack video = null;
        List<String> rejectedMids = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (Decision decision : decisions) {
            if (!decision.accepted()) {
                answer.addMedia(rejectedSection(decision.offered()));
                decision.offered().mid().ifPresent(rejectedMids::add);
                reasons.add(decision.offered().mid().map(m -> "mid " + m + ": ").orElse("") + decision.rejection());
                continue;
            }
            List<String> rids = simulcastRids(decision.offered());
            answer.addMedia(acceptedSection(decision, local, localSetup, decision.offered() == tagged, rids));
            PublishedTrack track = publishedTrack(decision, rids);
            if (decision.kind() == MediaKind.AUDIO) {
                audio = track;
            } else {
                video = track;
            }
        }
        return new PublisherAnswer(answer, new PublishedTracks(audio, video), remote, localSetup, rejectedMids, reasons);
    }

    private List<Decision> decide(SessionDescription offer) throws SdpException {
        List<String> bundleMids = offer.bundleMids();
        Map<MediaKind, String> sendingMid = new EnumMap<>(MediaKind.class);
        List<Decision> decisions = new ArrayList<>();
        int index = 0;
        for (MediaDescription section : offer.media()) {
            index++;
            Optional<MediaKind> kind = section.kind();
            String rejection = null;
            if (kind.isEmpty()) {
                rejection = "a broadcast carries only audio and video, not " + section.mediaLine().media();
            } else if (section.isRejected()) {
                rejection = "the offer disabled it (port 0)";
            } else if (section.isBundleOnly() && !offer.bundleMids().contains(section.mid().orElse(""))) {
                rejection = "it is bundle-only but not in the BUNDLE group (RFC 8843 section 6)";
            } else if (!section.mediaLine().protocol().toUpperCase(Locale.ROOT).endsWith("RTP/SAVPF")) {
                // RFC 8827 section 6.5: WebRTC media is DTLS-SRTP with feedback, i.e. UDP/TLS/RTP/SAVPF.
                rejection = "protocol " + section.mediaLine().protocol() + " is not DTLS-SRTP (UDP/TLS/RTP/SAVPF)";
            }
            if (rejection != null) {
                decisions.add(new Decision(section, kind.orElse(null), List.of(), List.of(), rejection));
                continue;
            }
            int number = index;
            String mid = section.mid().orElseThrow(() -> SdpException.malformed("the " + section.mediaLine().media()
                    + " m-section number " + number + " has no a=mid (RFC 8829 section 5.2.1)"));
            MediaDirection direction = section.direction(offer);
            if (!direction.sends()) {
                decisions.add(new Decision(section, kind.get(), List.of(), List.of(),
                        "a publisher's section must send, this one is " + direction.attributeName()));
                continue;
            }
            String previous = sendingMid.putIfAbsent(kind.get(), mid);
            if (previous != null) {
                throw new SdpException(SdpErrorCode.TOO_MANY_TRACKS, "the offer sends a second " + kind.get().media()
                        + " track (mids " + previous + " and " + mid + "); a broadcast is one audio and one video track");
            }
            if (!bundleMids.isEmpty() && !bundleMids.contains(mid)) {
                decisions.add(new Decision(section, kind.get(), List.of(), List.of(),
                        "it is outside the BUNDLE group and we run a single transport"));
                continue;
            }
            if (!section.hasAttribute("rtcp-mux")) {
                throw new SdpException(SdpErrorCode.RTCP_MUX_REQUIRED, "the " + kind.get().media()
                        + " m-section (mid " + mid + ") lacks a=rtcp-mux; we never open a separate RTCP port (RFC 5761,"
                        + " RFC 8829 section 5.1.3)");
            }
            List<ExtMap> extensions = HeaderExtensions.negotiate(kind.get(), section.extMaps());
            List<NegotiatedCodec> codecs = codecMatcher.match(section, kind.get(), extensions);
            if (codecs.isEmpty()) {
                decisions.add(new Decision(section, kind.get(), List.of(), List.of(),
                        "no common codec; offered " + offeredCodecNames(section)));
                continue;
            }
            decisions.add(new Decision(section, kind.get(), codecs, extensions, null));
        }
        return decisions;
    }

    private static SdpException nothingUsable(List<Decision> decisions) {
        StringBuilder why = new StringBuilder();
        boolean noCodec = false;
        for (Decision decision : decisions) {
            if (why.length() > 0) {
                why.append("; ");
            }
            why.append(decision.offered().mediaLine().media()).append(decision.offered().mid().map(m -> " (mid " + m + ")")
                    .orElse("")).append(": ").append(decision.rejection());
            noCodec |= decision.rejection().startsWith("no common codec");
        }
        if (noCodec) {
            return new SdpException(SdpErrorCode.NO_COMMON_CODEC, "no offered codec is one we forward (Opus, VP8, VP9"
                    + " profile 0, H.264 packetization-mode=1): " + why);
        }
        return new SdpException(SdpErrorCode.NO_MEDIA, "the offer has no audio or video track we can receive: " + why);
    }

    private static String offeredCodecNames(MediaDescription section) throws SdpException {
        List<String> names = new ArrayList<>();
        for (RtpMap map : section.rtpMaps()) {
            String name = map.encodingName();
            if (!names.contains(name) && !map.isEncoding("rtx")) {
                names.add(name);
            }
        }
        return names.isEmpty() ? "none" : String.join(", ", names);
    }

    /** The answerer's tagged section is the first accepted mid in the offer's BUNDLE order (RFC 8843 section 7.3.1). */
    private static MediaDescription taggedSection(SessionDescription offer, List<Decision> accepted) {
        for (String mid : offer.bundleMids()) {
            for (Decision decision : accepted) {
                if (decision.offered().mid().filter(mid::equals).isPresent()) {
                    return decision.offered();
                }
            }
        }
        return accepted.get(0).offered();
    }

    /**
     * RFC 5763 section 5 and RFC 8842 section 5.3: to actpass (browsers, OBS) or active we answer passive and run
     * the DTLS server; to passive (ffmpeg's WHIP muxer) we must answer active and be the client.
     */
    private static DtlsSetup answerSetup(DtlsSetup offered) throws SdpException {
        return switch (offered) {
            case ACTPASS, ACTIVE -> DtlsSetup.PASSIVE;
            case PASSIVE -> DtlsSetup.ACTIVE;
            case HOLDCONN -> throw new SdpException(SdpErrorCode.INVALID_DTLS_SETUP,
                    "a=setup:holdconn offers no DTLS connection to set up (RFC 4145 section 4)");
        };
    }

    /** RFC 8829 section 5.3.1 and RFC 8843 section 7.3.3: port 0, the offered formats, the mid, nothing else. */
    private static MediaDescription rejectedSection(MediaDescription offered) {
        MediaDescription section = new MediaDescription(offered.mediaLine().withPort(0));
        section.addLine('c', "IN IP4 0.0.0.0");
        offered.mid().ifPresent(mid -> section.addAttribute("mid", mid));
        return section;
    }

    private MediaDescription acceptedSection(Decision decision, LocalTransport local, DtlsSetup setup,
                                                    boolean tagged, List<String> rids) throws SdpException {
        MediaDescription offered = decision.offered();
        MediaDescription section = new MediaDescription(MediaLine.rtp(offered.mediaLine().media(),
                TransportLines.port(local), offered.mediaLine().protocol(), CodecLines.payloadTypes(decision.codecs())));
        TransportLines.appendConnection(section, local);
        if (tagged) {
            TransportLines.appendCandidates(section, local);
        }
        TransportLines.appendIceAndDtls(section, local, setup);
        section.addAttribute("mid", offered.mid().orElseThrow());
        for (ExtMap map : decision.extensions()) {
            section.addAttribute("extmap", map.toAttributeValue());
        }
        section.addAttribute(MediaDirection.RECVONLY.attributeName());
        section.addAttribute("rtcp-mux");
        if (offered.hasAttribute("rtcp-rsize")) {
            // RFC 5506 section 5: reduced-size RTCP only when both sides agree.
            section.addAttribute("rtcp-rsize");
        }
        CodecLines.append(section, decision.kind() == MediaKind.VIDEO ? withBitrates(decision.codecs())
                : decision.codecs());
        if (!rids.isEmpty()) {
            // RFC 8851 section 4.2 and RFC 8853 section 5.3: the answerer reverses rid and simulcast directions.
            List<List<Simulcast.Stream>> streams = new ArrayList<>();
            for (String rid : rids) {
                section.addAttribute("rid", rid + " recv");
                streams.add(List.of(new Simulcast.Stream(rid, false)));
            }
            section.addAttribute("simulcast", new Simulcast(List.of(), streams).toAttributeValue());
        }
        return section;
    }

    /**
     * The rids of a send simulcast that also have an a=rid send line (RFC 8853 section 5.1 requires both), first
     * alternative of each stream, at most {@link #MAX_SIMULCAST_LAYERS}.
     */
    private static List<String> simulcastRids(MediaDescription section) throws SdpException {
        Optional<Simulcast> simulcast = section.simulcast();
        if (simulcast.isEmpty()) {
            return List.of();
        }
        List<String> declared = new ArrayList<>();
        for (Rid rid : section.rids()) {
            if (rid.direction() == Rid.Direction.SEND) {
                declared.add(rid.id());
            }
        }
        List<String> rids = new ArrayList<>();
        for (List<Simulcast.Stream> alternatives : simulcast.get().send()) {
            String rid = alternatives.get(0).rid();
            if (declared.contains(rid) && !rids.contains(rid) && rids.size() < MAX_SIMULCAST_LAYERS) {
                rids.add(rid);
            }
        }
        return rids;
    }

    private static PublishedTrack publishedTrack(Decision decision, List<String> rids) throws SdpException {
        MediaDescription offered = decision.offered();
        Optional<Msid> msid = SsrcReader.msid(offered);
        return new PublishedTrack(decision.kind(), offered.mid().orElseThrow(), decision.codecs(), decision.extensions(),
                SsrcReader.streams(offered), rids, msid.map(Msid::streamId).orElse(""),
                msid.map(Msid::trackId).orElse(""), SsrcReader.cname(offered));
    }

    /**
     * The video codecs as answered: libwebrtc reads {@code x-google-start-bitrate} / {@code x-google-max-bitrate}
     * (kbit/s) from the remote description's fmtp for the codec it sends, so a browser publisher starts its
     * bandwidth estimate (and its initial probes, at 3x and 6x of it) where we say, instead of ramping from
     * 300 kbit/s. The negotiated codecs forwarded to viewers keep the publisher's own parameters.
     */
    private List<NegotiatedCodec> withBitrates(List<NegotiatedCodec> codecs) {
        if (videoStartKbps <= 0 && videoMaxKbps <= 0) {
            return codecs;
        }
        StringBuilder extra = new StringBuilder();
        if (videoStartKbps > 0) {
            extra.append("x-google-start-bitrate=").append(videoStartKbps);
        }
        if (videoMaxKbps > 0) {
            extra.append(extra.length() == 0 ? "" : ";").append("x-google-max-bitrate=").append(videoMaxKbps);
        }
        List<NegotiatedCodec> out = new ArrayList<>();
        for (NegotiatedCodec c : codecs) {
            String fmtp = c.formatParameters().isEmpty() ? extra.toString() : c.formatParameters() + ";" + extra;
            out.add(new NegotiatedCodec(c.codec(), c.payloadType(), c.encodingName(), c.clockRate(), c.channels(),
                    fmtp, c.rtxPayloadType(), c.rtxFormatParameters(), c.feedback()));
        }
        return out;
    }
}
