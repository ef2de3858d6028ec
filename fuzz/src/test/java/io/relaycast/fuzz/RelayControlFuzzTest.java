package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sfu.relay.RelayGrant;
import io.relaycast.sfu.relay.RelayKeys;
import io.relaycast.sfu.relay.RelayRequest;
import io.relaycast.web.cluster.RelayTokens;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/**
 * The relay's control messages between nodes: the edge's request as the origin's {@code POST /internal/v1/relays}
 * reads it ({@link RelayRequest#parse}, before and after the credential, {@link RelayTokens#verify}) and the
 * origin's answer as the edge reads it ({@link RelayGrant#parse}, with the publication's tracks). Contract: only
 * {@link IllegalArgumentException} for anything malformed (a 400, or a refused relay), never another exception; an
 * accepted message survives a round trip; a credential that was not signed with the secret is never OK.
 */
class RelayControlFuzzTest {
    private static final RelayTokens TOKENS = new RelayTokens(
            "fuzzing-secret-fuzzing-secret-fuzzing-secret".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30),
            Clock.systemUTC());

    @FuzzTest(maxDuration = "5m")
    void request(byte[] body) {
        RelayRequest r;
        try {
            r = RelayRequest.parse(body);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertEquals(RelayKeys.NONCE_BYTES, r.nonce().length);
        RelayRequest again = RelayRequest.parse(r.toJson());
        assertEquals(r.streamId(), again.streamId());
        assertEquals(r.edgeNode(), again.edgeNode());
        assertArrayEquals(r.nonce(), again.nonce());
    }

    @FuzzTest(maxDuration = "5m")
    void credential(byte[] data) {
        // the header is whatever an outsider sends: it must never verify
        String header = new String(data, StandardCharsets.ISO_8859_1);
        RelayTokens.Verdict v = TOKENS.verify(header, "edge", data);
        assertTrue(v != RelayTokens.Verdict.OK, "an unsigned credential verified: " + header);
    }

    @FuzzTest(maxDuration = "5m")
    void grant(byte[] body) {
        RelayGrant g;
        try {
            g = RelayGrant.parse(body);
        } catch (IllegalArgumentException refused) {
            return;
        }
        assertTrue(g.port() > 0 && g.port() < 65536);
        RelayGrant again = RelayGrant.parse(g.toJson());
        assertEquals(g.tracks(), again.tracks());
        assertEquals(g.relayId(), again.relayId());
    }
}
