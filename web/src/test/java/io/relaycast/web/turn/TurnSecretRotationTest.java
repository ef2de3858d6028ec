package io.relaycast.web.turn;

import com.fasterxml.jackson.databind.JsonNode;
import io.relaycast.signaling.ice.IceServer;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.ice.IceServersConfig;
import io.relaycast.web.TestServer;
import io.relaycast.web.turn.TurnTests.Credential;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.relaycast.web.turn.TurnTests.now;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Secret rotation with an overlap, the way docs/decisions.md and config/turnserver.conf describe it: coturn is
 * started with two static-auth-secret values (the new one and the previous one) and accepts credentials signed
 * with either; our API signs with relaycast.ice.turn-secret (the new one) only; once coturn is restarted with the
 * new secret alone, credentials signed with the previous one are refused. This is the static-secret mode; the
 * rotation with epoch-bound secrets in Redis (no coturn restart) is TurnEpochRetirementTest.rotatingTheMasterSecretOverlaps.
 */
public class TurnSecretRotationTest {
    private String newSecret;
    private String previousSecret;
    private Coturn coturn;
    private TestServer server;
    private String token;
    private String userId;

    @BeforeClass
    public void start() {
        newSecret = TurnTests.randomSecret();
        previousSecret = TurnTests.randomSecret();
        // step 1 of the procedure: coturn accepts both
        coturn = Coturn.builder().secret(newSecret).secret(previousSecret).start();
        // step 2: Relaycast signs with the new one
        server = TestServer.start(Map.of(
                "relaycast.ice.turn-server", "turn:127.0.0.1:" + coturn.port + "?transport=udp",
                "relaycast.ice.turn-secret", newSecret,
                "relaycast.ice.turn-previous-secret", previousSecret));
        String[] user = server.api.devUser("rotating-viewer");
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

    private static TurnClient.Answer allocate(Coturn c, String username, String password) throws IOException {
        try (TurnClient t = TurnClient.udp(c.udpAddress())) {
            return t.allocate(username, password);
        }
    }

    private JsonNode apiTurnEntry() {
        for (JsonNode s : server.api.get("/api/v1/ice-servers", token).expect(200).get("iceServers")) {
            if (s.hasNonNull("username")) {
                return s;
            }
        }
        throw new AssertionError("no TURN entry");
    }

    @Test
    public void theApiSignsWithTheNewSecretAndCoturnAcceptsIt() throws IOException {
        JsonNode entry = apiTurnEntry();
        String username = entry.get("username").asText();
        assertEquals(entry.get("credential").asText(), IceServerService.credential(newSecret, username));
        TurnClient.Answer a = allocate(coturn, username, entry.get("credential").asText());
        assertTrue(a.ok(), a + "\n" + coturn.log());
    }

    /** A credential handed out before the switch (or by a node not yet switched) still works during the overlap. */
    @Test
    public void credentialsSignedWithThePreviousSecretStillAllocate() throws IOException {
        IceServersConfig notYetSwitched = new IceServersConfig(List.of(),
                List.of("turn:127.0.0.1:" + coturn.port + "?transport=udp"), previousSecret, "", Duration.ofHours(1));
        IceServer old = new IceServerService(notYetSwitched, Clock.systemUTC()).forUser(userId).get(0);
        TurnClient.Answer a = allocate(coturn, old.username(), old.credential());
        assertTrue(a.ok(), a + "\n" + coturn.log());
    }

    @Test
    public void aSecretCoturnDoesNotHaveIsRefused() throws IOException {
        Credential retired = Credential.of(TurnTests.randomSecret(), now() + 600, userId);
        assertEquals(allocate(coturn, retired.username(), retired.password()).code(), 401);
    }

    /** Step 4: after the overlap coturn runs with the new secret only. */
    @Test
    public void afterTheOverlapOnlyTheNewSecretIsAccepted() throws IOException {
        Credential previous = Credential.of(previousSecret, now() + 600, userId);
        Credential current = Credential.of(newSecret, now() + 600, userId);
        try (Coturn afterwards = Coturn.builder().secret(newSecret).start()) {
            assertEquals(allocate(afterwards, previous.username(), previous.password()).code(), 401);
            assertTrue(allocate(afterwards, current.username(), current.password()).ok());
        }
    }

    /** Either order on coturn's command line works: it tries every secret it has. */
    @Test
    public void theOrderOfTheSecretsDoesNotMatter() throws IOException {
        Credential previous = Credential.of(previousSecret, now() + 600, userId);
        Credential current = Credential.of(newSecret, now() + 600, userId);
        try (Coturn reversed = Coturn.builder().secret(previousSecret).secret(newSecret).start()) {
            assertTrue(allocate(reversed, previous.username(), previous.password()).ok());
            assertTrue(allocate(reversed, current.username(), current.password()).ok());
        }
    }
}
