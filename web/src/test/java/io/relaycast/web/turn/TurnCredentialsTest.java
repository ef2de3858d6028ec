package io.relaycast.web.turn;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.web.TestServer;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.turn.TurnTests.Credential;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.util.Map;

import static io.relaycast.web.turn.TurnTests.ip;
import static io.relaycast.web.turn.TurnTests.now;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

/**
 * The credentials our API hands out against a real coturn (shipped config, random secret, loopback): they allocate
 * a relay over every transport we advertise (UDP, TCP, TLS), and coturn refuses expired or badly signed ones with
 * 401. This is the static-secret mode (turn-secret-store = static, coturn with --static-auth-secret). Far-future
 * expiries: coturn 4.6.1 accepts any expiry up to 2038-01-19 (its 32-bit time), so in this mode the bound is ours
 * only: the API never signs beyond relaycast.ice.credential-ttl (at most 2 days). The redis mode makes coturn refuse
 * them: TurnEpochCredentialsTest.
 */
public class TurnCredentialsTest {
    private static final int TTL_SECONDS = 600;

    private Coturn coturn;
    private TestServer server;
    private String secret;
    private String token;
    private String userId;

    @BeforeClass
    public void start() {
        secret = TurnTests.randomSecret();
        coturn = Coturn.builder().secret(secret).tls().start();
        server = TestServer.start(Map.of(
                "relaycast.ice.turn-server", String.join(",",
                        "turn:127.0.0.1:" + coturn.port + "?transport=udp",
                        "turn:127.0.0.1:" + coturn.port + "?transport=tcp",
                        "turns:127.0.0.1:" + coturn.tlsPort + "?transport=tcp"),
                "relaycast.ice.turn-secret", secret,
                "relaycast.ice.credential-ttl", TTL_SECONDS + "s"));
        String[] user = server.api.devUser("turn-viewer");
        token = user[0];
        userId = user[1];
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
        if (coturn != null) {
            coturn.close();
        }
    }

    /** The TURN entry of GET /api/v1/ice-servers for our viewer. */
    private JsonNode turnEntry() {
        JsonNode servers = server.api.get("/api/v1/ice-servers", token).expect(200).get("iceServers");
        for (JsonNode s : servers) {
            if (s.hasNonNull("username")) {
                return s;
            }
        }
        throw new AssertionError("no TURN entry in " + servers);
    }

    private TurnUrl url(JsonNode entry, String label) {
        for (JsonNode u : entry.get("urls")) {
            TurnUrl url = TurnUrl.parse(u.asText());
            if (url.label().equals(label)) {
                return url;
            }
        }
        throw new AssertionError("no " + label + " URL in " + entry);
    }

    private void allocatesWithApiCredentials(String transport) throws IOException {
        JsonNode entry = turnEntry();
        String username = entry.get("username").asText();
        assertTrue(username.endsWith(":" + userId), username);
        try (TurnClient c = TurnClient.forUrl(url(entry, transport), transport.equals("TLS") ? coturn.sslContext() : null)) {
            TurnClient.Answer a = c.allocate(username, entry.get("credential").asText());
            assertTrue(a.ok(), transport + ": " + a + "\n" + coturn.log());
            assertTrue(a.integrityVerified(), "coturn signed its answer with the key of our credential");
            assertNotNull(a.relayed(), "XOR-RELAYED-ADDRESS");
            assertEquals(a.relayed().getAddress(), ip("127.0.0.1"));
            assertTrue(a.relayed().getPort() >= coturn.minRelayPort && a.relayed().getPort() <= coturn.maxRelayPort, a.toString());
            // the allocation is usable: a permission for a public peer (TEST-NET-2; CreatePermission sends nothing)
            TurnClient.Answer permission = c.createPermission(ip("198.51.100.7"));
            assertTrue(permission.ok(), transport + " CreatePermission: " + permission);
        }
    }

    @Test
    public void apiCredentialsAllocateOverUdp() throws IOException {
        allocatesWithApiCredentials("UDP");
    }

    @Test
    public void apiCredentialsAllocateOverTcp() throws IOException {
        allocatesWithApiCredentials("TCP");
    }

    @Test
    public void apiCredentialsAllocateOverTls() throws IOException {
        allocatesWithApiCredentials("TLS");
    }

