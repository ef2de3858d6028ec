package io.relaycast.web.config;

import com.typesafe.config.ConfigException;
import org.testng.annotations.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/**
 * Safe defaults (issue 11 item 5): a production start with the sample files' placeholder secrets is refused (with
 * them anyone mints an admin JWT or uses the TURN relay); the compose file ships no secret values; dev mode listens
 * on loopback unless told otherwise.
 */
public class SafeDefaultsTest {
    private static final String REAL = "Zq3v9PbX0w2nL8sYk5TfR1uM4hJ7cE6aG";

    private static Map<String, Object> production() throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put("relaycast.data-dir", Files.createTempDirectory("cfg").toString());
        m.put("relaycast.mode", "production");
        m.put("relaycast.auth.jwt-secret", REAL);
        return m;
    }

    private static void refused(Map<String, Object> o, String key, String value) {
        ConfigException e = expectThrows(ConfigException.class, () -> RelaycastConfig.load(o));
        assertTrue(e.getMessage().contains(key), e.getMessage());
        assertTrue(e.getMessage().contains("placeholder"), e.getMessage());
        assertFalse(e.getMessage().contains(value), "the secret itself is never printed: " + e.getMessage());
    }

    @Test
    public void productionRefusesTheComposeFilesOldPlaceholderSecrets() throws Exception {
        Map<String, Object> o = production();
        o.put("relaycast.auth.jwt-secret", "change-me-to-a-secret-of-at-least-32-bytes");
        refused(o, "relaycast.auth.jwt-secret", "change-me-to-a-secret-of-at-least-32-bytes");

        o = production();
        o.put("relaycast.ice.turn-server", "turn:127.0.0.1:3478");
        o.put("relaycast.ice.turn-secret", "change-me-turn-secret");
        refused(o, "relaycast.ice.turn-secret", "change-me-turn-secret");

        o = production();
        o.put("relaycast.playback.token-secret", "CHANGEME-CHANGEME-CHANGEME-CHANGEME");
        refused(o, "relaycast.playback.token-secret", "CHANGEME-CHANGEME-CHANGEME-CHANGEME");

        o = production();
        o.put("relaycast.ice.turn-server", "turn:127.0.0.1:3478");
        o.put("relaycast.ice.turn-secret", REAL + "-turn");
        assertFalse(RelaycastConfig.load(o).devMode(), "real secrets start");
    }

    @Test
    public void devModeIsNotCheckedButListensOnLoopback() throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("relaycast.data-dir", Files.createTempDirectory("cfg").toString());
        o.put("relaycast.auth.jwt-secret", "change-me-to-a-secret-of-at-least-32-bytes");
        RelaycastConfig dev = RelaycastConfig.load(o);
        assertTrue(dev.devMode());
        assertEquals(dev.http().host(), "127.0.0.1", "dev tokens are not reachable from the network by default");
        assertEquals(dev.signaling().host(), "127.0.0.1");

        o.put("relaycast.http.host", "0.0.0.0");
        o.put("relaycast.signaling.host", "0.0.0.0");
        assertEquals(RelaycastConfig.load(o).http().host(), "0.0.0.0", "told otherwise");
        assertEquals(RelaycastConfig.load(o).signaling().host(), "0.0.0.0");

        RelaycastConfig prod = RelaycastConfig.load(production());
        assertEquals(prod.http().host(), "0.0.0.0");
        assertEquals(prod.signaling().host(), "0.0.0.0");
    }

    @Test
    public void theComposeFileShipsNoSecretValues() throws Exception {
        Path compose = Path.of("..", "docker", "compose.yaml");
        String text = Files.readString(compose, StandardCharsets.UTF_8);
        assertFalse(text.toLowerCase().contains("change-me"), "placeholder secrets in " + compose);
        assertTrue(text.contains("JWT_SECRET: ${JWT_SECRET:?"), "JWT_SECRET must be required from the environment");
        assertTrue(text.contains("TURN_SECRET: ${TURN_SECRET:?"), "TURN_SECRET must be required from the environment");
        assertTrue(text.contains("POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?"), "the database password too");
    }

    /**
     * The image runs production mode unless told otherwise: dev mode in a container is either unreachable (it binds
     * the container's loopback) or, once someone sets HTTP_HOST=0.0.0.0 to reach it, an admin-token mint on the
     * network. Production refuses to start without real secrets, which says what to do.
     */
    @Test
    public void theDockerImageDefaultsToProductionMode() throws Exception {
        String dockerfile = Files.readString(Path.of("..", "docker", "Dockerfile"), StandardCharsets.UTF_8);
        assertTrue(dockerfile.lines().anyMatch(l -> l.startsWith("ENV ") && l.contains("RELAYCAST_MODE=production")),
                "docker/Dockerfile must set ENV RELAYCAST_MODE=production");
        assertFalse(dockerfile.lines().anyMatch(l -> l.startsWith("ENV ") && l.contains("HTTP_HOST")),
                "the image must not open dev mode to the network by default");
    }
}
