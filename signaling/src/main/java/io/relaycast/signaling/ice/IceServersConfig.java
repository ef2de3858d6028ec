package io.relaycast.signaling.ice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code relaycast.ice}: the STUN and TURN servers handed to browsers. TURN credentials follow the TURN
 * REST API (draft-uberti-behave-turn-rest-00 §2.2): a shared secret with coturn's {@code use-auth-secret}.
 * {@code turn-secret} signs new credentials; {@code turn-previous-secret} is what coturn still accepts
 * while a rotation overlaps. {@code turnStore} says whether coturn holds that secret itself (static) or the
 * epoch secrets derived from it, in Redis ({@link TurnSecretStoreConfig}).
 */
public record IceServersConfig(List<String> stunUrls, List<String> turnUrls, String turnSecret,
                               String turnPreviousSecret, Duration credentialTtl, TurnSecretStoreConfig turnStore) {
    /** At most this many epochs per credential-ttl: coturn computes one HMAC per stored secret on every authentication. */
    static final long MAX_EPOCHS_PER_TTL = 48;

    /** Static-secret mode, as before the store existed. */
    public IceServersConfig(List<String> stunUrls, List<String> turnUrls, String turnSecret, String turnPreviousSecret,
                            Duration credentialTtl) {
        this(stunUrls, turnUrls, turnSecret, turnPreviousSecret, credentialTtl, TurnSecretStoreConfig.staticSecret());
    }

    public static IceServersConfig from(Config c) {
        List<String> stun = c.getStringList("stun-urls");
        for (String u : stun) {
            if (!u.startsWith("stun:") && !u.startsWith("stuns:")) {
                throw new ConfigException.BadValue(c.origin(), "stun-urls", "'" + u + "' is not a stun: URL");
            }
        }
        List<String> turn = new ArrayList<>();
        for (String u : c.getString("turn-server").split(",")) {
            String v = u.trim();
            if (v.isEmpty()) {
                continue;
            }
            if (!v.startsWith("turn:") && !v.startsWith("turns:")) {
                throw new ConfigException.BadValue(c.origin(), "turn-server", "'" + v + "' is not a turn: or turns: URL");
            }
            turn.add(v);
        }
        String secret = c.getString("turn-secret");
        if (!turn.isEmpty() && secret.isEmpty()) {
            throw new ConfigException.BadValue(c.origin(), "turn-secret", "is required when turn-server is set (TURN_SECRET)");
        }
        Duration ttl = c.getDuration("credential-ttl");
        if (ttl.compareTo(Duration.ofMinutes(1)) < 0 || ttl.compareTo(Duration.ofDays(2)) > 0) {
            throw new ConfigException.BadValue(c.origin(), "credential-ttl", "must be between 1m and 2d");
        }
        return new IceServersConfig(List.copyOf(stun), List.copyOf(turn), secret, c.getString("turn-previous-secret"), ttl,
                store(c, ttl));
    }

    private static TurnSecretStoreConfig store(Config c, Duration ttl) {
        String mode = c.getString("turn-secret-store").trim().toLowerCase(Locale.ROOT);
        TurnSecretStoreConfig.Kind kind = switch (mode) {
            case "static" -> TurnSecretStoreConfig.Kind.STATIC;
            case "redis" -> TurnSecretStoreConfig.Kind.REDIS;
            default -> throw new ConfigException.BadValue(c.origin(), "turn-secret-store", "must be static or redis, not '" + mode + "'");
        };
        String url = c.getString("turn-redis-url").trim();
        String realm = c.getString("turn-realm").trim();
        Duration epoch = c.getDuration("turn-epoch");
        if (kind == TurnSecretStoreConfig.Kind.REDIS) {
            if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
                throw new ConfigException.BadValue(c.origin(), "turn-redis-url",
                        "turn-secret-store = redis needs a redis:// URL (REDIS_URL), got '" + url + "'");
            }
            if (realm.isEmpty() || realm.contains("/")) {
                throw new ConfigException.BadValue(c.origin(), "turn-realm", "must be coturn's realm, without '/'");
            }
            if (epoch.compareTo(Duration.ofMinutes(1)) < 0 || epoch.compareTo(Duration.ofDays(1)) > 0) {
                throw new ConfigException.BadValue(c.origin(), "turn-epoch", "must be between 1m and 1d");
            }
            if (ceilDiv(ttl.toSeconds(), epoch.toSeconds()) > MAX_EPOCHS_PER_TTL) {
                throw new ConfigException.BadValue(c.origin(), "turn-epoch",
                        "credential-ttl spans more than " + MAX_EPOCHS_PER_TTL + " epochs; make the epoch longer");
            }
        }
        return new TurnSecretStoreConfig(kind, url, realm, epoch);
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
