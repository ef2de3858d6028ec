package io.relaycast.signaling.ice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.testng.annotations.Test;

import java.time.Duration;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

public class IceServersConfigTest {
    private static Config ice(String overrides) {
        return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseString("""
                stun-urls = []
                turn-server = "turn:turn.example.org:3478?transport=udp"
                turn-secret = s3cret
                turn-previous-secret = ""
                credential-ttl = 1h
                turn-secret-store = static
                turn-redis-url = ""
                turn-realm = relaycast
                turn-epoch = 1h
                """)).resolve();
    }

    @Test
    public void staticIsTheDefaultAndNeedsNoRedis() {
        IceServersConfig c = IceServersConfig.from(ice(""));
        assertFalse(c.turnStore().epochBound());
        assertEquals(c.turnStore().kind(), TurnSecretStoreConfig.Kind.STATIC);
    }

    @Test
    public void redisModeTakesItsUrlRealmAndEpoch() {
        IceServersConfig c = IceServersConfig.from(ice(
                "turn-secret-store = REDIS, turn-redis-url = \"redis://127.0.0.1:6379\", turn-realm = r1, turn-epoch = 15m"));
        assertTrue(c.turnStore().epochBound());
        assertEquals(c.turnStore().redisUrl(), "redis://127.0.0.1:6379");
        assertEquals(c.turnStore().realm(), "r1");
        assertEquals(c.turnStore().epoch(), Duration.ofMinutes(15));
    }

    @Test
    public void redisModeRefusesWhatCannotWork() {
        String redis = "turn-secret-store = redis, turn-redis-url = \"redis://127.0.0.1:6379\", ";
        assertThrows(ConfigException.class, () -> IceServersConfig.from(ice("turn-secret-store = redis")));
        assertThrows(ConfigException.class, () -> IceServersConfig.from(ice("turn-secret-store = sqlite")));
        assertThrows(ConfigException.class, () -> IceServersConfig.from(ice(redis + "turn-epoch = 30s")));
        assertThrows(ConfigException.class, () -> IceServersConfig.from(ice(redis + "turn-epoch = 2d")));
        assertThrows(ConfigException.class, () -> IceServersConfig.from(ice(redis + "turn-realm = \"a/b\"")));
        // 2d of ttl in 1m epochs would be 2880 secrets for coturn to try on every authentication
        assertThrows(ConfigException.class, () -> IceServersConfig.from(ice(redis + "turn-epoch = 1m, credential-ttl = 2d")));
        // 48 epochs is the most
        IceServersConfig.from(ice(redis + "turn-epoch = 1m, credential-ttl = 48m"));
        assertThrows(ConfigException.class, () -> IceServersConfig.from(ice(redis + "turn-epoch = 1m, credential-ttl = 49m")));
    }
}
