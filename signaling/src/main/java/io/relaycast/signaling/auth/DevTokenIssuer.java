package io.relaycast.signaling.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Mints HS256 tokens for dev mode ({@code POST /api/v1/auth/dev-token}). Never constructed in production
 * mode, so the endpoint cannot exist there.
 */
public final class DevTokenIssuer {
    private final Algorithm algorithm;
    private final AuthConfig config;
    private final Clock clock;

    public DevTokenIssuer(AuthConfig config, Clock clock) {
        if (!config.devMode()) {
            throw new IllegalStateException("dev tokens exist only in dev mode");
        }
        if (config.hmacSecret() == null) {
            throw new IllegalStateException("dev tokens need an HS256 secret");
        }
        this.algorithm = Algorithm.HMAC256(config.hmacSecret());
        this.config = config;
        this.clock = clock;
    }

    /** @param userId the user id to embed, or null for a fresh one */
    public String mint(String userId, String name, java.util.Set<String> roles) {
        Instant now = clock.instant();
        var builder = JWT.create()
                .withSubject(userId == null ? "dev-" + UUID.randomUUID() : userId)
                .withClaim("name", name)
                .withIssuedAt(now)
                .withExpiresAt(now.plus(config.devTokenTtl()))
                .withClaim("roles", java.util.List.copyOf(roles));
        if (!config.issuer().isEmpty()) {
            builder = builder.withIssuer(config.issuer());
        }
        if (!config.audience().isEmpty()) {
            builder = builder.withAudience(config.audience());
        }
        return builder.sign(algorithm);
    }
}
