package io.relaycast.load.rtc;

import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.sdp.Fingerprint;
import io.relaycast.sfu.sdp.FormatParameters;
import io.relaycast.sfu.sdp.HeaderExtensions;
import io.relaycast.sfu.sdp.IceCandidate;
import io.relaycast.sfu.sdp.MediaDescription;
import io.relaycast.sfu.sdp.MediaLine;
import io.relaycast.sfu.sdp.RtcpFeedback;
import io.relaycast.sfu.sdp.RtpMap;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.sdp.SdpParser;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.SsrcAttribute;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The bench's SDP, built and read with the SFU's own sdp package: a Chrome-shaped publisher offer (Opus 111 and
 * VP8 96 with RTX 97, BUNDLE, rtcp-mux, the header extensions Chrome numbers 1-4) and a browser-shaped viewer
 * answer to the SFU's offer (recvonly, setup:active, every offered extension kept).
 */
public final class Sdp {
    public static final int OPUS = 111;
    public static final int VP8 = 96;
    public static final int RTX = 97;
    public static final int EXT_AUDIO_LEVEL = 1;
    public static final int EXT_ABS_SEND_TIME = 2;
    public static final int EXT_TRANSPORT_CC = 3;
    public static final int EXT_MID = 4;

    private Sdp() {
    }

    public static String publisherOffer(Peer p, DtlsCertificate cert, long audioSsrc, long videoSsrc, long rtxSsrc) {
        SessionDescription s = head();
        s.addAttribute("group", "BUNDLE 0 1");
        s.addAttribute("extmap-allow-mixed");
        s.addAttribute("msid-semantic", " WMS bench");
        // audio
        MediaDescription a = new MediaDescription(MediaLine.rtp("audio", 9, "UDP/TLS/RTP/SAVPF", List.of(OPUS)));
        transport(a, p, cert, "actpass", "0");
        a.addAttribute("extmap", new ExtMap(EXT_AUDIO_LEVEL, HeaderExtensions.AUDIO_LEVEL).toAttributeValue());
        a.addAttribute("extmap", new ExtMap(EXT_ABS_SEND_TIME, HeaderExtensions.ABS_SEND_TIME).toAttributeValue());
        a.addAttribute("extmap", new ExtMap(EXT_TRANSPORT_CC, HeaderExtensions.TRANSPORT_WIDE_CC).toAttributeValue());
        a.addAttribute("extmap", new ExtMap(EXT_MID, HeaderExtensions.MID).toAttributeValue());
        a.addAttribute("sendonly");
        a.addAttribute("msid", "bench audio");
        a.addAttribute("rtcp-mux");
        a.addAttribute("rtcp-rsize");
        a.addAttribute("rtpmap", new RtpMap(OPUS, "opus", 48000, 2).toAttributeValue());
        a.addAttribute("rtcp-fb", new RtcpFeedback(OPUS, "transport-cc", "").toAttributeValue());
        a.addAttribute("fmtp", OPUS + " minptime=10;useinbandfec=1");
        a.addAttribute("ssrc", new SsrcAttribute(audioSsrc, "cname", "bench").toAttributeValue());
        s.addMedia(a);
        // video
        MediaDescription v = new MediaDescription(MediaLine.rtp("video", 9, "UDP/TLS/RTP/SAVPF", List.of(VP8, RTX)));
        transport(v, p, cert, "actpass", "1");
        v.addAttribute("extmap", new ExtMap(EXT_ABS_SEND_TIME, HeaderExtensions.ABS_SEND_TIME).toAttributeValue());
        v.addAttribute("extmap", new ExtMap(EXT_TRANSPORT_CC, HeaderExtensions.TRANSPORT_WIDE_CC).toAttributeValue());
        v.addAttribute("extmap", new ExtMap(EXT_MID, HeaderExtensions.MID).toAttributeValue());
        v.addAttribute("sendonly");
        v.addAttribute("msid", "bench video");
        v.addAttribute("rtcp-mux");
        v.addAttribute("rtcp-rsize");
        v.addAttribute("rtpmap", new RtpMap(VP8, "VP8", 90000, 0).toAttributeValue());
        for (String fb : List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli")) {
            String[] w = fb.split(" ");
            v.addAttribute("rtcp-fb", new RtcpFeedback(VP8, w[0], w.length > 1 ? w[1] : "").toAttributeValue());
        }
        v.addAttribute("rtpmap", new RtpMap(RTX, "rtx", 90000, 0).toAttributeValue());
        v.addAttribute("fmtp", RTX + " apt=" + VP8);
        v.addAttribute("ssrc-group", "FID " + videoSsrc + " " + rtxSsrc);
        v.addAttribute("ssrc", new SsrcAttribute(videoSsrc, "cname", "bench").toAttributeValue());
        v.addAttribute("ssrc", new SsrcAttribute(rtxSsrc, "cname", "bench").toAttributeValue());
        s.addMedia(v);
        return s.serialize();
    }

    private static SessionDescription head() {
        SessionDescription s = new SessionDescription();
        s.addLine('v', "0");
        s.addLine('o', "- " + (System.nanoTime() & 0xFFFFFFFFFFL) + " 2 IN IP4 127.0.0.1");
        s.addLine('s', "-");
        s.addLine('t', "0 0");
        return s;
    }

