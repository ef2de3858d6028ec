package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sfu.sdp.Fingerprint;
import io.relaycast.sfu.sdp.IceCandidate;
import io.relaycast.sfu.sdp.LocalTransport;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.sdp.PublisherAnswer;
import io.relaycast.sfu.sdp.PublisherAnswerBuilder;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.sdp.SdpLimits;
import io.relaycast.sfu.sdp.SdpParser;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.SubscriberAnswerReader;
import io.relaycast.sfu.sdp.SubscriberOfferBuilder;
import io.relaycast.sfu.sdp.TrickleIceFragment;
import io.relaycast.sfu.sdp.ViewerAnswer;
import io.relaycast.sfu.sdp.ViewerAnswerBuilder;
import io.relaycast.sfu.media.ViewerSsrcs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SDP as clients deliver it: a WHIP publisher's offer and a WHEP viewer's offer (HTTP bodies), a Socket.IO
 * publisher's {@code stream:offer} and a Socket.IO viewer's {@code stream:answer} to our offer, and a WHIP/WHEP
 * PATCH trickle fragment (RFC 8840). Contract: every step either succeeds or throws {@link SdpException} (which
 * the API answers as 400 with its code); any other exception would be a 500 or a dropped connection. What we
 * accept re-serialises to text we parse again to the same text, and every answer we build parses.
 */
class SdpFuzzTest {
    private static final SdpLimits LIMITS = SdpLimits.DEFAULTS;
    private static final LocalTransport LOCAL = new LocalTransport("Rc7s", "q1VvZ0d8xHmP3kLw9TnB2sYc",
            Fingerprint.sha256("3C:4E:91:0A:D2:7B:18:F6:55:0E:9C:A3:61:2D:B8:47:E0:19:76:C5:3F:8A:02:DD:B4:6E:91:27:5C:08:FA:13"),
            List.of(), true);
    private static final ViewerSsrcs SSRCS = new ViewerSsrcs(1111, 2222, 3333, "fuzzcname", "live42");
    /** What a Chrome publisher publishes: the tracks viewers are offered and answer to. */
    private static final PublishedTracks PUBLISHED;
    private static final SessionDescription OUR_VIEWER_OFFER;

    static {
        try (InputStream in = SdpFuzzTest.class.getResourceAsStream("/sdp/chrome-offer.sdp")) {
            String chrome = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            PUBLISHED = new PublisherAnswerBuilder().answer(chrome, LOCAL).tracks();
            OUR_VIEWER_OFFER = new SubscriberOfferBuilder().offer(PUBLISHED, LOCAL, SSRCS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SdpException e) {
            throw new IllegalStateException(e);
        }
    }

    private final SdpParser parser = new SdpParser(LIMITS);
    private final PublisherAnswerBuilder publisherAnswers = new PublisherAnswerBuilder();
    private final ViewerAnswerBuilder viewerAnswers = new ViewerAnswerBuilder(LIMITS);
    private final SubscriberAnswerReader subscriberAnswers = new SubscriberAnswerReader(LIMITS);

    /** A publisher's offer (WHIP POST, Socket.IO stream:offer) and a viewer's offer (WHEP POST). */
    @FuzzTest(maxDuration = "10m")
    void offer(byte[] body) throws SdpException {
        String text = new String(body, StandardCharsets.UTF_8);
        SessionDescription offer;
        try {
            offer = parser.parse(text);
        } catch (SdpException refused) {
            assertNotNull(refused.errorCode());
            return;
        }
        String serialized = offer.serialize();
        assertEquals(serialized, parser.parse(serialized).serialize(), "what we accept re-serialises stably");
        try {
            PublisherAnswer answer = publisherAnswers.answer(offer, LOCAL);
            parser.parse(answer.answerSdp());
        } catch (SdpException refused) {
            assertNotNull(refused.errorCode());
        }
        try {
            ViewerAnswer answer = viewerAnswers.answer(text, PUBLISHED, LOCAL, SSRCS);
            parser.parse(answer.answerSdp());
        } catch (SdpException refused) {
            assertNotNull(refused.errorCode());
        }
    }

    /** A Socket.IO viewer's stream:answer to the offer we sent it. */
    @FuzzTest(maxDuration = "10m")
    void viewerAnswer(byte[] body) {
        try {
            subscriberAnswers.read(OUR_VIEWER_OFFER, new String(body, StandardCharsets.UTF_8));
        } catch (SdpException refused) {
            assertNotNull(refused.errorCode());
        }
    }

    /** A WHIP/WHEP PATCH body (application/trickle-ice-sdpfrag) and the candidates in it. */
    @FuzzTest(maxDuration = "10m")
    void trickle(byte[] body) {
        TrickleIceFragment fragment;
        try {
            fragment = TrickleIceFragment.parse(new String(body, StandardCharsets.UTF_8), LIMITS);
        } catch (SdpException refused) {
            assertNotNull(refused.errorCode());
            return;
        }
        assertTrue(fragment.candidates().size() <= LIMITS.maxCandidates(), "a fragment holds a bounded number of candidates");
        for (var c : fragment.candidates()) {
            if (c.isEndOfCandidates()) {
                continue;
            }
            try {
                IceCandidate parsed = c.parsed();
                assertEquals(parsed, IceCandidate.parse(parsed.toCandidateString()), "a candidate round-trips");
            } catch (SdpException refused) {
                assertNotNull(refused.errorCode());
            }
        }
    }
}
