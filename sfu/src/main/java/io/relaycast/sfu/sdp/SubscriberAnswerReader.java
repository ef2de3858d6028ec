package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks a viewer's answer against the offer we sent it (RFC 3264 section 6, RFC 8829 section 5.10) and extracts
 * what the transport and the Consumers need.
 *
 * <p>DTLS roles: we offered actpass and require the viewer to answer {@code active}, so the SFU is always the DTLS
 * server toward viewers. Browsers answer actpass with active (RFC 8842 section 5.3 recommends it), and keeping one
 * role for every viewer spares the media plane a DTLS client path that no browser would exercise.
 *
 * <p>A viewer that rejects a track we offered (port 0 or inactive) is refused: a broadcast is watched whole, and
 * a viewer that cannot decode the video should fall back to HLS instead of silently getting audio only.
 */
public final class SubscriberAnswerReader {

    private final SdpParser parser;

    public SubscriberAnswerReader(SdpLimits limits) {
        this.parser = new SdpParser(limits);
    }

    public SubscriberAnswerReader() {
        this(SdpLimits.DEFAULTS);
    }

    public SubscriberAnswer read(SessionDescription offer, String answerSdp) throws SdpException {
        return read(offer, parser.parse(answerSdp));
    }

    public SubscriberAnswer read(SessionDescription offer, SessionDescription answer) throws SdpException {
        Objects.requireNonNull(offer, "offer");
        List<MediaDescription> offered = offer.media();
        if (offered.isEmpty()) {
            throw new IllegalArgumentException("our offer has no m-section");
        }
        List<MediaDescription> answered = answer.media();
        if (offered.size() != answered.size()) {
            throw new SdpException(SdpErrorCode.ANSWER_MISMATCH, "the answer has " + answered.size()
                    + " m-sections for the " + offered.size() + " we offered (RFC 3264 section 6)");
        }
        List<AcceptedTrack> tracks = new ArrayList<>();
        for (int i = 0; i < offered.size(); i++) {
            tracks.add(readSection(answer, offered.get(i), answered.get(i), i + 1));
        }
        List<String> bundle = answer.bundleMids();
        for (AcceptedTrack track : tracks) {
            if (!bundle.contains(track.mid())) {
                throw new SdpException(SdpErrorCode.BUNDLE_REQUIRED, "the answer does not bundle mid " + track.mid()
                        + "; we send all media on one transport (RFC 8843)");
            }
        }
        MediaDescription tagged = answer.mediaByMid(bundle.get(0)).orElse(answered.get(0));
        RemoteTransport remote = RemoteTransport.read(answer, tagged);
        if (remote.setup() != DtlsSetup.ACTIVE) {
            throw new SdpException(SdpErrorCode.INVALID_DTLS_SETUP, "the answer says a=setup:" + remote.setup().value()
                    + "; we offered actpass and are the DTLS server for viewers, so the viewer must answer active"
                    + " (RFC 5763 section 5, RFC 8842 section 5.3)");
        }
        return new SubscriberAnswer(remote, tracks);
    }