    private static void transport(MediaDescription m, Peer p, DtlsCertificate cert, String setup, String mid) {
        m.addLine('c', "IN IP4 0.0.0.0");
        m.addAttribute("ice-ufrag", p.localUfrag);
        m.addAttribute("ice-pwd", p.localPassword);
        m.addAttribute("ice-options", "trickle");
        m.addAttribute("fingerprint", cert.sdpFingerprint());
        m.addAttribute("setup", setup);
        m.addAttribute("mid", mid);
    }

    /** Reads the SFU's ICE credentials, fingerprint and UDP candidate (from an answer or an offer) into the peer. */
    public static SessionDescription readRemote(String sdp, Peer p) throws SdpException {
        SessionDescription d = readCredentials(sdp, p);
        for (MediaDescription m : d.media()) {
            for (IceCandidate c : m.candidates()) {
                connectTo(p, c);
            }
        }
        if (p.sfu == null) {
            throw new IllegalStateException("no UDP candidate in the SFU's SDP");
        }
        return d;
    }

    /**
     * Reads the SFU's ICE credentials and fingerprint only: over Socket.IO the SFU trickles its candidates after
     * the description ({@link #connectTo} takes each).
     */
    public static SessionDescription readCredentials(String sdp, Peer p) throws SdpException {
        SessionDescription d = new SdpParser().parse(sdp);
        MediaDescription first = d.media().get(0);
        p.remoteUfrag = first.attribute("ice-ufrag").or(() -> d.attribute("ice-ufrag")).orElseThrow();
        p.remotePassword = first.attribute("ice-pwd").or(() -> d.attribute("ice-pwd")).orElseThrow();
        List<Fingerprint> fps = new ArrayList<>(first.fingerprints());
        fps.addAll(d.fingerprints());
        p.sfuFingerprint = DtlsFingerprint.parse(fps.get(0).toAttributeValue());
        return d;
    }

    /** The first UDP candidate wins (a lightweight peer checks one pair); returns whether this one was taken. */
    public static synchronized boolean connectTo(Peer p, IceCandidate c) {
        if (!c.isUdp() || p.sfu != null) {
            return false;
        }
        try {
            p.connect(new InetSocketAddress(c.address(), c.port()));
            return true;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A browser's answer to the SFU's viewer offer; also notes the viewer SSRCs and the abs-send-time id. */
    public static String viewerAnswer(SessionDescription offer, Peer p, DtlsCertificate cert, boolean withRtx)
            throws SdpException {
        SessionDescription s = head();
        List<String> mids = new ArrayList<>();
        for (MediaDescription m : offer.media()) {
            mids.add(m.mid().orElseThrow());
        }
        s.addAttribute("group", "BUNDLE " + String.join(" ", mids));
        s.addAttribute("extmap-allow-mixed");
        s.addAttribute("msid-semantic", " WMS");
        for (MediaDescription m : offer.media()) {
            MediaKind kind = m.kind().orElseThrow();
            RtpMap primary = null;
            for (RtpMap map : m.rtpMaps()) {
                if (!map.isEncoding("rtx")) {
                    primary = map;
                    break;
                }
            }
            long ssrc = m.ssrcAttributes().isEmpty() ? 0 : m.ssrcAttributes().get(0).ssrc();
            if (kind == MediaKind.VIDEO) {
                p.videoSsrc = ssrc;
            } else {
                p.audioSsrc = ssrc;
            }
            // like Chrome: the primary codec and, when offered, its RTX (RFC 4588 apt=primary); --viewer-rtx false
            // answers the primary codec alone, as a player without retransmission support would
            Integer rtx = null;
            for (FormatParameters f : m.allFormatParameters()) {
                if (withRtx && f.parameter("apt").filter(Integer.toString(primary.payloadType())::equals).isPresent()) {
                    rtx = f.payloadType();
                }
            }
            List<Integer> pts = rtx == null ? List.of(primary.payloadType()) : List.of(primary.payloadType(), rtx);
            MediaDescription a = new MediaDescription(MediaLine.rtp(kind.media(), 9, "UDP/TLS/RTP/SAVPF", pts));
            transport(a, p, cert, "active", m.mid().orElseThrow());
            for (ExtMap e : m.extMaps()) {
                a.addAttribute("extmap", new ExtMap(e.id(), e.uri()).toAttributeValue());
                if (e.uri().equals(HeaderExtensions.ABS_SEND_TIME)) {
                    p.absSendTimeId = e.id();
                }
            }
            a.addAttribute("recvonly");
            a.addAttribute("rtcp-mux");
            a.addAttribute("rtcp-rsize");
            a.addAttribute("rtpmap", primary.toAttributeValue());
            for (RtcpFeedback fb : m.rtcpFeedback()) {
                if (fb.appliesTo(primary.payloadType())) {
                    a.addAttribute("rtcp-fb", fb.toAttributeValue());
                }
            }
            for (FormatParameters f : m.allFormatParameters()) {
                if (f.payloadType() == primary.payloadType()) {
                    a.addAttribute("fmtp", f.toAttributeValue());
                }
            }
            if (rtx != null) {
                a.addAttribute("rtpmap", m.rtpMap(rtx).orElseThrow().toAttributeValue());
                a.addAttribute("fmtp", rtx + " apt=" + primary.payloadType());
            }
            s.addMedia(a);
        }
        return s.serialize();
    }
}
