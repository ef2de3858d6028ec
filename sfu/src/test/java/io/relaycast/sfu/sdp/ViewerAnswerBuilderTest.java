package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerSsrcs;
import io.relaycast.sfu.media.ViewerTrack;

import static io.relaycast.sfu.sdp.SdpFixtures.lines;
import static io.relaycast.sfu.sdp.SdpFixtures.section;
import static io.relaycast.sfu.sdp.SdpFixtures.sessionLines;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.List;
import java.util.stream.Collectors;
import org.testng.annotations.Test;

public class ViewerAnswerBuilderTest {

    static final ViewerSsrcs VIEWER = new ViewerSsrcs(111_111L, 222_222L, 0, "rc-viewer-9", "live7");

    private final ViewerAnswerBuilder builder = new ViewerAnswerBuilder();

    /** What a WHEP player offers: the browser's own offer turned recvonly, without send-side SSRC and msid lines. */
    static String whepOffer(String fixture) {
        String sdp = SdpFixtures.load(fixture).replace("\r\n", "\n").replace("\n", "\r\n");
        sdp = sdp.replace("a=sendrecv\r\n", "a=recvonly\r\n");
        sdp = SdpFixtures.removeLinesStartingWith(sdp, "a=ssrc");
        return SdpFixtures.removeLinesStartingWith(sdp, "a=msid:");
    }

    static PublishedTracks chromePublisher() throws SdpException {
        return new PublisherAnswerBuilder().answer(SdpFixtures.load(SdpFixtures.CHROME), SdpFixtures.trickleTransport())
                .tracks();
    }

