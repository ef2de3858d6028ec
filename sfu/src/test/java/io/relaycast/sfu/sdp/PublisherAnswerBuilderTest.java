package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.NegotiatedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.StreamSsrcs;

import static io.relaycast.sfu.sdp.SdpFixtures.lines;
import static io.relaycast.sfu.sdp.SdpFixtures.section;
import static io.relaycast.sfu.sdp.SdpFixtures.sessionLines;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class PublisherAnswerBuilderTest {

    private final PublisherAnswerBuilder builder = new PublisherAnswerBuilder();

    private PublisherAnswer answer(String fixture) throws SdpException {
        return builder.answer(SdpFixtures.load(fixture), SdpFixtures.trickleTransport());
    }

    private static List<String> matching(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
    }

    @DataProvider
    public Object[][] offers() {
        return SdpFixtures.offers();
    }

    // ---- what every answer must have

    @Test(dataProvider = "offers")
    public void everyAnswerIsWellFormedJsepWithBundleMuxAndOurTransport(String fixture) throws SdpException {
        PublisherAnswer result = answer(fixture);
        String sdp = result.answerSdp();
        assertTrue(sdp.endsWith("\r\n"));
        assertFalse(sdp.replace("\r\n", "").contains("\n"), "lone LF in answer");
        assertEquals(new SdpParser().parse(sdp).serialize(), sdp, "our answer must round-trip through our parser");
        assertTrue(lines(sdp).get(0).equals("v=0"));
        assertTrue(sessionLines(sdp).contains("a=group:BUNDLE 0 1"), sdp);
        for (int i = 0; i < 2; i++) {
            List<String> section = section(sdp, i);
            assertTrue(section.contains("a=mid:" + i), section.toString());
            assertTrue(section.contains("a=recvonly"), section.toString());
            assertTrue(section.contains("a=rtcp-mux"), section.toString());
            assertTrue(section.contains("a=ice-ufrag:" + SdpFixtures.SFU_UFRAG), section.toString());
            assertTrue(section.contains("a=ice-pwd:" + SdpFixtures.SFU_PWD), section.toString());
            assertTrue(section.contains("a=fingerprint:sha-256 " + SdpFixtures.SFU_FINGERPRINT.value()));
            assertTrue(section.get(0).startsWith("m=" + (i == 0 ? "audio" : "video") + " 9 UDP/TLS/RTP/SAVPF "));
            assertTrue(section.contains("c=IN IP4 0.0.0.0"));
            assertTrue(matching(section, "a=candidate:").isEmpty(), "trickle answer carries no candidate");
            assertTrue(matching(section, "a=sendrecv").isEmpty() && matching(section, "a=sendonly").isEmpty());
        }
        assertEquals(result.rejectedMids(), List.of());
        assertTrue(result.tracks().audioTrack().isPresent() && result.tracks().videoTrack().isPresent());
    }

    @Test(dataProvider = "offers")
    public void answersPassiveToActpassAndActiveToPassive(String fixture) throws SdpException {
        PublisherAnswer result = answer(fixture);
        boolean ffmpeg = fixture.equals(SdpFixtures.FFMPEG_WHIP);
        String expected = ffmpeg ? "a=setup:active" : "a=setup:passive";
        assertEquals(matching(lines(result.answerSdp()), "a=setup:"), List.of(expected, expected));
        assertEquals(result.localSetup(), ffmpeg ? DtlsSetup.ACTIVE : DtlsSetup.PASSIVE);
        assertEquals(result.isDtlsServer(), !ffmpeg);
        assertEquals(result.remote().setup(), ffmpeg ? DtlsSetup.PASSIVE : DtlsSetup.ACTPASS);
    }

    // ---- Chrome

    @Test
    public void chromeKeepsOpusOnlyWithItsPayloadTypeAndFeedback() throws SdpException {
        List<String> audio = section(answer(SdpFixtures.CHROME).answerSdp(), 0);
        assertEquals(audio.get(0), "m=audio 9 UDP/TLS/RTP/SAVPF 111");
        assertEquals(matching(audio, "a=rtpmap:"), List.of("a=rtpmap:111 opus/48000/2"));
        assertEquals(matching(audio, "a=fmtp:"), List.of("a=fmtp:111 minptime=10;useinbandfec=1"));
        assertEquals(matching(audio, "a=rtcp-fb:"), List.of("a=rtcp-fb:111 transport-cc"));
        assertEquals(matching(audio, "a=extmap:"), List.of(
                "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid"));
    }

    @Test
    public void chromeVideoKeepsOneEntryPerCodecInOfferOrderWithRtx() throws SdpException {
        List<String> video = section(answer(SdpFixtures.CHROME).answerSdp(), 1);
        // VP8 96/97, then H.264 42e01f pm1 at 109/114 (preferred over 42001f at 103), then VP9 profile 0 98/99.
        // AV1, VP9 profile 2, H.264 pm0, High profile, RED and ULPFEC are gone.
        assertEquals(video.get(0), "m=video 9 UDP/TLS/RTP/SAVPF 96 97 109 114 98 99");
        assertEquals(matching(video, "a=rtpmap:"), List.of("a=rtpmap:96 VP8/90000", "a=rtpmap:97 rtx/90000",
                "a=rtpmap:109 H264/90000", "a=rtpmap:114 rtx/90000", "a=rtpmap:98 VP9/90000", "a=rtpmap:99 rtx/90000"));
        assertTrue(video.contains("a=fmtp:97 apt=96"));
        assertTrue(video.contains("a=fmtp:114 apt=109"));
        assertTrue(video.contains("a=fmtp:99 apt=98"));
        assertTrue(video.contains("a=fmtp:109 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"));
        assertTrue(video.contains("a=fmtp:98 profile-id=0"));
        assertEquals(matching(video, "a=rtcp-fb:96 "), List.of("a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc",
                "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli"));
        assertTrue(matching(video, "a=rtcp-fb:97").isEmpty(), "no feedback on RTX");
        assertTrue(video.contains("a=rtcp-rsize"));
    }

    @Test
    public void chromeVideoEchoesOnlySupportedExtensionsWithTheOfferedIds() throws SdpException {
        List<String> video = section(answer(SdpFixtures.CHROME).answerSdp(), 1);
        assertEquals(matching(video, "a=extmap:"), List.of(
                "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                "a=extmap:13 urn:3gpp:video-orientation",
                "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
                "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
                "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"));
    }

    @Test
    public void chromeAnswerEchoesExtmapAllowMixedAndNoIceLiteByDefault() throws SdpException {
        List<String> session = sessionLines(answer(SdpFixtures.CHROME).answerSdp());
        assertTrue(session.contains("a=extmap-allow-mixed"));
        assertFalse(session.contains("a=ice-lite"));
        assertTrue(session.get(1).matches("o=- \\d+ 0 IN IP4 0\\.0\\.0\\.0"), session.get(1));
    }

    @Test
    public void chromePublishedTracksDescribeWhatItWillSend() throws SdpException {
        PublisherAnswer result = answer(SdpFixtures.CHROME);
        SessionDescription offer = new SdpParser().parse(SdpFixtures.load(SdpFixtures.CHROME));
        PublishedTrack audio = result.tracks().audioTrack().orElseThrow();
        assertEquals(audio.mid(), "0");
        assertEquals(audio.primaryCodec().codec(), ForwardedCodec.OPUS);
        assertEquals(audio.primaryCodec().payloadType(), 111);
        assertFalse(audio.primaryCodec().hasRtx());
        assertEquals(audio.headerExtensionId(HeaderExtensions.AUDIO_LEVEL).getAsInt(), 1);
        assertEquals(audio.ssrcs().size(), 1);

        PublishedTrack video = result.tracks().videoTrack().orElseThrow();
        assertEquals(video.codecs().stream().map(NegotiatedCodec::codec).collect(Collectors.toList()),
                List.of(ForwardedCodec.VP8, ForwardedCodec.H264, ForwardedCodec.VP9));
        assertEquals(video.codecs().stream().map(NegotiatedCodec::payloadType).collect(Collectors.toList()),
                List.of(96, 109, 98));
        assertEquals(video.codecs().stream().map(NegotiatedCodec::rtxPayloadType).collect(Collectors.toList()),
                List.of(97, 114, 99));
        assertEquals(video.primaryCodec().feedback(), List.of("goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"));
        assertEquals(video.headerExtensionId(HeaderExtensions.TRANSPORT_WIDE_CC).getAsInt(), 3);
        assertTrue(video.headerExtensionId("urn:ietf:params:rtp-hdrext:toffset").isEmpty());
        assertFalse(video.isSimulcast());
        assertTrue(video.rids().isEmpty());
        SsrcGroup fid = offer.media().get(1).ssrcGroups().get(0);
        assertEquals(video.ssrcs(), List.of(new StreamSsrcs(fid.ssrcs().get(0), fid.ssrcs().get(1))));
        Msid msid = offer.media().get(1).msid().orElseThrow();
        assertEquals(video.streamId(), msid.streamId());
        assertEquals(video.trackId(), msid.trackId());
        assertEquals(video.cname(), audio.cname());
        assertEquals(video.cname().length(), 16);
        assertEquals(result.remote().iceUfrag(), offer.media().get(0).attribute("ice-ufrag").orElseThrow());
        assertEquals(result.remote().fingerprints(), offer.media().get(0).fingerprints());
        assertTrue(result.remote().candidates().isEmpty());
    }

    // ---- Chrome simulcast

    @Test
    public void chromeSimulcastIsAnsweredWithRecvRidsAndSimulcastRecv() throws SdpException {
        PublisherAnswer result = answer(SdpFixtures.CHROME_SIMULCAST);
        List<String> video = section(result.answerSdp(), 1);
        assertEquals(matching(video, "a=rid:"), List.of("a=rid:q recv", "a=rid:h recv", "a=rid:f recv"));
        assertEquals(matching(video, "a=simulcast:"), List.of("a=simulcast:recv q;h;f"));
        assertTrue(video.contains("a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"));
        assertTrue(video.contains("a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"));
        PublishedTrack track = result.tracks().videoTrack().orElseThrow();
        assertEquals(track.rids(), List.of("q", "h", "f"));
        assertTrue(track.isSimulcast());
        assertTrue(track.ssrcs().isEmpty(), "rid simulcast learns SSRCs from the rid header extension");
        assertEquals(section(result.answerSdp(), 0).contains("a=simulcast:recv q;h;f"), false);
    }

    @Test
    public void simulcastKeepsAtMostThreeLayersThatHaveRidLines() throws SdpException {
        String offer = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.CHROME_SIMULCAST), "a=simulcast:send q;h;f",
                "a=rid:x send\r\na=simulcast:send ~q;zz;h,f;x;f");
        PublishedTrack track = builder.answer(offer, SdpFixtures.trickleTransport()).tracks().videoTrack().orElseThrow();
        // "zz" has no a=rid line; "f" appears twice; the fourth distinct declared rid is dropped.
        assertEquals(track.rids(), List.of("q", "h", "x"));
    }

    // ---- Firefox

    @Test
    public void firefoxDropsH264PacketizationModeZeroAndKeepsItsPayloadTypes() throws SdpException {
        PublisherAnswer result = answer(SdpFixtures.FIREFOX);
        List<String> video = section(result.answerSdp(), 1);
        assertEquals(video.get(0), "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127");
        assertTrue(matching(video, "a=rtpmap:97 ").isEmpty(), "packetization-mode 0 H.264 must be refused");
        assertTrue(video.contains("a=rtpmap:126 H264/90000"));
        assertTrue(video.contains("a=fmtp:127 apt=126"));
        assertTrue(video.contains("a=fmtp:124 apt=120"));
        assertTrue(matching(video, "a=rtpmap:122").isEmpty() && matching(video, "a=rtpmap:123").isEmpty());
        assertEquals(result.tracks().videoTrack().orElseThrow().codecs().get(2).payloadType(), 126);
    }

    @Test
    public void firefoxExtensionsKeepTheirIdsAndRecvonlyOnesAreDropped() throws SdpException {
        String sdp = answer(SdpFixtures.FIREFOX).answerSdp();
        assertEquals(matching(section(sdp, 0), "a=extmap:"), List.of(
                "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid"));
        assertEquals(matching(section(sdp, 1), "a=extmap:"), List.of(
                "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid",
                "a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                "a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01"));
        assertFalse(sessionLines(sdp).contains("a=extmap-allow-mixed"), "Firefox did not offer extmap-allow-mixed");
    }

    @Test
    public void firefoxOpusKeepsItsFmtpAndSessionLevelFingerprintIsUsed() throws SdpException {
        PublisherAnswer result = answer(SdpFixtures.FIREFOX);
        List<String> audio = section(result.answerSdp(), 0);
        assertEquals(audio.get(0), "m=audio 9 UDP/TLS/RTP/SAVPF 109");
        assertTrue(audio.contains("a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1"));
        assertTrue(matching(audio, "a=rtcp-fb:").isEmpty());
        assertFalse(audio.contains("a=rtcp-rsize"), "Firefox audio did not offer rtcp-rsize");
        SessionDescription offer = new SdpParser().parse(SdpFixtures.load(SdpFixtures.FIREFOX));
        assertEquals(result.remote().fingerprints(), offer.fingerprints());
        assertEquals(result.tracks().videoTrack().orElseThrow().ssrcs().get(0).hasRtx(), true);
        assertTrue(result.tracks().audioTrack().orElseThrow().streamId().startsWith("{"));
    }

    @Test
    public void firefoxMaxBundleBundleOnlySectionIsAccepted() throws SdpException {
        // bundlePolicy "max-bundle": sections after the first get port 0, a=bundle-only and no ICE attributes.
        String firefox = SdpFixtures.load(SdpFixtures.FIREFOX);
        List<String> video = section(firefox, 1);
        StringBuilder bundleOnly = new StringBuilder();
        for (String line : video) {
            if (line.startsWith("a=ice-")) {
                continue;
            }
            bundleOnly.append(line.startsWith("m=video 9 ") ? line.replace("m=video 9 ", "m=video 0 ") : line)
                    .append("\r\n");
            if (line.startsWith("c=")) {
                bundleOnly.append("a=bundle-only\r\n");
            }
        }
        String offer = firefox.substring(0, firefox.indexOf("m=video")) + bundleOnly;
        PublisherAnswer result = builder.answer(offer, SdpFixtures.trickleTransport());
        assertEquals(section(result.answerSdp(), 1).get(0), "m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127");
        assertTrue(result.tracks().videoTrack().isPresent());
        assertTrue(result.rejectedMids().isEmpty());
        // Without BUNDLE membership a bundle-only section cannot be used.
        String unbundled = offer.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
        PublisherAnswer partial = builder.answer(unbundled, SdpFixtures.trickleTransport());
        assertEquals(partial.rejectedMids(), List.of("1"));
        assertTrue(partial.rejectionReasons().get(0).contains("bundle-only"), partial.rejectionReasons().toString());
    }

    // ---- OBS (WHIP, libdatachannel)

    @Test
    public void obsSessionLevelTransportAndCandidatesAreRead() throws SdpException {
        PublisherAnswer result = builder.answer(SdpFixtures.load(SdpFixtures.OBS_WHIP),
                SdpFixtures.transportWithCandidates());
        SessionDescription offer = new SdpParser().parse(SdpFixtures.load(SdpFixtures.OBS_WHIP));
        assertEquals(result.remote().iceUfrag(), offer.attribute("ice-ufrag").orElseThrow());
        assertEquals(result.remote().icePwd(), offer.attribute("ice-pwd").orElseThrow());
        assertEquals(result.remote().candidates().size(), 3);
        assertTrue(result.remote().endOfCandidates());
        String sdp = result.answerSdp();
        List<String> audio = section(sdp, 0);
        List<String> video = section(sdp, 1);
        assertEquals(audio.get(0), "m=audio 10000 UDP/TLS/RTP/SAVPF 111");
        assertEquals(video.get(0), "m=video 10000 UDP/TLS/RTP/SAVPF 96");
        assertTrue(audio.contains("c=IN IP4 203.0.113.50"));
        assertEquals(matching(audio, "a=candidate:"), List.of("a=candidate:1 1 udp 2130706431 203.0.113.50 10000 typ host",
                "a=candidate:2 1 tcp 1518280447 203.0.113.50 4443 typ host"));
        assertTrue(audio.contains("a=end-of-candidates"));
        assertTrue(matching(video, "a=candidate:").isEmpty(), "candidates only in the BUNDLE-tagged section");
        assertEquals(matching(video, "a=rtcp-fb:"), List.of("a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
                "a=rtcp-fb:96 goog-remb"));
        assertTrue(matching(video, "a=extmap:").isEmpty());
        assertTrue(audio.contains(
                "a=fmtp:111 minptime=10;maxaveragebitrate=96000;stereo=1;sprop-stereo=1;useinbandfec=1"));
        PublishedTrack videoTrack = result.tracks().videoTrack().orElseThrow();
        assertFalse(videoTrack.primaryCodec().hasRtx());
        assertEquals(videoTrack.trackId(), videoTrack.streamId() + "-video");
    }

    // ---- ffmpeg (WHIP muxer)

    @Test
    public void ffmpegH264WithAnotherProfileIsAcceptedWhenTheOnlyOne() throws SdpException {
        PublisherAnswer result = answer(SdpFixtures.FFMPEG_WHIP);
        List<String> video = section(result.answerSdp(), 1);
        assertEquals(video.get(0), "m=video 9 UDP/TLS/RTP/SAVPF 106");
        assertTrue(video.contains("a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42c01f"));
        assertTrue(matching(video, "a=rtcp-fb:").isEmpty());
        assertEquals(result.tracks().audioTrack().orElseThrow().primaryCodec().formatParameters(), "");
        assertEquals(result.tracks().audioTrack().orElseThrow().cname(), "FFmpeg");
    }

    // ---- configuration

    @Test
    public void preferredH264ProfileAndDisabledCodecsAreHonoured() throws SdpException {
        PublisherAnswerBuilder h264Only = new PublisherAnswerBuilder(
                new SupportedCodecs(EnumSet.of(ForwardedCodec.OPUS, ForwardedCodec.H264), true, "4d001f"),
                SdpLimits.DEFAULTS);
        List<String> video = section(h264Only.answer(SdpFixtures.load(SdpFixtures.CHROME),
                SdpFixtures.trickleTransport()).answerSdp(), 1);
        assertEquals(video.get(0), "m=video 9 UDP/TLS/RTP/SAVPF 117 118");
    }

    @Test
    public void withoutPreferredProfileTheFirstPacketizationModeOneH264Wins() throws SdpException {
        PublisherAnswerBuilder h264Only = new PublisherAnswerBuilder(
                SupportedCodecs.fromNames(List.of("opus", "h.264"), true, "640c34"), SdpLimits.DEFAULTS);
        List<String> video = section(h264Only.answer(SdpFixtures.load(SdpFixtures.CHROME),
                SdpFixtures.trickleTransport()).answerSdp(), 1);
        assertEquals(video.get(0), "m=video 9 UDP/TLS/RTP/SAVPF 103 104");
    }

    @Test
    public void rtxCanBeTurnedOff() throws SdpException {
        PublisherAnswerBuilder noRtx = new PublisherAnswerBuilder(
                new SupportedCodecs(EnumSet.allOf(ForwardedCodec.class), false, "42e01f"), SdpLimits.DEFAULTS);
        PublisherAnswer result = noRtx.answer(SdpFixtures.load(SdpFixtures.CHROME), SdpFixtures.trickleTransport());
        assertEquals(section(result.answerSdp(), 1).get(0), "m=video 9 UDP/TLS/RTP/SAVPF 96 109 98");
        assertFalse(result.answerSdp().contains("rtx/90000"));
    }

    @Test
    public void iceLiteIsAnnouncedAtSessionLevel() throws SdpException {
        LocalTransport lite = new LocalTransport(SdpFixtures.SFU_UFRAG, SdpFixtures.SFU_PWD, SdpFixtures.SFU_FINGERPRINT,
                List.of(), true);
        assertTrue(sessionLines(builder.answer(SdpFixtures.load(SdpFixtures.CHROME), lite).answerSdp())
                .contains("a=ice-lite"));
    }

    // ---- partial acceptance

    @Test
    public void sectionWithoutCommonCodecIsRejectedWithPortZeroWhenAnotherWorks() throws SdpException {
        String offer = onlyAv1Video(SdpFixtures.load(SdpFixtures.OBS_WHIP));
        PublisherAnswer result = builder.answer(offer, SdpFixtures.trickleTransport());
        String sdp = result.answerSdp();
        assertEquals(section(sdp, 1), List.of("m=video 0 UDP/TLS/RTP/SAVPF 45", "c=IN IP4 0.0.0.0", "a=mid:1"));
        assertTrue(sessionLines(sdp).contains("a=group:BUNDLE 0"), "a rejected mid leaves the BUNDLE group");
        assertEquals(result.rejectedMids(), List.of("1"));
        assertTrue(result.rejectionReasons().get(0).contains("AV1"), result.rejectionReasons().toString());
        assertNull(result.tracks().video());
        assertTrue(result.tracks().audioTrack().isPresent());
    }

    @Test
    public void dataChannelSectionIsRejected() throws SdpException {
        String offer = SdpFixtures.load(SdpFixtures.CHROME).replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2")
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:2\r\n"
                + "a=sctp-port:5000\r\na=max-message-size:262144\r\n";
        PublisherAnswer result = builder.answer(offer, SdpFixtures.trickleTransport());
        assertEquals(section(result.answerSdp(), 2),
                List.of("m=application 0 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0", "a=mid:2"));
        assertEquals(result.rejectedMids(), List.of("2"));
        assertTrue(sessionLines(result.answerSdp()).contains("a=group:BUNDLE 0 1"));
    }

    @Test
    public void singleSectionWithoutBundleIsAnsweredWithoutBundle() throws SdpException {
        String offer = SdpFixtures.removeLinesStartingWith(audioOnly(SdpFixtures.load(SdpFixtures.FFMPEG_WHIP)),
                "a=group:BUNDLE");
        PublisherAnswer result = builder.answer(offer, SdpFixtures.trickleTransport());
        assertTrue(matching(lines(result.answerSdp()), "a=group:").isEmpty());
        assertNull(result.tracks().video());
    }

    // ---- refusals with their codes

    @Test
    public void onlyAnUnsupportedCodecIsNoCommonCodec() {
        String offer = onlyAv1Video(audioRemovedFromChromeStyle());
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "NO_COMMON_CODEC");
        assertTrue(e.getMessage().contains("AV1"), e.getMessage());
    }

    @Test
    public void h264PacketizationModeZeroAloneIsNoCommonCodec() {
        String offer = audioRemovedFromChromeStyle().replace("packetization-mode=1", "packetization-mode=0")
                .replace("a=fmtp:96 profile-level-id=42e01f;packetization-mode=0", "a=fmtp:96 profile-level-id=42e01f");
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "NO_COMMON_CODEC");
    }

    @Test
    public void missingFingerprintIsRefused() {
        String offer = SdpFixtures.removeLinesStartingWith(SdpFixtures.load(SdpFixtures.FIREFOX), "a=fingerprint:");
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "MISSING_FINGERPRINT");
        assertTrue(e.getMessage().contains("mid 0"), e.getMessage());
    }

    @Test
    public void missingIceCredentialsAreRefused() {
        String offer = SdpFixtures.removeLinesStartingWith(SdpFixtures.load(SdpFixtures.CHROME), "a=ice-pwd:");
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "MISSING_ICE_CREDENTIALS");
    }

    @Test
    public void secondVideoTrackIsTooManyTracks() {
        String chrome = SdpFixtures.load(SdpFixtures.CHROME);
        String video = String.join("\r\n", section(chrome, 1)).replace("a=mid:1", "a=mid:2") + "\r\n";
        String offer = chrome.replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2") + video;
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "TOO_MANY_TRACKS");
        assertTrue(e.getMessage().contains("mids 1 and 2"), e.getMessage());
    }

    @Test
    public void offerThatSendsNothingIsNoMedia() {
        String offer = SdpFixtures.load(SdpFixtures.OBS_WHIP).replace("a=sendonly", "a=recvonly");
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "NO_MEDIA");
        assertTrue(e.getMessage().contains("recvonly"), e.getMessage());
    }

    @Test
    public void offerWithoutMediaIsNoMedia() {
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(
                "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "NO_MEDIA");
    }

    @Test
    public void twoSectionsWithoutBundleAreRefused() {
        String offer = SdpFixtures.removeLinesStartingWith(SdpFixtures.load(SdpFixtures.CHROME), "a=group:BUNDLE");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport())).code(),
                "BUNDLE_REQUIRED");
    }

    @Test
    public void missingRtcpMuxIsRefused() {
        String offer = SdpFixtures.removeLinesStartingWith(SdpFixtures.load(SdpFixtures.FIREFOX), "a=rtcp-mux");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport())).code(),
                "RTCP_MUX_REQUIRED");
    }

    @Test
    public void holdconnIsRefused() {
        String offer = SdpFixtures.load(SdpFixtures.OBS_WHIP).replace("a=setup:actpass", "a=setup:holdconn");
        assertEquals(expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport())).code(),
                "INVALID_DTLS_SETUP");
    }

    @Test
    public void missingMidIsMalformed() {
        String offer = SdpFixtures.removeLinesStartingWith(SdpFixtures.load(SdpFixtures.OBS_WHIP), "a=mid:1");
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("a=mid"), e.getMessage());
    }

    @Test
    public void plainRtpIsRejectedLikeAnyUnusableSection() {
        String offer = SdpFixtures.load(SdpFixtures.OBS_WHIP).replace("UDP/TLS/RTP/SAVPF", "RTP/AVP");
        SdpException e = expectThrows(SdpException.class, () -> builder.answer(offer, SdpFixtures.trickleTransport()));
        assertEquals(e.code(), "NO_MEDIA");
        assertTrue(e.getMessage().contains("DTLS-SRTP"), e.getMessage());
    }

    // ---- helpers building variants of the OBS offer, which has one codec per section

    private static String onlyAv1Video(String obsStyle) {
        return obsStyle.replace("m=video 50312 UDP/TLS/RTP/SAVPF 96", "m=video 50312 UDP/TLS/RTP/SAVPF 45")
                .replace("a=rtpmap:96 H264/90000", "a=rtpmap:45 AV1/90000")
                .replace("a=rtcp-fb:96 ", "a=rtcp-fb:45 ")
                .replace("a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;level-asymmetry-allowed=1",
                        "a=fmtp:45 level-idx=5;profile=0;tier=0");
    }

    private static String audioRemovedFromChromeStyle() {
        String obs = SdpFixtures.load(SdpFixtures.OBS_WHIP);
        StringBuilder out = new StringBuilder();
        for (String line : SdpFixtures.sessionLines(obs)) {
            out.append(line.equals("a=group:BUNDLE 0 1") ? "a=group:BUNDLE 1" : line).append("\r\n");
        }
        for (String line : section(obs, 1)) {
            out.append(line).append("\r\n");
        }
        return out.toString().replace("a=group:LS 0 1\r\n", "");
    }

    private static String audioOnly(String sdp) {
        StringBuilder out = new StringBuilder();
        for (String line : SdpFixtures.sessionLines(sdp)) {
            out.append(line).append("\r\n");
        }
        for (String line : section(sdp, 0)) {
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    @Test
    public void videoCodecsAreAnsweredWithTheConfiguredStartAndMaximumBitrate() throws Exception {
        PublisherAnswerBuilder withBitrates = new PublisherAnswerBuilder(SupportedCodecs.defaults(),
                SdpLimits.DEFAULTS, 1000, 2500);
        PublisherAnswer a = withBitrates.answer(SdpFixtures.load(SdpFixtures.CHROME), SdpFixtures.trickleTransport());
        List<String> lines = List.of(a.answerSdp().split("\r\n"));
        List<String> fmtp = matching(lines, "a=fmtp:");
        assertTrue(fmtp.stream().anyMatch(l -> l.startsWith("a=fmtp:96 ")
                && l.endsWith("x-google-start-bitrate=1000;x-google-max-bitrate=2500")), fmtp.toString());
        assertTrue(fmtp.stream().filter(l -> l.contains("x-google")).noneMatch(l -> l.startsWith("a=fmtp:111 ")),
                "not on audio: " + fmtp);
        assertTrue(fmtp.stream().filter(l -> l.contains("apt=")).noneMatch(l -> l.contains("x-google")),
                "not on RTX: " + fmtp);
        assertTrue(a.tracks().video().codecs().stream().noneMatch(c -> c.formatParameters().contains("x-google")),
                "what viewers are offered keeps the publisher's own parameters");
        assertTrue(answer(SdpFixtures.CHROME).answerSdp().indexOf("x-google") < 0, "none unless configured");
    }
}
