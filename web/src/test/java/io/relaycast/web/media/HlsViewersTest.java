package io.relaycast.web.media;

import org.testng.annotations.Test;

import java.util.UUID;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNull;

/**
 * The HLS player session ids: minted per master playlist, bound to the stream by a MAC any node can check, and
 * nothing else opens a session. (Counting, keep-alive and the timeout run against a real broadcast in
 * {@code MetricsE2ETest}.)
 */
public class HlsViewersTest {
    private static final String STREAM = UUID.randomUUID().toString();

    @Test
    public void onlyMintedIdsForThisStreamAreSessions() {
        byte[] key = "k".repeat(32).getBytes();
        try (HlsViewers v = new HlsViewers(null, new HlsViewersConfig(30_000, 10), key);
             HlsViewers otherNode = new HlsViewers(null, new HlsViewersConfig(30_000, 10), key);
             HlsViewers otherKey = new HlsViewers(null, new HlsViewersConfig(30_000, 10), "x".repeat(32).getBytes())) {
            String token = v.mint(STREAM);
            String id = v.sessionId(token, STREAM);
            assertEquals(UUID.fromString(id).toString(), id, "a UUID, as viewer_sessions.id holds");
            assertEquals(otherNode.sessionId(token, STREAM), id, "another node with the same key agrees");
            assertNotEquals(v.sessionId(v.mint(STREAM), STREAM), id, "each master playlist, a new player");
            assertNull(v.sessionId(token, UUID.randomUUID().toString()), "bound to its stream");
            assertNull(otherKey.sessionId(token, STREAM), "bound to the key");
            char last = token.charAt(token.length() - 1);
            assertNull(v.sessionId(token.substring(0, token.length() - 1) + (last == 'A' ? 'B' : 'A'), STREAM), "a forged MAC");
            assertNull(v.sessionId("0".repeat(32) + token.substring(32), STREAM), "another id under the same MAC");
            assertNull(v.sessionId(null, STREAM));
            assertNull(v.sessionId("", STREAM));
            assertNull(v.sessionId(token + "x", STREAM));
            assertNull(v.sessionId(token.toUpperCase(), STREAM));
        }
    }
}
