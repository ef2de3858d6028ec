package io.relaycast.signaling.stream;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Stream keys: 256 random bits, shown once. Only a SHA-256 digest is stored. A fast hash is enough here
 * because the key is random and long (no dictionary to try), unlike a password; comparison is constant-time.
 */
public final class StreamKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "rk_";

    private StreamKeys() {
    }

    public static String generate() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    public static String hash(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    public static boolean matches(String presentedKey, String storedHash) {
        if (presentedKey == null || storedHash == null || presentedKey.length() > 256) {
            return false;
        }
        return MessageDigest.isEqual(hash(presentedKey).getBytes(StandardCharsets.US_ASCII),
                storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