    private static List<String> matching(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    @Test
    public void answersAFirefoxPlayerSendonlyInItsOwnNumbering() throws SdpException {
        ViewerAnswer answer = builder.answer(whepOffer(SdpFixtures.FIREFOX), chromePublisher(),
                SdpFixtures.transportWithCandidates(), VIEWER);
        String sdp = answer.answerSdp();
        assertEquals(new SdpParser().parse(sdp).serialize(), sdp, "round trip");
        assertTrue(sessionLines(sdp).contains("a=group:BUNDLE 0 1"));
        assertTrue(answer.isDtlsServer());

        List<String> audio = section(sdp, 0);
        assertEquals(audio.get(0), "m=audio 10000 UDP/TLS/RTP/SAVPF 109");
        assertTrue(audio.contains("a=mid:0"));
        assertTrue(audio.contains("a=sendonly"));
        assertTrue(audio.contains("a=setup:passive"));
        assertTrue(audio.contains("a=rtcp-mux"));
        assertFalse(audio.contains("a=rtcp-rsize"), "Firefox's audio section did not offer reduced-size RTCP");
        assertTrue(audio.contains("a=rtpmap:109 opus/48000/2"));
        assertTrue(audio.contains("a=ssrc:111111 cname:rc-viewer-9"));
        assertTrue(audio.contains("a=msid:live7 live7-audio"));
        // candidates in the tagged (first) section only (RFC 8843 section 7.1.3), then end-of-candidates
        assertEquals(matching(audio, "a=candidate:").size(), 2);
        assertTrue(audio.contains("a=end-of-candidates"));
        // audio level is forwarded with Firefox's id; csrc-audio-level and mid are not
        assertEquals(matching(audio, "a=extmap:"), List.of("a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level"));

        List<String> video = section(sdp, 1);
        assertTrue(video.get(0).startsWith("m=video 10000 UDP/TLS/RTP/SAVPF "), video.get(0));
        List<String> pts = List.of(video.get(0).split(" ")).subList(3, video.get(0).split(" ").length);
        // the publisher negotiated VP8, VP9 and H.264: Firefox's numbers for them, in Firefox's order, no RTX
        assertEquals(pts, List.of("120", "121", "126"));
        assertTrue(video.contains("a=rtpmap:120 VP8/90000"));
        assertTrue(video.contains("a=rtcp-fb:120 nack pli"));
        assertTrue(video.contains("a=rtcp-fb:120 ccm fir"));
        assertFalse(video.contains("a=rtcp-fb:120 transport-cc"), "the viewer's transport gets no transport-cc");
        assertEquals(matching(video, "a=extmap:"),
                List.of("a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"));
        assertTrue(video.contains("a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1"));
        assertTrue(video.contains("a=ssrc:222222 cname:rc-viewer-9"));
        assertTrue(matching(video, "a=candidate:").isEmpty());
        assertFalse(video.stream().anyMatch(l -> l.contains("rtx/")));

        ViewerTrack v = answer.track(MediaKind.VIDEO).orElseThrow();
        assertEquals(v.mid(), "1");
        assertEquals(v.codecs().get(0), new ViewerCodec(120, ForwardedCodec.VP8, "max-fs=12288;max-fr=60"));
        assertEquals(answer.remote().iceUfrag(), "a493afbb");
    }

    @Test
    public void prefersTheViewersH264EntryOfThePublishersProfile() throws SdpException {
        String offer = whepOffer(SdpFixtures.CHROME);
        PublishedTracks published = chromePublisher();
        NegotiatedCodec publisherH264 = published.video().codecs().stream()
                .filter(c -> c.codec() == ForwardedCodec.H264).findFirst().orElseThrow();
        ViewerTrack video = builder.answer(offer, published, SdpFixtures.transportWithCandidates(), VIEWER)
                .track(MediaKind.VIDEO).orElseThrow();
        ViewerCodec h264 = video.codecs().stream().filter(c -> c.codec() == ForwardedCodec.H264).findFirst()
                .orElseThrow();
        assertEquals(ViewerCodec.h264Profile(h264.formatParameters()),
                ViewerCodec.h264Profile(publisherH264.formatParameters()));
        assertEquals(video.codecs().stream().filter(c -> c.codec() == ForwardedCodec.H264).count(), 1,
                "one payload type per codec");
    }

    @Test
    public void aViewerMayTakeAudioOnly() throws SdpException {
        String offer = SdpFixtures.replaceLine(whepOffer(SdpFixtures.FIREFOX), "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119",
                "m=video 0 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119");
        ViewerAnswer answer = builder.answer(offer, chromePublisher(), SdpFixtures.transportWithCandidates(), VIEWER);
        assertTrue(answer.track(MediaKind.VIDEO).isEmpty());
        assertTrue(section(answer.answerSdp(), 1).get(0).startsWith("m=video 0 "));
        assertTrue(sessionLines(answer.answerSdp()).contains("a=group:BUNDLE 0"));
    }

    @Test
    public void aPassiveViewerMakesUsTheDtlsClientWhichTheSfuRefuses() throws SdpException {
        String offer = whepOffer(SdpFixtures.FIREFOX).replace("a=setup:actpass", "a=setup:passive");
        ViewerAnswer answer = builder.answer(offer, chromePublisher(), SdpFixtures.transportWithCandidates(), VIEWER);
        assertFalse(answer.isDtlsServer());
        assertEquals(answer.localSetup(), DtlsSetup.ACTIVE);
    }

    @Test
    public void refusesWhatItCannotServe() throws SdpException {
        PublishedTracks published = chromePublisher();
        LocalTransport local = SdpFixtures.transportWithCandidates();
        String firefox = whepOffer(SdpFixtures.FIREFOX);

        String sendonly = firefox.replace("a=recvonly", "a=sendonly");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(sendonly, published, local, VIEWER))
                .errorCode(), SdpErrorCode.NO_MEDIA);

