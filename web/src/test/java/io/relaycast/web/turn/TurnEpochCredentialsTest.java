package io.relaycast.web.turn;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.ice.EpochSecret;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.ice.RedisTurnSecrets;
import io.relaycast.signaling.ice.TurnEpochs;
import io.relaycast.web.TestServer;
import io.relaycast.web.turn.TurnTests.Credential;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.util.Map;
import java.util.Set;

import static io.relaycast.web.turn.TurnTests.now;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

/**
 * Epoch-bound secrets (relaycast.ice.turn-secret-store = redis) against a real coturn reading a real Redis
 * (redis-userdb, a realm of this class's own, no static-auth-secret): our API's credentials allocate, and coturn
 * refuses with 401 expired, badly signed, tampered and far-future credentials, the last even when they are signed
 * exactly the way our scheme signs them, because the secret of their epoch is not in its store.
 */
public class TurnEpochCredentialsTest {
    private static final int TTL_SECONDS = 600;
    private static final int EPOCH_SECONDS = 300;
    private static final TurnEpochs EPOCHS = new TurnEpochs(EPOCH_SECONDS, TTL_SECONDS);

    private String realm;
    private String master;
    private Coturn coturn;
    private TestServer server;
    private RedisTurnSecrets store;
    private String token;
    private String userId;

    @BeforeClass
    public void start() {
        realm = TurnTests.randomRealm();
        master = TurnTests.randomSecret();
        store = RedisTurnSecrets.connect(TurnTests.redisUrl(), realm);
        coturn = Coturn.builder().redisSecrets(realm).start();
        server = TestServer.start(Map.of(
                "relaycast.ice.turn-server", String.join(",",
                        "turn:127.0.0.1:" + coturn.port + "?transport=udp",
                        "turn:127.0.0.1:" + coturn.port + "?transport=tcp"),
                "relaycast.ice.turn-secret", master,
                "relaycast.ice.credential-ttl", TTL_SECONDS + "s",
                "relaycast.ice.turn-secret-store", "redis",
                "relaycast.ice.turn-redis-url", TurnTests.redisUrl(),
                "relaycast.ice.turn-realm", realm,
                "relaycast.ice.turn-epoch", EPOCH_SECONDS + "s"));
        String[] user = server.api.devUser("epoch-viewer");
        token = user[0];
        userId = user[1];
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        try {
            if (server != null) {
                server.close();
            }
            if (coturn != null) {
                coturn.close();
            }
        } finally {
            if (store != null) {
                store.deleteAll();
                store.close();
            }
        }
    }

    private JsonNode turnEntry() {
        for (JsonNode s : server.api.get("/api/v1/ice-servers", token).expect(200).get("iceServers")) {
            if (s.hasNonNull("username")) {
                return s;
            }
        }
        throw new AssertionError("no TURN entry");
    }

    private TurnClient.Answer allocate(String username, String password) throws IOException {
        try (TurnClient c = TurnClient.udp(coturn.udpAddress())) {
            return c.allocate(username, password);
        }
    }

    private TurnClient.Answer allocate(Credential c) throws IOException {
        return allocate(c.username(), c.password());
    }

    private void apiCredentialsAllocate(String transport) throws IOException {
        JsonNode entry = turnEntry();
        String username = entry.get("username").asText();
        assertTrue(username.endsWith(":" + userId), username);
        for (JsonNode u : entry.get("urls")) {
            TurnUrl url = TurnUrl.parse(u.asText());
            if (url.label().equals(transport)) {
                try (TurnClient c = TurnClient.forUrl(url, null)) {
                    TurnClient.Answer a = c.allocate(username, entry.get("credential").asText());
                    assertTrue(a.ok(), transport + ": " + a + "\n" + coturn.log());
                    assertTrue(a.integrityVerified(), "coturn signed its answer with the key of our credential");
                    assertTrue(c.createPermission(TurnTests.ip("198.51.100.7")).ok());
                }
                return;
            }
        }
        throw new AssertionError("no " + transport + " URL in " + entry);
    }

    @Test
    public void apiCredentialsAllocateOverUdp() throws IOException {
        apiCredentialsAllocate("UDP");
    }

    @Test
    public void apiCredentialsAllocateOverTcp() throws IOException {
        apiCredentialsAllocate("TCP");
    }

    @Test
    public void theApiSignsWithTheSecretOfTheExpirysEpochNotTheMaster() {
        JsonNode entry = turnEntry();
        String username = entry.get("username").asText();
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        String epochSecret = EpochSecret.derive(master, EPOCH_SECONDS, EPOCHS.epochOf(expiry));
        assertEquals(entry.get("credential").asText(), IceServerService.credential(epochSecret, username));
        assertNotEquals(entry.get("credential").asText(), IceServerService.credential(master, username));
    }

