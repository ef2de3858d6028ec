package io.relaycast.signaling.ice;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Hands out STUN URLs and short-lived TURN credentials (username = expiry:userId, HMAC-SHA1 over it). */
public final class IceServerService {
    private final IceServersConfig config;
    private final Clock clock;

    public IceServerService(IceServersConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    public List<IceServer> forUser(String userId) {
        List<IceServer> out = new ArrayList<>();
        if (!config.stunUrls().isEmpty()) {
            out.add(new IceServer(config.stunUrls(), null, null));
        }
        if (!config.turnUrls().isEmpty()) {
            long expiry = clock.instant().plus(config.credentialTtl()).getEpochSecond();
            String username = expiry + ":" + (userId == null ? "anonymous" : userId);
            out.add(new IceServer(config.turnUrls(), username, credential(config.turnSecret(), username)));
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
