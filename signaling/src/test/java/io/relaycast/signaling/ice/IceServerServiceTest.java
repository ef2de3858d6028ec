package io.relaycast.signaling.ice;

import io.relaycast.signaling.testing.TestClock;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

public class IceServerServiceTest {

    @Test
    public void credentialIsBase64HmacSha1OfTheUsername() {
        // HMAC-SHA1(key="secret", "1600000000:alice") computed independently with: printf %s "1600000000:alice" |
        // openssl dgst -sha1 -hmac secret -binary | base64
        assertEquals(IceServerService.credential("secret", "1600000000:alice"), "UQpbzqLy8wUgAxlVOh3KKXno2lk=");
    }

    @Test
    public void turnEntryCarriesExpiryColonUserAndTheTtl() {
        TestClock clock = new TestClock(1_700_000_000_000L);
        IceServersConfig cfg = new IceServersConfig(List.of("stun:stun.example.org:3478"),
                List.of("turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:443?transport=tcp"),
                "s3cret", "", Duration.ofMinutes(10));
        List<IceServer> servers = new IceServerService(cfg, clock).forUser("u-1");
        assertEquals(servers.size(), 2);
        assertNull(servers.get(0).username(), "STUN has no credentials");
        IceServer turn = servers.get(1);
        assertEquals(turn.urls().size(), 2);
        assertEquals(turn.username(), (1_700_000_000L + 600) + ":u-1");
        assertEquals(turn.credential(), IceServerService.credential("s3cret", turn.username()));
    }

    @Test
    public void nothingConfiguredMeansNoServers() {
        IceServersConfig cfg = new IceServersConfig(List.of(), List.of(), "", "", Duration.ofHours(1));
        assertTrue(new IceServerService(cfg, new TestClock(0)).forUser(null).isEmpty());
    }
}