    @Test
    public void theStoreHoldsTheLiveEpochsOnlyAndNeverTheMaster() {
        long now = now();
        Set<String> stored = store.secrets();
        assertFalse(stored.contains(master), "the master secret never reaches Redis");
        // the live epochs of now (the keeper runs every 30 s and looks 60 s ahead, so they are all there)
        for (long k = EPOCHS.firstLive(now); k <= EPOCHS.epochOf(now + TTL_SECONDS); k++) {
            assertTrue(stored.contains(EpochSecret.derive(master, EPOCH_SECONDS, k)), "epoch " + k + " is live");
        }
        // nothing further ahead than the next run could need, nothing retired
        for (long k = EPOCHS.lastLive(now + TurnEpochs.PERIOD_SECONDS) + 1; k < EPOCHS.lastLive(now) + 50; k++) {
            assertFalse(stored.contains(EpochSecret.derive(master, EPOCH_SECONDS, k)), "epoch " + k + " is not live yet");
        }
        for (long k = EPOCHS.firstLive(now) - 50; k < EPOCHS.firstLive(now - TurnEpochs.PERIOD_SECONDS - 1); k++) {
            assertFalse(stored.contains(EpochSecret.derive(master, EPOCH_SECONDS, k)), "epoch " + k + " is retired");
        }
        long live = EPOCHS.lastLive(now) - EPOCHS.firstLive(now) + 1;
        assertTrue(stored.size() <= live + 1, stored.size() + " secrets for " + live + " live epochs");
    }

    @Test
    public void expiredCredentialsAreRefusedWith401() throws IOException {
        // their epochs are still live (grace): the 401 is coturn's own expiry check
        assertEquals(allocate(Credential.ofEpoch(master, EPOCHS, now() - 30, userId)).code(), 401);
        assertEquals(allocate(Credential.ofEpoch(master, EPOCHS, now() - 1, userId)).code(), 401);
        assertTrue(allocate(Credential.ofEpoch(master, EPOCHS, now() + 60, userId)).ok(), "control: not expired");
    }

    @Test
    public void badlySignedCredentialsAreRefusedWith401() throws IOException {
        long expiry = now() + 300;
        // signed with the master itself (a static-mode node, or someone holding the master): not in coturn's store
        assertEquals(allocate(Credential.of(master, expiry, userId)).code(), 401);
        // another master's epoch secret
        assertEquals(allocate(Credential.ofEpoch(TurnTests.randomSecret(), EPOCHS, expiry, userId)).code(), 401);
        // a garbage password
        assertEquals(allocate(expiry + ":" + userId, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=").code(), 401);
        assertTrue(allocate(Credential.ofEpoch(master, EPOCHS, expiry, userId)).ok(), "control");
    }

    @Test
    public void tamperedUsernamesAreRefusedWith401() throws IOException {
        JsonNode entry = turnEntry();
        String username = entry.get("username").asText();
        String credential = entry.get("credential").asText();
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertEquals(allocate((expiry + 86_400) + ":" + userId, credential).code(), 401);
        assertEquals(allocate((expiry + 1) + ":" + userId, credential).code(), 401);
        assertEquals(allocate(expiry + ":someone-else", credential).code(), 401);
        assertEquals(allocate(userId, credential).code(), 401);
        assertTrue(allocate(username, credential).ok(), "control: the untampered credential");
    }

    /** Minted exactly as our scheme mints, by someone holding the master secret: still refused. */
    @Test
    public void farFutureCredentialsAreRefusedWith401() throws IOException {
        long now = now();
        Credential month = Credential.ofEpoch(master, EPOCHS, now + 30L * 86_400, userId);
        Credential fiveYears = Credential.ofEpoch(master, EPOCHS, now + 5L * 365 * 86_400, userId);
        // the first expiry past the live window, and the last one inside it
        long beyond = (EPOCHS.lastLive(now) + 1) * EPOCH_SECONDS + 1;
        Credential justBeyond = Credential.ofEpoch(master, EPOCHS, beyond, userId);
        Credential ttlAhead = Credential.ofEpoch(master, EPOCHS, now + TTL_SECONDS, userId);
        assertEquals(allocate(month).code(), 401, "now + 30 days");
        assertEquals(allocate(fiveYears).code(), 401, "now + 5 years");
        assertEquals(allocate(justBeyond).code(), 401, "the epoch after the live ones");
        assertTrue(allocate(ttlAhead).ok(), "control: now + ttl, what the API signs");

        // and the refusal is the store's doing: with the month's epoch secret added, coturn takes that credential
        String monthSecret = EpochSecret.derive(master, EPOCH_SECONDS, EPOCHS.epochOf(now + 30L * 86_400));
        store.publish(Map.of(monthSecret, now));
        try {
            TurnClient.Answer a = allocate(month);
            assertTrue(a.ok(), "coturn itself would take a 30-day expiry: " + a);
        } finally {
            store.retireDue(now);
        }
        assertFalse(store.secrets().contains(monthSecret));
        assertEquals(allocate(month).code(), 401, "and refuses it again once the secret is gone");
    }
}
