package io.relaycast.sfu.sdp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.testng.annotations.Test;

public class TrickleCandidateTest {

    private static final String CHROME_CANDIDATE =
            "candidate:842163049 1 udp 1677729535 198.51.100.10 52200 typ srflx raddr 0.0.0.0 rport 0 generation 0"
                    + " ufrag gydc network-cost 999";

    @Test
    public void readsABrowserIceCandidateObject() throws SdpException {
        // What JSON.stringify(event.candidate) gives in Chrome; Jackson decodes numbers as Integer.
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("candidate", CHROME_CANDIDATE);
        json.put("sdpMid", "0");
        json.put("sdpMLineIndex", 0);
        json.put("usernameFragment", "gydc");
        TrickleCandidate trickle = TrickleCandidate.fromMap(json);
        assertFalse(trickle.isEndOfCandidates());
        assertEquals(trickle.sdpMid(), "0");
        assertEquals(trickle.sdpMLineIndex(), 0);
        assertEquals(trickle.usernameFragment(), "gydc");
        IceCandidate candidate = trickle.parsed();
        assertEquals(candidate.type(), "srflx");
        assertEquals(candidate.port(), 52200);
        assertEquals(trickle.toMap(), json);
    }

    @Test
    public void acceptsAnIndexWithoutMidAndAWholeDoubleIndex() throws SdpException {
        Map<String, Object> json = new HashMap<>();
        json.put("candidate", CHROME_CANDIDATE);
        json.put("sdpMLineIndex", 1.0);
        TrickleCandidate trickle = TrickleCandidate.fromMap(json);
        assertEquals(trickle.sdpMLineIndex(), 1);
        assertEquals(trickle.sdpMid(), null);
        assertFalse(trickle.toMap().containsKey("sdpMid"));
    }

    @Test
    public void emptyCandidateIsEndOfCandidates() throws SdpException {
        Map<String, Object> json = new HashMap<>();
        json.put("candidate", "");
        json.put("sdpMid", "0");
        TrickleCandidate trickle = TrickleCandidate.fromMap(json);
        assertTrue(trickle.isEndOfCandidates());
        assertEquals(expectThrows(SdpException.class, trickle::parsed).code(), "SDP_MALFORMED");
        assertTrue(TrickleCandidate.fromMap(Map.of()).isEndOfCandidates());
    }

    @Test
    public void needsMidOrIndex() {
        SdpException e = expectThrows(SdpException.class,
                () -> TrickleCandidate.fromMap(Map.of("candidate", CHROME_CANDIDATE)));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains("sdpMid"), e.getMessage());
    }

    @Test
    public void refusesWrongTypesAndBadCandidates() {
        assertEquals(expectThrows(SdpException.class, () -> TrickleCandidate.fromMap(
                Map.of("candidate", 42, "sdpMid", "0"))).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleCandidate.fromMap(
                Map.of("candidate", CHROME_CANDIDATE, "sdpMLineIndex", -1))).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleCandidate.fromMap(
                Map.of("candidate", CHROME_CANDIDATE, "sdpMLineIndex", 0.5))).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleCandidate.fromMap(
                Map.of("candidate", "candidate:1 1 udp", "sdpMid", "0"))).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> TrickleCandidate.fromMap(
                Map.of("candidate", "candidate:" + "1".repeat(2000), "sdpMid", "0"))).code(), "SDP_TOO_LARGE");
        assertEquals(expectThrows(SdpException.class, () -> TrickleCandidate.fromMap(null)).code(), "SDP_MALFORMED");
    }

    @Test
    public void wrapsOurCandidatesForTheServerToClientEvent() {
        IceCandidate host = IceCandidate.of("1", 1, "udp", 2130706431L, "203.0.113.50", 10000, "host");
        Map<String, Object> json = TrickleCandidate.of(host, "0", 0).toMap();
        assertEquals(json.get("candidate"), "candidate:1 1 udp 2130706431 203.0.113.50 10000 typ host");
        assertEquals(json.get("sdpMid"), "0");
        assertEquals(json.get("sdpMLineIndex"), 0);
        assertFalse(json.containsKey("usernameFragment"));
    }
}
