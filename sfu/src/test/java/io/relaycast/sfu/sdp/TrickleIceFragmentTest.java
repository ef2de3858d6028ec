package io.relaycast.sfu.sdp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.List;
import java.util.Optional;
import org.testng.annotations.Test;

public class TrickleIceFragmentTest {

    @Test
    public void readsAWhipPatchBody() throws SdpException {
        String body = SdpFixtures.load(SdpFixtures.WHIP_TRICKLE);
        TrickleIceFragment fragment = TrickleIceFragment.parse(body, SdpLimits.DEFAULTS);
        assertTrue(fragment.hasCredentials());
        assertEquals(fragment.iceUfrag().length(), 4);
        assertEquals(fragment.icePwd().length(), 24);
        assertTrue(body.contains("a=ice-ufrag:" + fragment.iceUfrag() + "\r\n"));
        assertTrue(body.contains("a=ice-pwd:" + fragment.icePwd() + "\r\n"));
        assertEquals(fragment.candidates().size(), 4);
        assertTrue(fragment.endOfCandidates());
        for (TrickleCandidate candidate : fragment.candidates()) {
            assertEquals(candidate.sdpMid(), "0");
            assertEquals(candidate.sdpMLineIndex(), 0);
        }
        assertEquals(fragment.candidates().get(2).parsed().tcpType(), Optional.of("active"));
        assertEquals(fragment.candidates().get(3).parsed().relatedPort(), 61764);
    }

    @Test
    public void keepsTheMidOfEachSectionEvenWhenMidComesLast() throws SdpException {
        String body = "a=ice-options:trickle\n"
                + "m=audio 9 RTP/AVP 0\n"
                + "a=candidate:1 1 udp 2122260223 192.0.2.1 5000 typ host\n"
                + "a=mid:audio\n"
                + "m=video 9 RTP/AVP 31\n"
                + "a=mid:video\n"
                + "a=candidate:2 1 udp 2122260223 192.0.2.1 5002 typ host\n";
        TrickleIceFragment fragment = TrickleIceFragment.parse(body, SdpLimits.DEFAULTS);
        assertFalse(fragment.hasCredentials());
        assertNull(fragment.iceUfrag());
        assertFalse(fragment.endOfCandidates());
        List<TrickleCandidate> candidates = fragment.candidates();
        assertEquals(candidates.get(0).sdpMid(), "audio");
        assertEquals(candidates.get(0).sdpMLineIndex(), 0);
        assertEquals(candidates.get(1).sdpMid(), "video");
        assertEquals(candidates.get(1).sdpMLineIndex(), 1);
    }

    @Test
    public void endOfCandidatesAloneIsValid() throws SdpException {
        TrickleIceFragment fragment = TrickleIceFragment.parse("a=end-of-candidates\r\n", SdpLimits.DEFAULTS);
        assertTrue(fragment.endOfCandidates());
        assertTrue(fragment.candidates().isEmpty());
    }

    @Test
    public void ufragWithoutPasswordIsMissingCredentials() {
        SdpException e = expectThrows(SdpException.class,
                () -> TrickleIceFragment.parse("m=audio 9 RTP/AVP 0\r\na=mid:0\r\na=ice-ufrag:EsAw\r\n", SdpLimits.DEFAULTS));
        assertEquals(e.code(), "MISSING_ICE_CREDENTIALS");
    }

    @Test
    public void tooManyCandidatesAreRefused() {
        StringBuilder body = new StringBuilder("m=audio 9 RTP/AVP 0\r\na=mid:0\r\n");
        for (int i = 0; i < 40; i++) {
            body.append("a=candidate:").append(i).append(" 1 udp 1 192.0.2.1 ").append(5000 + i).append(" typ host\r\n");
        }
        SdpException e = expectThrows(SdpException.class, () -> TrickleIceFragment.parse(body.toString(), SdpLimits.DEFAULTS));
        assertEquals(e.code(), "TOO_MANY_CANDIDATES");
        assertTrue(e.getMessage().contains("a=candidate:32 "), e.getMessage());
    }

    @Test
    public void refusesNonFragmentLinesAndBrokenValues() {
        assertEquals(expectThrows(SdpException.class, () -> TrickleIceFragment.parse(
                SdpFixtures.load(SdpFixtures.OBS_WHIP), SdpLimits.DEFAULTS)).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleIceFragment.parse(
                "a=candidate:1 1 udp\r\n", SdpLimits.DEFAULTS)).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleIceFragment.parse(
                "a=ice-ufrag:ab\r\na=ice-pwd:0123456789012345678901\r\n", SdpLimits.DEFAULTS)).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleIceFragment.parse(
                "a=ice-ufrag:abcd\r\na=ice-ufrag:efgh\r\n", SdpLimits.DEFAULTS)).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleIceFragment.parse(
                "m=audio nine RTP/AVP 0\r\n", SdpLimits.DEFAULTS)).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleIceFragment.parse(
                "a=end-of-candidates\r\n" + "a=x:" + "y".repeat(70_000), SdpLimits.DEFAULTS)).code(), "SDP_TOO_LARGE");
    }
}