    private static AcceptedTrack readSection(SessionDescription answer, MediaDescription offered,
                                             MediaDescription answered, int number) throws SdpException {
        String mid = offered.mid().orElseThrow(() -> new IllegalArgumentException("our offer lacks a mid"));
        MediaKind kind = offered.kind().orElseThrow(() -> new IllegalArgumentException("our offer is not audio/video"));
        String where = "m-section " + number + " (" + kind.media() + ", mid " + mid + ")";
        if (!answered.mediaLine().media().equals(offered.mediaLine().media())) {
            throw new SdpException(SdpErrorCode.ANSWER_MISMATCH, where + " is answered as "
                    + answered.mediaLine().media() + " (RFC 3264 section 6)");
        }
        if (answered.isRejected()) {
            throw new SdpException(SdpErrorCode.MEDIA_REJECTED, "the viewer rejected " + where + " with port 0");
        }
        Optional<String> answeredMid = answered.mid();
        if (answeredMid.isEmpty() || !answeredMid.get().equals(mid)) {
            throw new SdpException(SdpErrorCode.ANSWER_MISMATCH, where + " is answered with mid "
                    + answeredMid.orElse("(none)") + " (RFC 8829 section 5.3.1 keeps mids)");
        }
        MediaDirection direction = answered.direction(answer);
        if (direction == MediaDirection.INACTIVE) {
            throw new SdpException(SdpErrorCode.MEDIA_REJECTED, "the viewer answered " + where + " inactive");
        }
        if (direction != MediaDirection.RECVONLY) {
            throw new SdpException(SdpErrorCode.ANSWER_MISMATCH, where + " is answered " + direction.attributeName()
                    + "; an answer to sendonly must be recvonly (RFC 3264 section 6.1)");
        }
        if (!answered.hasAttribute("rtcp-mux")) {
            throw new SdpException(SdpErrorCode.RTCP_MUX_REQUIRED, where + " is answered without a=rtcp-mux (RFC 5761)");
        }
        Map<Integer, RtpMap> offeredMaps = new TreeMap<>();
        for (RtpMap map : offered.rtpMaps()) {
            offeredMaps.put(map.payloadType(), map);
        }
        List<Integer> payloadTypes = answered.mediaLine().payloadTypes();
        int primary = -1;
        for (int pt : payloadTypes) {
            RtpMap map = offeredMaps.get(pt);
            if (map == null) {
                throw new SdpException(SdpErrorCode.ANSWER_MISMATCH, where + " is answered with payload type " + pt
                        + ", which we did not offer (RFC 3264 section 6.1)");
            }
            if (primary < 0 && !map.isEncoding("rtx")) {
                primary = pt;
            }
        }
        if (primary < 0) {
            throw new SdpException(SdpErrorCode.NO_COMMON_CODEC, "the viewer accepted no codec in " + where);
        }
        int rtx = rtxFor(answered, payloadTypes, offeredMaps, primary);
        List<ExtMap> extensions = acceptedExtensions(offered, answered, where);
        List<String> feedback = new ArrayList<>();
        for (RtcpFeedback fb : answered.rtcpFeedback()) {
            if (fb.appliesTo(primary) && !feedback.contains(fb.feedback())) {
                feedback.add(fb.feedback());
            }
        }
        return new AcceptedTrack(kind, mid, payloadTypes, primary, rtx, extensions, feedback);
    }

    private static int rtxFor(MediaDescription answered, List<Integer> payloadTypes, Map<Integer, RtpMap> offeredMaps,
                              int primary) throws SdpException {
        for (int pt : payloadTypes) {
            if (!offeredMaps.get(pt).isEncoding("rtx")) {
                continue;
            }
            Optional<FormatParameters> fmtp = answered.formatParameters(pt);
            if (fmtp.isPresent() && fmtp.get().parameter("apt").filter(Integer.toString(primary)::equals).isPresent()) {
                return pt;
            }
        }
        return -1;
    }

    /** RFC 8285 section 7: the answer may drop extensions but may not invent or remap them. */
    private static List<ExtMap> acceptedExtensions(MediaDescription offered, MediaDescription answered, String where)
            throws SdpException {
        List<ExtMap> offeredMaps = offered.extMaps();
        List<ExtMap> accepted = new ArrayList<>();
        for (ExtMap map : answered.extMaps()) {
            boolean known = offeredMaps.stream().anyMatch(o -> o.id() == map.id() && o.uri().equals(map.uri()));
            if (!known) {
                throw new SdpException(SdpErrorCode.ANSWER_MISMATCH, where + " answers extmap " + map.id() + " "
                        + map.uri() + ", which we did not offer with that id (RFC 8285 section 7)");
            }
            accepted.add(map);
        }
        return accepted;
    }
}
