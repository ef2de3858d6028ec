package io.relaycast.web.media;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code relaycast.playback}: the tokens that open HLS, live thumbnails and VOD files of streams that are not
 * public (or of every stream when anonymous viewers are off). See docs/security.md.
 *
 * @param tokenTtl how long a minted token opens the stream's media
 * @param secret   the HMAC key; empty: derived from the JWT HS256 secret (same on every node that shares it)
 */
public record PlaybackConfig(Duration tokenTtl, byte[] secret) {
    public static final int MIN_SECRET_BYTES = 32;

    public static PlaybackConfig from(Config c) {
        Duration ttl = c.getDuration("token-ttl");
        if (ttl.compareTo(Duration.ofSeconds(30)) < 0 || ttl.compareTo(Duration.ofHours(24)) > 0) {
            throw new ConfigException.BadValue(c.origin(), "token-ttl", "must be between 30s and 24h");
        }
        String s = c.getString("token-secret");
        byte[] secret = s.getBytes(StandardCharsets.UTF_8);
        if (secret.length > 0 && secret.length < MIN_SECRET_BYTES) {
            throw new ConfigException.BadValue(c.origin(), "token-secret", "must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        return new PlaybackConfig(ttl, secret);
    }
}
