package io.relaycast.sfu.sdp;

import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerSsrcs;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.testng.annotations.Test;

/**
 * Thousands of randomly damaged fixtures through every entry point: whatever the damage, the only exception that
 * may come out is SdpException, with a code and a message. Seeds are fixed so a failure reproduces.
 */
public class SdpMutationTest {

    private static final String[] INSERTS = {":", " ", "/", "=", "\r\n", "\n", "\r", "a=", "m=", "-1", "0", ";", ",",
            "~", "*", "é", "\u0000", "\t", "\uD83D\uDE00", "99999999999999999999", "65536", "4294967296", "128",
            "a=rtpmap:", "a=candidate:", "a=simulcast:send ", "a=rid:", "a=ssrc-group:FID ", "a=group:BUNDLE ",
            "a=extmap:", "a=fmtp:", "a=setup:", "a=mid:", "a=msid:", "a=ssrc:", "a=rtcp-fb:* ", "m=video 0 RTP/AVP 0",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111", "apt=", "packetization-mode=0", "a=sendrecv", "a=inactive", "a=recvonly"};
    private static final String[] NUMBERS = {"0", "-1", "1", "127", "128", "255", "256", "65535", "65536",
            "4294967295", "4294967296", "99999999999999999999", "", "x"};

    private final Random random = new Random(0x5DBEEFL);
    private final Map<String, Integer> outcomes = new TreeMap<>();

    @Test
    public void damagedOffersOnlyEverRaiseSdpException() {
        PublisherAnswerBuilder publisher = new PublisherAnswerBuilder();
        SubscriberOfferBuilder viewerOffers = new SubscriberOfferBuilder();
        SubscriberAnswerReader viewerAnswers = new SubscriberAnswerReader();
        int accepted = 0;
        for (String fixture : SdpFixtures.OFFERS) {
            String original = SdpFixtures.load(fixture);
            for (int i = 0; i < 1000; i++) {
                String mutant = mutate(original);
                try {
                    PublisherAnswer answer = publisher.answer(mutant, SdpFixtures.trickleTransport());
                    assertNotNull(new SdpParser().parse(answer.answerSdp()));
                    SessionDescription offer = viewerOffers.offer(answer.tracks(), SdpFixtures.trickleTransport(),
                            new ViewerSsrcs(1, 2, 3, "c", "s"));
                    viewerAnswers.read(offer, ViewerAnswers.chromeLike(offer));
                    accepted++;
                    record("OK");
                } catch (SdpException e) {
                    checkRefusal(e);
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("non-SdpException for a mutant of " + fixture + ":\n" + mutant, e);
                }
            }
        }
        // Both outcomes must occur, or the mutations are too weak (or the parser refuses everything).
        assertTrue(accepted > 100, outcomes.toString());
        assertTrue(outcomes.size() >= 5, "expected several distinct refusal codes: " + outcomes);
        assertTrue(outcomes.containsKey("SDP_MALFORMED"), outcomes.toString());
    }

    @Test
    public void damagedViewerAnswersOnlyEverRaiseSdpException() throws SdpException {
        SubscriberAnswerReader reader = new SubscriberAnswerReader();
        int accepted = 0;
        int refused = 0;
        for (String fixture : SdpFixtures.OFFERS) {
            PublishedTracks tracks = new PublisherAnswerBuilder().answer(SdpFixtures.load(fixture),
                    SdpFixtures.trickleTransport()).tracks();
            SessionDescription offer = new SubscriberOfferBuilder().offer(tracks, SdpFixtures.transportWithCandidates(),
                    new ViewerSsrcs(1, 2, 3, "c", "s"));
            String answer = ViewerAnswers.chromeLike(offer);
            for (int i = 0; i < 600; i++) {
                String mutant = mutate(answer);
                try {
                    reader.read(offer, mutant);
                    accepted++;
                } catch (SdpException e) {
                    checkRefusal(e);
                    refused++;
                } catch (RuntimeException | Error e) {
                    throw new AssertionError("non-SdpException for a viewer answer mutant:\n" + mutant, e);
                }
            }
        }
        assertTrue(accepted > 50 && refused > 50, accepted + " accepted, " + refused + " refused");
    }

    @Test
    public void damagedTrickleInputOnlyEverRaisesSdpException() {
        String fragment = SdpFixtures.load(SdpFixtures.WHIP_TRICKLE);
        List<String> candidateLines = SdpFixtures.lines(fragment).stream().filter(l -> l.startsWith("a=candidate:"))
                .toList();
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            String mutant = mutate(fragment);
            String candidate = mutate(candidateLines.get(random.nextInt(candidateLines.size())));
            Map<String, Object> json = new HashMap<>();
            json.put("candidate", candidate.startsWith("a=") ? candidate.substring(2) : candidate);
            json.put(random.nextBoolean() ? "sdpMid" : "sdpMLineIndex",
                    random.nextBoolean() ? (Object) "0" : (Object) (random.nextInt(3) - 1));
            try {
                TrickleIceFragment.parse(mutant, SdpLimits.DEFAULTS);
                IceCandidate parsed = IceCandidate.parse(candidate);
                assertEquals(IceCandidate.parse(parsed.toCandidateString()), parsed);
                accepted++;
            } catch (SdpException e) {
                checkRefusal(e);
                refused++;
            } catch (RuntimeException | Error e) {
                throw new AssertionError("non-SdpException for trickle input:\n" + mutant + "\n" + candidate, e);
            }
            try {
                TrickleCandidate.fromMap(json);
            } catch (SdpException e) {
                checkRefusal(e);
            } catch (RuntimeException | Error e) {
                throw new AssertionError("non-SdpException for trickle candidate " + json, e);
            }
        }
        assertTrue(accepted > 100 && refused > 100, accepted + " accepted, " + refused + " refused");
    }

