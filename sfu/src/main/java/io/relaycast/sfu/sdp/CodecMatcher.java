package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Intersects the codecs of one offered m-section with ours. Keeps at most one payload type per codec so every
 * viewer can be offered exactly what the publisher may send, and keeps them in the offerer's order (JSEP,
 * RFC 8829 section 5.3.1: the answer lists codecs in the offer's preference order).
 */
final class CodecMatcher {

    /** The RTCP feedback the SFU acts on (RFC 4585 nack/pli, RFC 5104 fir, REMB, transport-cc). */
    private static final Set<String> KEPT_FEEDBACK = Set.of("nack", "nack pli", "ccm fir", "goog-remb", "transport-cc");

    private final SupportedCodecs supported;

    CodecMatcher(SupportedCodecs supported) {
        this.supported = supported;
    }

    /**
     * The codecs to accept in this section, in offer order, or an empty list when nothing is common.
     *
     * @param extensions the header extensions already negotiated for the section: transport-cc feedback is only
     *                   kept when the transport-wide sequence number extension is, since one is useless without
     *                   the other
     */
    List<NegotiatedCodec> match(MediaDescription section, MediaKind kind, List<ExtMap> extensions) throws SdpException {
        List<Integer> offeredOrder = section.mediaLine().payloadTypes();
        Map<Integer, RtpMap> rtpMaps = new HashMap<>();
        for (RtpMap map : section.rtpMaps()) {
            rtpMaps.put(map.payloadType(), map);
        }
        Map<Integer, FormatParameters> fmtps = new HashMap<>();
        for (FormatParameters fmtp : section.allFormatParameters()) {
            fmtps.putIfAbsent(fmtp.payloadType(), fmtp);
        }
        Map<ForwardedCodec, List<RtpMap>> candidates = new EnumMap<>(ForwardedCodec.class);
        Map<Integer, ForwardedCodec> identified = new HashMap<>();
        for (int pt : offeredOrder) {
            RtpMap map = rtpMaps.get(pt);
            if (map == null) {
                continue; // a static payload type without rtpmap (PCMU, G722...): none we forward
            }
            Optional<ForwardedCodec> codec = identify(map, fmtps.get(pt));
            if (codec.isPresent() && codec.get().kind() == kind && supported.isEnabled(codec.get())) {
                candidates.computeIfAbsent(codec.get(), c -> new ArrayList<>()).add(map);
                identified.put(pt, codec.get());
            }
        }
        Set<Integer> chosen = new HashSet<>();
        for (Map.Entry<ForwardedCodec, List<RtpMap>> entry : candidates.entrySet()) {
            chosen.add(pick(entry.getKey(), entry.getValue(), fmtps).payloadType());
        }
        boolean transportCc = extensions.stream().anyMatch(e -> e.uri().equals(HeaderExtensions.TRANSPORT_WIDE_CC));
        List<RtcpFeedback> feedback = section.rtcpFeedback();
        List<NegotiatedCodec> result = new ArrayList<>();
        for (int pt : offeredOrder) {
            if (!chosen.remove(pt)) {
                continue;
            }
            RtpMap map = rtpMaps.get(pt);
            FormatParameters fmtp = fmtps.get(pt);
            int rtxPt = -1;
            String rtxFmtp = "";
            if (supported.rtx()) {
                Optional<FormatParameters> rtx = findRtx(offeredOrder, rtpMaps, fmtps, map);
                if (rtx.isPresent()) {
                    rtxPt = rtx.get().payloadType();
                    rtxFmtp = rtx.get().text();
                }
            }
            result.add(new NegotiatedCodec(identified.get(pt), pt, map.encodingName(), map.clockRate(), map.channels(),
                    fmtp == null ? "" : fmtp.text(), rtxPt, rtxFmtp, keptFeedback(feedback, pt, transportCc)));
        }
        return result;
    }

    /** For H.264, the preferred profile-level-id when offered, else the first packetization-mode=1 entry. */
    private RtpMap pick(ForwardedCodec codec, List<RtpMap> maps, Map<Integer, FormatParameters> fmtps) {
        if (codec == ForwardedCodec.H264) {
            for (RtpMap map : maps) {
                Optional<String> profile = Optional.ofNullable(fmtps.get(map.payloadType()))
                        .flatMap(f -> f.parameter("profile-level-id"));
                if (profile.isPresent() && profile.get().equalsIgnoreCase(supported.preferredH264ProfileLevelId())) {
                    return map;
                }
            }
        }
        return maps.get(0);
    }

    /** RFC 4588 section 8.6: {@code a=rtpmap:<rtx pt> rtx/<same clock rate>} and {@code a=fmtp:<rtx pt> apt=<pt>}. */
    private static Optional<FormatParameters> findRtx(List<Integer> offeredOrder, Map<Integer, RtpMap> rtpMaps,
                                                      Map<Integer, FormatParameters> fmtps, RtpMap media) {
        String apt = Integer.toString(media.payloadType());
        for (int pt : offeredOrder) {
            RtpMap map = rtpMaps.get(pt);
            if (map == null || !map.isEncoding("rtx") || map.clockRate() != media.clockRate()) {
                continue;
            }
            FormatParameters fmtp = fmtps.get(pt);
            if (fmtp != null && fmtp.parameter("apt").filter(apt::equals).isPresent()) {
                return Optional.of(fmtp);
            }
        }
        return Optional.empty();
    }

    private static List<String> keptFeedback(List<RtcpFeedback> offered, int pt, boolean transportCc) {
        Set<String> kept = new LinkedHashSet<>();
        for (RtcpFeedback feedback : offered) {
            String value = feedback.feedback();
            if (feedback.appliesTo(pt) && KEPT_FEEDBACK.contains(value)
                    && (transportCc || !value.equals("transport-cc"))) {
                kept.add(value);
            }
        }
        return List.copyOf(kept);
    }

    /** Which codec an offered rtpmap and fmtp describe, if we forward it at all. */
    static Optional<ForwardedCodec> identify(RtpMap map, FormatParameters fmtp) {
        for (ForwardedCodec codec : ForwardedCodec.values()) {
            if (map.isEncoding(codec.encodingName()) && map.clockRate() == codec.clockRate()
                    && (codec.channels() == 0 || map.channels() == codec.channels()) && acceptsParameters(codec, fmtp)) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }

    private static boolean acceptsParameters(ForwardedCodec codec, FormatParameters fmtp) {
        return switch (codec) {
            // RFC 6184 section 8.1: packetization-mode absent means 0 (single NAL unit), which we refuse.
            case H264 -> fmtp != null && fmtp.parameter("packetization-mode").filter("1"::equals).isPresent();
            // RFC 9628 section 6: profile-id absent means 0.
            case VP9 -> fmtp == null || fmtp.parameter("profile-id").orElse("0").equals("0");
            default -> true;
        };
    }
}
