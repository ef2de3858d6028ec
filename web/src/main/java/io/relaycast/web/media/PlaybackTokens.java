package io.relaycast.web.media;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Short-lived playback tokens bound to one stream: {@code <expiry unix seconds>.<base64url HMAC-SHA256(key,
 * "relaycast-playback\n" + streamId + "\n" + expiry), first 16 bytes>}. Stateless, so every node sharing the key
 * accepts them; URL-safe, so they travel as {@code ?token=} on playlist, segment, thumbnail and VOD URLs.
 */
public final class PlaybackTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final int SIG_BYTES = 16;

    private final byte[] key;
    private final Duration ttl;
    private final Clock clock;

    public PlaybackTokens(byte[] key, Duration ttl, Clock clock) {
        if (key.length < 16) {
            throw new IllegalArgumentException("playback token key too short");
        }
        this.key = key.clone();
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The key for tokens: the configured one, or one derived from the JWT HS256 secret (a separate purpose label). */
    public static byte[] deriveKey(byte[] configured, byte[] jwtSecret) {
        if (configured != null && configured.length > 0) {
            return configured.clone();
        }
        if (jwtSecret == null) {
            byte[] random = new byte[32];
            new java.security.SecureRandom().nextBytes(random); // RS256 only and no secret: this node only
            return random;
        }
        return hmac(jwtSecret, "relaycast playback token key v1");
    }

    public String mint(String streamId) {
        long expiry = clock.instant().plus(ttl).getEpochSecond();
        return expiry + "." + B64.encodeToString(signature(streamId, expiry));
    }

    /** True when {@code token} was minted for {@code streamId} and has not expired. Constant-time comparison. */
    public boolean valid(String streamId, String token) {
        if (token == null || token.length() > 64) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot > 12) {
            return false;
        }
        long expiry;
        byte[] presented;
        try {
            expiry = Long.parseLong(token.substring(0, dot));
            presented = Base64.getUrlDecoder().decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return false; // not a number, not base64url: not ours
        }
        if (expiry < clock.instant().getEpochSecond()) {
            return false;
        }
        return MessageDigest.isEqual(presented, signature(streamId, expiry));
    }

    private byte[] signature(String streamId, long expiry) {
        byte[] full = hmac(key, "relaycast-playback\n" + streamId + "\n" + expiry);
        byte[] sig = new byte[SIG_BYTES];
        System.arraycopy(full, 0, sig, 0, SIG_BYTES);
        return sig;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
