package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.MediaDirection;
import io.relaycast.sfu.media.MediaKind;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class SdpParserTest {

    private final SdpParser parser = new SdpParser();

    @DataProvider
    public Object[][] offers() {
        return SdpFixtures.offers();
    }

    @Test(dataProvider = "offers")
    public void parseThenSerializeGivesTheSameText(String fixture) throws SdpException {
        String text = SdpFixtures.load(fixture);
        assertEquals(parser.parse(text).serialize(), text);
    }

    @Test(dataProvider = "offers")
    public void acceptsBareLfAndWritesCrlf(String fixture) throws SdpException {
        String crlf = SdpFixtures.load(fixture);
        String lf = crlf.replace("\r\n", "\n");
        assertFalse(lf.contains("\r"));
        assertEquals(parser.parse(lf).serialize(), crlf);
    }

    @Test
    public void acceptsAMissingFinalLineEndAndSkipsEmptyLines() throws SdpException {
        String text = SdpFixtures.load(SdpFixtures.OBS_WHIP);
        String untidy = text.substring(0, text.length() - 2) ;
        assertEquals(parser.parse(untidy + "\r\n\r\n").serialize(), text);
        assertEquals(parser.parse(untidy).serialize(), text);
    }

    @Test
    public void readsSessionAndMediaStructureOfChrome() throws SdpException {
        SessionDescription offer = parser.parse(SdpFixtures.load(SdpFixtures.CHROME));
        assertEquals(offer.bundleMids(), List.of("0", "1"));
        assertTrue(offer.hasAttribute("extmap-allow-mixed"));
        assertEquals(offer.media().size(), 2);
        MediaDescription audio = offer.media().get(0);
        MediaDescription video = offer.media().get(1);
        assertEquals(audio.kind().orElseThrow(), MediaKind.AUDIO);
        assertEquals(video.kind().orElseThrow(), MediaKind.VIDEO);
        assertEquals(audio.mid().orElseThrow(), "0");
        assertEquals(video.mediaLine().payloadTypes().size(), 25);
        assertEquals(video.rtpMaps().size(), 25);
        assertEquals(audio.rtpMap(111).orElseThrow(), new RtpMap(111, "opus", 48000, 2));
        assertEquals(video.extMaps().size(), 11);
        assertEquals(video.direction(offer), MediaDirection.SENDRECV);
        assertEquals(video.ssrcGroups().get(0).semantics(), "FID");
        assertEquals(video.formatParameters(109).orElseThrow().parameter("profile-level-id").orElseThrow(), "42e01f");
        assertEquals(audio.fingerprints().get(0).algorithm(), "sha-256");
    }

    @Test
    public void readsFirefoxSessionLevelFingerprintAndFmtpBeforeRtpmap() throws SdpException {
        SessionDescription offer = parser.parse(SdpFixtures.load(SdpFixtures.FIREFOX));
        assertEquals(offer.fingerprints().size(), 1);
        assertTrue(offer.media().get(0).fingerprints().isEmpty());
        MediaDescription video = offer.media().get(1);
        assertEquals(video.formatParameters(124).orElseThrow().parameter("apt").orElseThrow(), "120");
        ExtMap playoutDelay = video.extMaps().get(3);
        assertEquals(playoutDelay.id(), 6);
        assertEquals(playoutDelay.direction(), MediaDirection.RECVONLY);
    }

    @Test
    public void readsObsSessionLevelIceAndItsCandidates() throws SdpException {
        SessionDescription offer = parser.parse(SdpFixtures.load(SdpFixtures.OBS_WHIP));
        assertTrue(offer.attribute("ice-ufrag").isPresent());
        assertEquals(offer.attributes("group").size(), 2);
        List<IceCandidate> candidates = offer.media().get(0).candidates();
        assertEquals(candidates.size(), 3);
        assertTrue(candidates.get(1).isIpv6());
        assertEquals(candidates.get(2).relatedAddress(), "0.0.0.0");
    }

    @Test
    public void parsesUtf8Bytes() throws SdpException {
        byte[] body = SdpFixtures.load(SdpFixtures.FFMPEG_WHIP).getBytes(StandardCharsets.UTF_8);
        assertEquals(parser.parse(body).media().size(), 2);
    }

    // ---- malformed input, each with its stable code and a message naming the line

    @Test
    public void garbageIsMalformed() {
        SdpException e = expectThrows(SdpException.class, () -> parser.parse("hello world, this is no SDP"));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().startsWith("line 1 \"hello world"), e.getMessage());
    }

    @Test
    public void emptyTextIsMalformed() {
        assertEquals(expectThrows(SdpException.class, () -> parser.parse("\r\n\r\n")).code(), "SDP_MALFORMED");
    }

    @Test
    public void missingVersionLineIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.CHROME), "v=0", "");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("v=0"), e.getMessage());
    }

    @Test
    public void missingOriginIsMalformed() {
        String text = SdpFixtures.removeLinesStartingWith(SdpFixtures.load(SdpFixtures.CHROME), "o=");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("o="), e.getMessage());
    }

    @Test
    public void oneMegabyteIsTooLarge() {
        StringBuilder big = new StringBuilder(SdpFixtures.load(SdpFixtures.CHROME));
        while (big.length() < 1024 * 1024) {
            big.append("a=x-padding:").append("z".repeat(200)).append("\r\n");
        }
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(big.toString()));
        assertEquals(e.code(), "SDP_TOO_LARGE");
        byte[] bytes = big.toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(expectThrows(SdpException.class, () -> parser.parse(bytes)).code(), "SDP_TOO_LARGE");
    }

    @Test
    public void sizeCountsUtf8BytesNotCharacters() throws SdpException {
        SdpParser small = new SdpParser(new SdpLimits(200, 8, 32));
        String base = "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
        small.parse(base + "i=" + "a".repeat(100) + "\r\n");
        // 100 two-byte characters: 100 chars but 200 bytes, which with the head exceeds 200.
        SdpException e = expectThrows(SdpException.class, () -> small.parse(base + "i=" + "é".repeat(100) + "\r\n"));
        assertEquals(e.code(), "SDP_TOO_LARGE");
    }

    @Test
    public void twentyMediaSectionsAreTooManyTracks() {
        StringBuilder sdp = new StringBuilder("v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n");
        for (int i = 0; i < 20; i++) {
            sdp.append("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:").append(i).append("\r\n");
        }
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(sdp.toString()));
        assertEquals(e.code(), "TOO_MANY_TRACKS");
        // The ninth m= line is line 4 + 8 * 2 + 1 = 21.
        assertTrue(e.getMessage().startsWith("line 21 \"m=audio"), e.getMessage());
    }

    @Test
    public void hundredCandidatesAreTooMany() {
        StringBuilder sdp = new StringBuilder(SdpFixtures.load(SdpFixtures.FFMPEG_WHIP));
        for (int i = 0; i < 100; i++) {
            sdp.append("a=candidate:").append(i).append(" 1 udp 2122260223 10.0.0.").append(i % 250).append(' ')
                    .append(40000 + i).append(" typ host\r\n");
        }
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(sdp.toString()));
        assertEquals(e.code(), "TOO_MANY_CANDIDATES");
        assertTrue(e.getMessage().contains("a=candidate:32 "), e.getMessage());
    }

    @Test
    public void nonNumericPortIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP),
                "m=video 50312 UDP/TLS/RTP/SAVPF 96", "m=video fifty UDP/TLS/RTP/SAVPF 96");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("m=video fifty") && e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    public void portAboveSixtyFiveThousandIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP),
                "m=video 50312 UDP/TLS/RTP/SAVPF 96", "m=video 70000 UDP/TLS/RTP/SAVPF 96");
        assertEquals(expectThrows(SdpException.class, () -> parser.parse(text)).code(), "SDP_MALFORMED");
    }

    @Test
    public void rtpmapWithoutClockRateIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP),
                "a=rtpmap:96 H264/90000", "a=rtpmap:96 H264");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("\"a=rtpmap:96 H264\"") && e.getMessage().contains("clock rate"),
                e.getMessage());
        int lineNumber = SdpFixtures.lines(text).indexOf("a=rtpmap:96 H264") + 1;
        assertTrue(e.getMessage().startsWith("line " + lineNumber + ":"), e.getMessage());
    }

    @Test
    public void nonNumericPayloadTypeInMediaLineIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP),
                "m=video 50312 UDP/TLS/RTP/SAVPF 96", "m=video 50312 UDP/TLS/RTP/SAVPF 96 x");
        assertEquals(expectThrows(SdpException.class, () -> parser.parse(text)).code(), "SDP_MALFORMED");
    }

    @Test
    public void nonAsciiDigitsAreNotNumbers() {
        // U+0661 ARABIC-INDIC DIGIT ONE would pass Integer.parseInt.
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP),
                "a=rtpmap:96 H264/90000", "a=rtpmap:96 H264/\u0669\u0660\u0660\u0660\u0660");
        assertEquals(expectThrows(SdpException.class, () -> parser.parse(text)).code(), "SDP_MALFORMED");
    }

    @Test
    public void controlCharactersAreMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP), "s=-", "s=a\u0000b");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("\\x00"), e.getMessage());
    }

    @Test
    public void duplicateMidIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP), "a=mid:1", "a=mid:0");
        assertEquals(expectThrows(SdpException.class, () -> parser.parse(text)).code(), "SDP_MALFORMED");
    }

    @Test
    public void twoRtpmapsForOnePayloadTypeAreMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP), "a=rtpmap:96 H264/90000",
                "a=rtpmap:96 H264/90000\r\na=rtpmap:96 VP8/90000");
        assertEquals(expectThrows(SdpException.class, () -> parser.parse(text)).code(), "SDP_MALFORMED");
    }

    @Test
    public void oneExtmapIdForTwoUrisIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.CHROME),
                "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset", "a=extmap:2 urn:ietf:params:rtp-hdrext:toffset");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("RFC 8285"), e.getMessage());
    }

    @Test
    public void malformedCandidateIsMalformed() {
        String text = SdpFixtures.replaceLine(SdpFixtures.load(SdpFixtures.OBS_WHIP),
                "a=candidate:1 1 UDP 2122317823 192.168.1.20 50312 typ host",
                "a=candidate:1 1 UDP 2122317823 192.168.1.20 50312 host");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("typ"), e.getMessage());
    }

    @Test
    public void badFingerprintIsMalformed() {
        String text = SdpFixtures.load(SdpFixtures.FIREFOX).replaceFirst("a=fingerprint:sha-256 ([0-9A-F:]+)",
                "a=fingerprint:sha-256 AB:CD");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("32 bytes"), e.getMessage());
    }

    @Test
    public void shortIcePasswordIsMalformed() {
        String text = SdpFixtures.load(SdpFixtures.OBS_WHIP).replaceFirst("a=ice-pwd:[^\r]+", "a=ice-pwd:short");
        SdpException e = expectThrows(SdpException.class, () -> parser.parse(text));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("RFC 8839"), e.getMessage());
    }

    @Test
    public void invalidUtf8IsMalformed() {
        byte[] body = "v=0\r\ns=\u00ff\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(expectThrows(SdpException.class, () -> parser.parse(body)).code(), "SDP_MALFORMED");
    }

    @Test
    public void unknownLinesAndAttributesAreKept() throws SdpException {
        String text = "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\ni=a session\r\nt=0 0\r\na=x-custom:anything goes\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nb=AS:64\r\na=x-flag\r\n";
        SessionDescription parsed = parser.parse(text);
        assertEquals(parsed.serialize(), text);
        assertEquals(parsed.attribute("x-custom").orElseThrow(), "anything goes");
        assertEquals(parsed.media().get(0).field('b').orElseThrow(), "AS:64");
    }
}
