package io.relaycast.web.config;

import com.typesafe.config.ConfigException;
import org.testng.annotations.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

public class RelaycastConfigTest {

    private static Map<String, Object> base() throws Exception {
        Map<String, Object> m = new HashMap<>();
        m.put("relaycast.data-dir", Files.createTempDirectory("cfg").toString());
        return m;
    }

    @Test
    public void defaultsRunOneDevNodeOnEmbeddedH2() throws Exception {
        RelaycastConfig c = RelaycastConfig.load(base());
        assertTrue(c.devMode());
        assertTrue(c.database().embedded());
        assertTrue(c.database().jdbcUrl().startsWith("jdbc:h2:file:"));
        assertEquals(c.http().maxBodyBytes(), 65536);
        assertEquals(c.chat().maxLength(), 500);
        assertEquals(c.chat().messagesPerWindow(), 5);
        assertEquals(c.chat().windowMillis(), 10_000);
        assertEquals(c.streams().minFollowersToStream(), 0);
        assertTrue(c.auth().allowAnonymousViewers());
        assertTrue(c.auth().hmacSecret().length >= 32, "dev secret generated");
    }

    @Test
    public void devSecretSurvivesARestart() throws Exception {
        Map<String, Object> o = base();
        byte[] first = RelaycastConfig.load(o).auth().hmacSecret();
        byte[] second = RelaycastConfig.load(o).auth().hmacSecret();
        assertEquals(second, first);
        assertTrue(Files.exists(Path.of((String) o.get("relaycast.data-dir"), "dev-jwt-secret")));
    }

    @Test
    public void invalidValuesStopStartUpNamingTheKey() throws Exception {
        assertFails(Map.of("relaycast.http.port", 70000), "relaycast.http", "port");
        assertFails(Map.of("relaycast.http.port", "eighty"), "relaycast.http", "port");
        assertFails(Map.of("relaycast.mode", "staging"), "relaycast.mode");
        assertFails(Map.of("relaycast.chat.rate-limit.messages", 0), "relaycast.chat", "rate-limit.messages");
        assertFails(Map.of("relaycast.auth.jwt-secret", "short"), "relaycast.auth", "jwt-secret");
        assertFails(Map.of("relaycast.database.url", "mysql://db/x"), "relaycast.database", "url");
        assertFails(Map.of("relaycast.http.cors-allowed-origins", List.of("*")), "relaycast.http", "cors-allowed-origins");
        assertFails(Map.of("relaycast.ice.turn-server", "turn:t.example:3478"), "relaycast.ice", "turn-secret");
        assertFails(Map.of("relaycast.media.public-ip", "example.com"), "relaycast.media", "public-ip");
        assertFails(Map.of("relaycast.streams.min-followers-to-stream", -1), "relaycast.streams", "min-followers-to-stream");
    }

    @Test
    public void productionModeDemandsARealKey() throws Exception {
        assertFails(Map.of("relaycast.mode", "production"), "relaycast.auth", "jwt-secret");
        Map<String, Object> o = base();
        o.put("relaycast.mode", "production");
        o.put("relaycast.auth.jwt-secret", "a-production-secret-of-at-least-32-bytes!");
        RelaycastConfig c = RelaycastConfig.load(o);
        assertFalse(c.devMode());
    }

    @Test
    public void hostingStyleDatabaseUrlIsUnderstood() throws Exception {
        Map<String, Object> o = base();
        o.put("relaycast.database.url", "postgres://app:s3cret@db.internal:6543/relaycast?sslmode=require");
        RelaycastConfig c = RelaycastConfig.load(o);
        assertEquals(c.database().jdbcUrl(), "jdbc:postgresql://db.internal:6543/relaycast?sslmode=require");
        assertEquals(c.database().user(), "app");
        assertEquals(c.database().password(), "s3cret");
        assertFalse(c.database().describe().contains("s3cret"));
    }

    private static void assertFails(Map<String, Object> overrides, String... mustMention) throws Exception {
        Map<String, Object> o = base();
        o.putAll(overrides);
        ConfigException e = expectThrows(ConfigException.class, () -> RelaycastConfig.load(o));
        for (String s : mustMention) {
            assertTrue(e.getMessage().contains(s), "'" + e.getMessage() + "' should mention " + s);
        }
    }
}
