package io.relaycast.web.cluster;

import static org.testng.Assert.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.testng.annotations.Test;

public class RelayTokensTest {
    private static final byte[] SECRET = "relay-secret-relay-secret-relay-secret!".getBytes(StandardCharsets.UTF_8);
    private static final Instant T0 = Instant.parse("2026-12-03T04:00:00Z");
    private static final byte[] BODY = "{\"streamId\":\"s\",\"edgeNode\":\"edge.1\",\"nonce\":\"x\"}"
            .getBytes(StandardCharsets.UTF_8);

    private static RelayTokens at(byte[] secret, Instant now) {
        return new RelayTokens(secret, Duration.ofSeconds(30), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    public void aTokenOpensItsOwnRequestFromItsOwnNodeUntilItExpires() {
        RelayTokens tokens = at(SECRET, T0);
        String header = tokens.sign("edge.1", BODY);
        assertEquals(tokens.verify(header, "edge.1", BODY), RelayTokens.Verdict.OK);
        assertEquals(tokens.verify(header, "edge.2", BODY), RelayTokens.Verdict.BAD_SIGNATURE, "another node");
        byte[] other = "{\"streamId\":\"t\",\"edgeNode\":\"edge.1\",\"nonce\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(tokens.verify(header, "edge.1", other), RelayTokens.Verdict.BAD_SIGNATURE, "bound to the body");
        assertEquals(at(SECRET, T0.plusSeconds(31)).verify(header, "edge.1", BODY), RelayTokens.Verdict.EXPIRED);
        assertEquals(at("another-secret-another-secret-another".getBytes(StandardCharsets.UTF_8), T0)
                .verify(header, "edge.1", BODY), RelayTokens.Verdict.BAD_SIGNATURE, "an outsider's secret");
        // a later expiry with the old MAC is refused: the expiry is signed
        int last = header.lastIndexOf('.');
        int mid = header.lastIndexOf('.', last - 1);
        long expiry = Long.parseLong(header.substring(mid + 1, last));
        String moved = header.substring(0, mid + 1) + (expiry + 3600) + header.substring(last);
        assertEquals(tokens.verify(moved, "edge.1", BODY), RelayTokens.Verdict.BAD_SIGNATURE);
        // far in the future, even if validly signed by a node with a fast clock: refused
        String future = at(SECRET, T0.plusSeconds(3600)).sign("edge.1", BODY);
        assertEquals(tokens.verify(future, "edge.1", BODY), RelayTokens.Verdict.EXPIRED);
    }

    @Test
    public void junkIsMissingOrMalformed() {
        RelayTokens tokens = at(SECRET, T0);
        assertEquals(tokens.verify(null, "edge.1", BODY), RelayTokens.Verdict.MISSING);
        assertEquals(tokens.verify(" ", "edge.1", BODY), RelayTokens.Verdict.MISSING);
        for (String junk : new String[]{"Bearer abc", "Relaycast-Relay ", "Relaycast-Relay a.b", "Relaycast-Relay .1.AA",
                "Relaycast-Relay e.x.AA", "Relaycast-Relay e.1.%%%", "Relaycast-Relay e/1.1.AA",
                "Relaycast-Relay e.1234567890123.AA", "Relaycast-Relay " + "a".repeat(400)}) {
            assertEquals(tokens.verify(junk, "e", BODY), RelayTokens.Verdict.MALFORMED, junk);
        }
    }
}