    private void checkRefusal(SdpException e) {
        assertNotNull(e.errorCode());
        assertEquals(e.code(), e.errorCode().name());
        assertFalse(e.getMessage().isBlank());
        record(e.code());
    }

    private void record(String outcome) {
        outcomes.merge(outcome, 1, Integer::sum);
    }

    private String mutate(String text) {
        String mutant = text;
        int rounds = 1 + random.nextInt(4);
        for (int r = 0; r < rounds; r++) {
            mutant = mutateOnce(mutant);
        }
        return mutant;
    }

    private String mutateOnce(String text) {
        if (text.isEmpty()) {
            return INSERTS[random.nextInt(INSERTS.length)];
        }
        int at = random.nextInt(text.length());
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n", -1)));
        int line = random.nextInt(lines.size());
        switch (random.nextInt(9)) {
            case 0:
                return text.substring(0, at) + INSERTS[random.nextInt(INSERTS.length)].charAt(0) + text.substring(at + 1);
            case 1:
                return text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(20)));
            case 2:
                return text.substring(0, at) + INSERTS[random.nextInt(INSERTS.length)] + text.substring(at);
            case 3:
                lines.add(line, lines.get(line));
                return String.join("\r\n", lines);
            case 4:
                lines.remove(line);
                return String.join("\r\n", lines);
            case 5:
                int other = random.nextInt(lines.size());
                String swap = lines.get(line);
                lines.set(line, lines.get(other));
                lines.set(other, swap);
                return String.join("\r\n", lines);
            case 6:
                return text.substring(0, at);
            case 7:
                return replaceNumber(text, at);
            default:
                // Damage only the value of one attribute line, which reaches the attribute parsers.
                String target = lines.get(line);
                int colon = target.indexOf(':');
                if (colon > 0 && colon + 1 < target.length()) {
                    int pos = colon + 1 + random.nextInt(target.length() - colon - 1);
                    lines.set(line, target.substring(0, pos) + INSERTS[random.nextInt(INSERTS.length)]
                            + target.substring(pos + 1));
                }
                return String.join("\r\n", lines);
        }
    }

    private String replaceNumber(String text, int from) {
        int start = from;
        while (start < text.length() && !Character.isDigit(text.charAt(start))) {
            start++;
        }
        if (start == text.length()) {
            return text;
        }
        int end = start;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return text.substring(0, start) + NUMBERS[random.nextInt(NUMBERS.length)] + text.substring(end);
    }
}