    private TurnClient.Answer allocate(String username, String password) throws IOException {
        try (TurnClient c = TurnClient.udp(coturn.udpAddress())) {
            return c.allocate(username, password);
        }
    }

    @Test
    public void expiredCredentialsAreRefusedWith401() throws IOException {
        Credential expired = Credential.of(secret, now() - 60, userId);
        assertEquals(allocate(expired.username(), expired.password()).code(), 401);
        Credential justExpired = Credential.of(secret, now() - 1, userId);
        assertEquals(allocate(justExpired.username(), justExpired.password()).code(), 401);
        // control: the same user and secret with a future expiry
        Credential valid = Credential.of(secret, now() + 60, userId);
        assertTrue(allocate(valid.username(), valid.password()).ok());
    }

    @Test
    public void credentialsSignedWithAnotherSecretAreRefusedWith401() throws IOException {
        Credential forged = Credential.of("not-" + secret, now() + 600, userId);
        assertEquals(allocate(forged.username(), forged.password()).code(), 401);
    }

    @Test
    public void tamperedUsernamesAreRefusedWith401() throws IOException {
        JsonNode entry = turnEntry();
        String username = entry.get("username").asText();
        String credential = entry.get("credential").asText();
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        // a longer life, or somebody else's quota, with our password
        assertEquals(allocate((expiry + 86_400) + ":" + userId, credential).code(), 401);
        assertEquals(allocate(expiry + ":someone-else", credential).code(), 401);
        assertEquals(allocate(userId, credential).code(), 401);
        assertTrue(allocate(username, credential).ok(), "control: the untampered credential");
    }

    /**
     * What coturn does with a static secret, pinned: if a new coturn starts refusing these, update docs/decisions.md
     * 28 and 66. This is why the redis mode exists (TurnEpochCredentialsTest refuses them).
     */
    @Test
    public void withAStaticSecretCoturnAcceptsFarFutureExpiriesUntil2038() throws IOException {
        Credential tenYears = Credential.of(secret, now() + 10L * 365 * 86_400, userId);
        assertTrue(allocate(tenYears.username(), tenYears.password()).ok(), "coturn 4.6.1 checks only expiry >= now");
        // past 2^31 - 1 (2038-01-19T03:14:07Z) its 32-bit time wraps and the credential looks expired
        Credential past2038 = Credential.of(secret, (1L << 31) + 3600, userId);
        assertEquals(allocate(past2038.username(), past2038.password()).code(), 401);
    }

    @Test
    public void theApiNeverSignsBeyondTheConfiguredTtl() {
        for (int i = 0; i < 3; i++) {
            long before = now();
            String username = turnEntry().get("username").asText();
            long after = now();
            long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertTrue(expiry >= before + TTL_SECONDS && expiry <= after + TTL_SECONDS,
                    "expiry " + expiry + " is not now + " + TTL_SECONDS + " s (" + before + ".." + after + ")");
        }
        // and the ttl itself cannot be configured beyond 2 days
        assertThrows(com.typesafe.config.ConfigException.class,
                () -> RelaycastConfig.load(Map.of("relaycast.ice.credential-ttl", "3d")));
    }

    /** Expiry gates new allocations only; coturn keeps the key of an allocation for its whole life. */
    @Test
    public void anAllocationOutlivesItsCredential() throws IOException, InterruptedException {
        long expiry = now() + 2;
        Credential shortLived = Credential.of(secret, expiry, userId);
        try (TurnClient c = TurnClient.udp(coturn.udpAddress())) {
            assertTrue(c.allocate(shortLived.username(), shortLived.password()).ok());
            while (now() <= expiry) {
                Thread.sleep(100);
            }
            assertEquals(allocate(shortLived.username(), shortLived.password()).code(), 401, "expired for a new allocation");
            TurnClient.Answer refreshed = c.refresh(600);
            assertTrue(refreshed.ok(), "the existing allocation is refreshed: " + refreshed);
        }
    }

    @Test
    public void apiCredentialIsTheHmacOfTheUsernameWithOurSecret() {
        JsonNode entry = turnEntry();
        String username = entry.get("username").asText();
        assertEquals(entry.get("credential").asText(), IceServerService.credential(secret, username));
        assertNotEquals(entry.get("credential").asText(), IceServerService.credential(TurnTests.randomSecret(), username));
        assertEquals(entry.get("urls").size(), 3, "the UDP, TCP and TLS URLs: " + entry);
    }
}
