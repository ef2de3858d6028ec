package io.relaycast.web.media;

import org.testng.annotations.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

public class PlaybackTokensTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8);

    @Test
    public void aTokenOpensItsStreamUntilItExpires() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        PlaybackTokens mint = new PlaybackTokens(KEY, Duration.ofMinutes(10), Clock.fixed(t0, ZoneOffset.UTC));
        String token = mint.mint("s1");
        assertTrue(mint.valid("s1", token));
        assertFalse(mint.valid("s2", token), "bound to the stream");
        PlaybackTokens later = new PlaybackTokens(KEY, Duration.ofMinutes(10), Clock.fixed(t0.plusSeconds(601), ZoneOffset.UTC));
        assertFalse(later.valid("s1", token), "expired");
        PlaybackTokens otherKey = new PlaybackTokens("another-key-another-key-another-k".getBytes(StandardCharsets.UTF_8),
                Duration.ofMinutes(10), Clock.fixed(t0, ZoneOffset.UTC));
        assertFalse(otherKey.valid("s1", token), "another node's key");
        // a later expiry with the old signature is refused: the expiry is signed
        String forged = (Long.parseLong(token.substring(0, token.indexOf('.'))) + 3600) + token.substring(token.indexOf('.'));
        assertFalse(mint.valid("s1", forged));
        for (String junk : new String[]{"", ".", "x.y", "1.%%%", "-1.AAAA", "99999999999999999999.AAAA", "a".repeat(200)}) {
            assertFalse(mint.valid("s1", junk), junk);
        }
    }

    @Test
    public void playlistsCarryTheTokenOntoEveryUri() {
        String master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000,RESOLUTION=640x360\nr0/index.m3u8\n";
        assertEquals(PlaybackAccess.withToken(master, "1.ab_c"),
                "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1000,RESOLUTION=640x360\nr0/index.m3u8?token=1.ab_c\n");
        String media = "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:1.0,\nabc123-00001.ts\n\n#EXT-X-PART:DURATION=0.3,URI=\"p.ts?x=1\"\n";
        assertEquals(PlaybackAccess.withToken(media, "T"),
                "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4?token=T\"\n#EXTINF:1.0,\nabc123-00001.ts?token=T\n\n#EXT-X-PART:DURATION=0.3,URI=\"p.ts?x=1&token=T\"\n");
    }
}
