package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class SubscriberAnswerReaderTest {

    private final SubscriberAnswerReader reader = new SubscriberAnswerReader();

    private static SessionDescription viewerOffer(String fixture) throws SdpException {
        return new SubscriberOfferBuilder().offer(SubscriberOfferBuilderTest.tracksOf(fixture),
                SdpFixtures.transportWithCandidates(), SubscriberOfferBuilderTest.VIEWER);
    }

    @DataProvider
    public Object[][] offers() {
        return SdpFixtures.offers();
    }

    @Test(dataProvider = "offers")
    public void acceptsAChromeLikeAnswerToTheOfferBuiltFromEachFixture(String fixture) throws SdpException {
        SessionDescription offer = viewerOffer(fixture);
        PublishedTracks tracks = SubscriberOfferBuilderTest.tracksOf(fixture);
        SubscriberAnswer answer = reader.read(offer, ViewerAnswers.chromeLike(offer));
        assertEquals(answer.remote().iceUfrag(), ViewerAnswers.VIEWER_UFRAG);
        assertEquals(answer.remote().icePwd(), ViewerAnswers.VIEWER_PWD);
        assertEquals(answer.remote().fingerprints(), List.of(Fingerprint.sha256(ViewerAnswers.VIEWER_FINGERPRINT)));
        assertEquals(answer.remote().setup(), DtlsSetup.ACTIVE);
        assertEquals(answer.tracks().size(), 2);
        for (PublishedTrack published : tracks.all()) {
            AcceptedTrack accepted = answer.track(published.kind()).orElseThrow();
            assertEquals(accepted.primaryPayloadType(), published.primaryCodec().payloadType());
            assertEquals(accepted.rtxPayloadType(), published.primaryCodec().rtxPayloadType());
            assertEquals(accepted.hasRtx(), published.primaryCodec().hasRtx());
            assertEquals(accepted.mid(), published.kind() == MediaKind.AUDIO ? "0" : "1");
            assertEquals(accepted.headerExtensions().size(), (int) published.headerExtensions().stream()
                    .filter(e -> !e.uri().contains("rtp-stream-id")).count());
        }
        assertTrue(answer.track(MediaKind.VIDEO).orElseThrow().feedback().contains("nack pli"));
    }

    @Test
    public void viewerPreferenceDecidesThePrimaryCodec() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        // A viewer that prefers H.264: m=video ... 109 114 96 97 98 99
        String answer = ViewerAnswers.chromeLike(offer).replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 109 114 98 99",
                "m=video 9 UDP/TLS/RTP/SAVPF 109 114 96 97");
        AcceptedTrack video = reader.read(offer, answer).track(MediaKind.VIDEO).orElseThrow();
        assertEquals(video.primaryPayloadType(), 109);
        assertEquals(video.rtxPayloadType(), 114);
        assertEquals(video.payloadTypes(), List.of(109, 114, 96, 97));
    }

    @Test
    public void answerWithoutRtxHasNoRtxPayloadType() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = ViewerAnswers.chromeLike(offer).replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 109 114 98 99",
                "m=video 9 UDP/TLS/RTP/SAVPF 96");
        AcceptedTrack video = reader.read(offer, answer).track(MediaKind.VIDEO).orElseThrow();
        assertFalse(video.hasRtx());
        assertEquals(video.payloadTypes(), List.of(96));
    }

    @Test
    public void answerRejectingVideoWithPortZeroIsRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = ViewerAnswers.chromeLike(offer).replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 109 114 98 99",
                "m=video 0 UDP/TLS/RTP/SAVPF 96");
        SdpException e = expectThrows(SdpException.class, () -> reader.read(offer, answer));
        assertEquals(e.code(), "MEDIA_REJECTED");
        assertTrue(e.getMessage().contains("video") && e.getMessage().contains("mid 1"), e.getMessage());
    }

    @Test
    public void inactiveAnswerIsRejectedMedia() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.OBS_WHIP);
        String answer = replaceSecond(ViewerAnswers.chromeLike(offer), "a=recvonly", "a=inactive");
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, answer)).code(), "MEDIA_REJECTED");
    }

    @Test
    public void sendrecvAnswerToSendonlyIsAMismatch() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.OBS_WHIP);
        String answer = ViewerAnswers.chromeLike(offer).replace("a=recvonly", "a=sendrecv");
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, answer)).code(), "ANSWER_MISMATCH");
    }

    @Test
    public void passiveViewerIsRefusedBecauseWeAreTheDtlsServer() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = ViewerAnswers.chromeLike(offer).replace("a=setup:active", "a=setup:passive");
        SdpException e = expectThrows(SdpException.class, () -> reader.read(offer, answer));
        assertEquals(e.code(), "INVALID_DTLS_SETUP");
        assertTrue(e.getMessage().contains("passive"), e.getMessage());
    }

    @Test
    public void missingSetupDefaultsToActive() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.OBS_WHIP);
        String answer = SdpFixtures.removeLinesStartingWith(ViewerAnswers.chromeLike(offer), "a=setup:");
        assertEquals(reader.read(offer, answer).remote().setup(), DtlsSetup.ACTIVE);
    }

    @Test
    public void mismatchedMidIsRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = ViewerAnswers.chromeLike(offer).replace("a=mid:1", "a=mid:video")
                .replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 video");
        SdpException e = expectThrows(SdpException.class, () -> reader.read(offer, answer));
        assertEquals(e.code(), "ANSWER_MISMATCH");
        assertTrue(e.getMessage().contains("mid video"), e.getMessage());
    }

    @Test
    public void swappedKindsAreRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.OBS_WHIP);
        String answer = ViewerAnswers.chromeLike(offer).replace("m=audio 9 UDP/TLS/RTP/SAVPF 111",
                "m=video 9 UDP/TLS/RTP/SAVPF 111");
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, answer)).code(), "ANSWER_MISMATCH");
    }

    @Test
    public void missingSectionIsRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.OBS_WHIP);
        String full = ViewerAnswers.chromeLike(offer);
        String answer = full.substring(0, full.indexOf("m=video"));
        SdpException e = expectThrows(SdpException.class, () -> reader.read(offer, answer));
        assertEquals(e.code(), "ANSWER_MISMATCH");
        assertTrue(e.getMessage().contains("1 m-sections for the 2"), e.getMessage());
    }

    @Test
    public void unofferedPayloadTypeIsRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.OBS_WHIP);
        String answer = ViewerAnswers.chromeLike(offer).replace("m=video 9 UDP/TLS/RTP/SAVPF 96",
                "m=video 9 UDP/TLS/RTP/SAVPF 102");
        SdpException e = expectThrows(SdpException.class, () -> reader.read(offer, answer));
        assertEquals(e.code(), "ANSWER_MISMATCH");
        assertTrue(e.getMessage().contains("102"), e.getMessage());
    }

    @Test
    public void onlyRtxAcceptedIsNoCommonCodec() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = ViewerAnswers.chromeLike(offer).replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97 109 114 98 99",
                "m=video 9 UDP/TLS/RTP/SAVPF 97");
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, answer)).code(), "NO_COMMON_CODEC");
    }

    @Test
    public void remappedExtensionIsRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = ViewerAnswers.chromeLike(offer).replace(
                "a=extmap:13 urn:3gpp:video-orientation", "a=extmap:12 urn:3gpp:video-orientation");
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, answer)).code(), "ANSWER_MISMATCH");
    }

    @Test
    public void missingFingerprintIsRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = SdpFixtures.removeLinesStartingWith(ViewerAnswers.chromeLike(offer), "a=fingerprint:");
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, answer)).code(), "MISSING_FINGERPRINT");
    }

    @Test
    public void unbundledAnswerIsRefused() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        String answer = ViewerAnswers.chromeLike(offer).replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0");
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, answer)).code(), "BUNDLE_REQUIRED");
    }

    @Test
    public void garbageAnswerIsMalformed() throws SdpException {
        SessionDescription offer = viewerOffer(SdpFixtures.CHROME);
        assertEquals(expectThrows(SdpException.class, () -> reader.read(offer, "{\"type\":\"answer\"}")).code(),
                "SDP_MALFORMED");
    }

    private static String replaceSecond(String text, String target, String replacement) {
        int first = text.indexOf(target);
        int second = text.indexOf(target, first + target.length());
        return text.substring(0, second) + replacement + text.substring(second + target.length());
    }
}
