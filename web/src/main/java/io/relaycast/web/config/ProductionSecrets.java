package io.relaycast.web.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A production start refuses the placeholder secrets of sample files (the compose file once shipped
 * {@code change-me-...} values): with a published JWT secret anyone mints an admin token, with a published TURN
 * secret anyone uses the relay. Dev mode generates its own JWT secret and is not checked.
 */
final class ProductionSecrets {
    /** Words sample files put where a secret belongs. */
    private static final Pattern PLACEHOLDER = Pattern.compile(
            "(?i).*(change[-_ .]?me|changeit|replace[-_ .]?me|placeholder|your[-_ .]?secret|example|xxxxxx).*"
                    + "|(?i)(secret|password|test|default|relaycast)");
    private static final List<String> KEYS = List.of("auth.jwt-secret", "ice.turn-secret", "ice.turn-previous-secret",
            "playback.token-secret");

    private ProductionSecrets() {
    }

    /** @param relaycast the {@code relaycast} section */
    static void check(Config relaycast) {
        for (String key : KEYS) {
            if (!relaycast.hasPath(key)) {
                continue;
            }
            String value = relaycast.getString(key).trim();
            if (!value.isEmpty() && PLACEHOLDER.matcher(value).matches()) {
                // the value itself is never printed: it is a secret, even a bad one
                throw new ConfigException.BadValue(relaycast.origin(), "relaycast." + key,
                        "is a placeholder from a sample file; production mode needs a real random secret "
                                + "(e.g. openssl rand -base64 48)");
            }
        }
    }
}
