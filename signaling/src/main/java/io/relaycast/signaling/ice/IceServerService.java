package io.relaycast.signaling.ice;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Hands out STUN URLs and short-lived TURN credentials (username = expiry:userId, HMAC-SHA1 over it). The secret
 * is {@code turn-secret} itself in static mode, or the secret of the expiry's epoch when a {@link TurnSecretKeeper}
 * keeps epoch-bound secrets in coturn's store.
 */
public final class IceServerService {
    private final IceServersConfig config;
    private final Clock clock;
    private final TurnSecretKeeper epochSecrets;

    public IceServerService(IceServersConfig config, Clock clock) {
        this(config, clock, null);
    }

    public IceServerService(IceServersConfig config, Clock clock, TurnSecretKeeper epochSecrets) {
        if (config.turnStore().epochBound() && !config.turnUrls().isEmpty() && epochSecrets == null) {
            throw new IllegalArgumentException("turn-secret-store = redis needs a TurnSecretKeeper");
        }
        this.config = config;
        this.clock = clock;
        this.epochSecrets = config.turnStore().epochBound() ? epochSecrets : null;
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** 64 random bits, URL-safe: a fresh anonymous identity per request (per connection of the caller). */
    private static String anonymousId() {
        byte[] b = new byte[8];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public List<IceServer> forUser(String userId) {
        List<IceServer> out = new ArrayList<>();
        if (!config.stunUrls().isEmpty()) {
            out.add(new IceServer(config.stunUrls(), null, null));
        }
        if (!config.turnUrls().isEmpty()) {
            long expiry = clock.instant().plus(config.credentialTtl()).getEpochSecond();
            // an anonymous caller gets an identity of its own (coturn's user-quota counts per username): one client
            // cannot use up a quota shared by every anonymous viewer
            String username = expiry + ":" + (userId == null ? "anon-" + anonymousId() : userId);
            String secret = epochSecrets == null ? config.turnSecret() : epochSecrets.signingSecret(expiry);
            out.add(new IceServer(config.turnUrls(), username, credential(secret, username)));
        }
        return out;
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn computes it for {@code use-auth-secret}. */
    public static String credential(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every JRE", e);
        }
    }
}