        String onlyUnknownCodecs = SdpFixtures.replaceLine(SdpFixtures.replaceLine(firefox,
                "m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101", "m=audio 9 UDP/TLS/RTP/SAVPF 9 0 8 101"),
                "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119", "m=video 9 UDP/TLS/RTP/SAVPF 97 98");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(onlyUnknownCodecs, published, local, VIEWER))
                .errorCode(), SdpErrorCode.NO_COMMON_CODEC);

        String noMux = firefox.replaceFirst("a=rtcp-mux\r\n", "");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(noMux, published, local, VIEWER))
                .errorCode(), SdpErrorCode.RTCP_MUX_REQUIRED);

        String noBundle = SdpFixtures.removeLinesStartingWith(firefox, "a=group:BUNDLE");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(noBundle, published, local, VIEWER))
                .errorCode(), SdpErrorCode.BUNDLE_REQUIRED);

        String noFingerprint = SdpFixtures.removeLinesStartingWith(firefox, "a=fingerprint");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(noFingerprint, published, local, VIEWER))
                .errorCode(), SdpErrorCode.MISSING_FINGERPRINT);

        assertEquals(expectThrows(SdpException.class, () -> builder.answer("v=0\r\nthis is not sdp", published, local,
                VIEWER)).errorCode(), SdpErrorCode.SDP_MALFORMED);
    }

    @Test
    public void aSecondVideoSectionIsRejectedNotAnswered() throws SdpException {
        String firefox = whepOffer(SdpFixtures.FIREFOX);
        List<String> videoSection = section(firefox, 1);
        String extra = String.join("\r\n", videoSection).replace("a=mid:1", "a=mid:2") + "\r\n";
        String offer = firefox.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2") + extra;
        ViewerAnswer answer = builder.answer(offer, chromePublisher(), SdpFixtures.transportWithCandidates(), VIEWER);
        assertEquals(answer.tracks().size(), 2);
        assertTrue(section(answer.answerSdp(), 2).get(0).startsWith("m=video 0 "));
        assertTrue(lines(answer.answerSdp()).contains("a=group:BUNDLE 0 1"));
    }

    @Test
    public void bestForMatchesCodecAndH264Profile() {
        NegotiatedCodec vp8 = new NegotiatedCodec(ForwardedCodec.VP8, 96, "VP8", 90000, 0, "", 97, "apt=96", List.of());
        NegotiatedCodec h264 = new NegotiatedCodec(ForwardedCodec.H264, 102, "H264", 90000, 0,
                "packetization-mode=1;profile-level-id=42e01f", -1, "", List.of());
        List<ViewerCodec> viewer = List.of(
                new ViewerCodec(100, ForwardedCodec.H264, "packetization-mode=1;profile-level-id=640c1f"),
                new ViewerCodec(101, ForwardedCodec.H264, "packetization-mode=1;profile-level-id=42e034"),
                new ViewerCodec(120, ForwardedCodec.VP8, ""));
        assertEquals(ViewerCodec.bestFor(vp8, viewer).orElseThrow().payloadType(), 120);
        assertEquals(ViewerCodec.bestFor(h264, viewer).orElseThrow().payloadType(), 101, "same profile, any level");
        assertEquals(ViewerCodec.bestFor(h264, viewer.subList(0, 1)).orElseThrow().payloadType(), 100,
                "another profile beats nothing");
        assertNull(ViewerCodec.bestFor(vp8, viewer.subList(0, 2)).orElse(null));
    }

    /** An H.264 broadcast (RTMP ingest) and a player whose offer has no H.264: a clear error, not audio only. */
    @Test
    public void aPlayerThatCannotDecodeTheBroadcastsVideoIsRefusedClearly() throws SdpException {
        PublishedTracks h264 = new PublisherAnswerBuilder().answer(
                io.relaycast.sfu.ingest.LocalOffer.opusAndH264(11, 22, "42e01f", null),
                SdpFixtures.trickleTransport()).tracks();
        String vp8Only = SdpFixtures.replaceLine(whepOffer(SdpFixtures.FIREFOX),
                "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98 123 122 119",
                "m=video 9 UDP/TLS/RTP/SAVPF 120 124");
        SdpException e = expectThrows(SdpException.class,
                () -> builder.answer(vp8Only, h264, SdpFixtures.transportWithCandidates(), VIEWER));
        assertEquals(e.errorCode(), SdpErrorCode.NO_COMMON_CODEC);
        assertTrue(e.getMessage().contains("H264"), e.getMessage());
        // the same player with H.264 in its offer is answered with it
        ViewerAnswer ok = builder.answer(whepOffer(SdpFixtures.FIREFOX), h264, SdpFixtures.transportWithCandidates(),
                VIEWER);
        assertTrue(ok.track(MediaKind.VIDEO).isPresent());
    }
}
