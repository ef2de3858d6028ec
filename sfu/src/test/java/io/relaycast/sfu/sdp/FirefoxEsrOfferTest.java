package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;
import org.testng.annotations.Test;

import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * The offer of a Firefox ESR 153 publisher as FirefoxPublisherE2ETest recorded it (publisher.html, max-bundle, the
 * fake camera; no OpenH264 plugin, so no H.264 but AV1): {@code a=msid:- {uuid}} (no stream id), a bundle-only video
 * section on port 0, {@code a=extmap-allow-mixed}, {@code a=rtcp}, RTX by {@code a=ssrc-group:FID}.
 */
public class FirefoxEsrOfferTest {
    private static final String OFFER = "firefox-esr-153-offer.sdp";

    @Test
    public void isAnsweredWithVp8AndRtxAndBothKeyframeRequests() throws SdpException {
        PublisherAnswer answer = new PublisherAnswerBuilder()
                .answer(SdpFixtures.load(OFFER), SdpFixtures.trickleTransport());
        PublishedTracks tracks = answer.tracks();
        PublishedTrack video = tracks.videoTrack().orElseThrow();
        assertEquals(video.primaryCodec().payloadType(), 120, "VP8, Firefox's first choice");
        assertTrue(video.ssrcs().get(0).hasRtx(), "RTX from a=ssrc-group:FID");
        assertTrue(video.primaryCodec().feedback().containsAll(List.of("nack", "nack pli", "ccm fir")),
                "PLI and FIR negotiated: keyframe requests to Firefox carry both " + video.primaryCodec().feedback());
        assertEquals(tracks.audioTrack().orElseThrow().primaryCodec().payloadType(), 109);
        List<String> videoAnswer = SdpFixtures.section(answer.answerSdp(), 1);
        assertTrue(videoAnswer.get(0).startsWith("m=video 9 UDP/TLS/RTP/SAVPF 120 124"), videoAnswer.get(0));
    }
}
