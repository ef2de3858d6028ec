package io.relaycast.signaling.ice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code relaycast.ice}: the STUN and TURN servers handed to browsers. TURN credentials follow the TURN
 * REST API (draft-uberti-behave-turn-rest-00 §2.2): a shared secret with coturn's {@code use-auth-secret}.
 * {@code turn-secret} signs new credentials; {@code turn-previous-secret} is what coturn still accepts
 * while a rotation overlaps.
 */
public record IceServersConfig(List<String> stunUrls, List<String> turnUrls, String turnSecret,
                               String turnPreviousSecret, Duration credentialTtl) {

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
        return new IceServersConfig(List.copyOf(stun), List.copyOf(turn), secret, c.getString("turn-previous-secret"), ttl);
    }
}
