package io.relaycast.signaling.auth;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;

/**
 * {@code relaycast.auth}: how integrators' JWTs are checked. In dev mode a missing secret is generated
 * and kept in the data folder so dev tokens survive a restart; production mode demands a real key.
 */
public record AuthConfig(
        boolean devMode,
        byte[] hmacSecret,
        RSAPublicKey rsaPublicKey,
        String issuer,
        String audience,
        long leewaySeconds,
        boolean allowAnonymousViewers,
        Duration devTokenTtl) {

    /** HS256 keys shorter than the hash output weaken it (RFC 7518 §3.2 requires at least 256 bits). */
    public static final int MIN_SECRET_BYTES = 32;

    public static AuthConfig from(Config c, boolean devMode, Path dataDir) {
        String secret = c.getString("jwt-secret");
        String publicKeyFile = c.getString("jwt-public-key-file");
        byte[] hmac = null;
        if (!secret.isEmpty()) {
            hmac = secret.getBytes(StandardCharsets.UTF_8);
            if (hmac.length < MIN_SECRET_BYTES) {
                throw new ConfigException.BadValue(c.origin(), "jwt-secret",
                        "must be at least " + MIN_SECRET_BYTES + " bytes for HS256");
            }
        }
        RSAPublicKey rsa = publicKeyFile.isEmpty() ? null : readRsaPublicKey(c, Path.of(publicKeyFile));
        if (hmac == null && rsa == null) {
            if (!devMode) {
                throw new ConfigException.BadValue(c.origin(), "jwt-secret",
                        "production mode needs jwt-secret (JWT_SECRET) or jwt-public-key-file");
            }
            hmac = DevSecretStore.loadOrCreate(dataDir);
        }
        long leeway = c.getDuration("leeway").toSeconds();
        if (leeway < 0 || leeway > 300) {
            throw new ConfigException.BadValue(c.origin(), "leeway", "must be between 0s and 300s");
        }
        Duration ttl = c.getDuration("dev-token-ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new ConfigException.BadValue(c.origin(), "dev-token-ttl", "must be positive");
        }
        return new AuthConfig(devMode, hmac, rsa, c.getString("issuer"), c.getString("audience"), leeway,
                c.getBoolean("allow-anonymous-viewers"), ttl);
    }

    private static RSAPublicKey readRsaPublicKey(Config c, Path file) {
        try {
            String pem = Files.readString(file, StandardCharsets.US_ASCII)
                    .replaceAll("-----(BEGIN|END) PUBLIC KEY-----", "")
                    .replaceAll("\\s", "");
            byte[] der = Base64.getDecoder().decode(pem);
            return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (IOException e) {
            throw new ConfigException.BadValue(c.origin(), "jwt-public-key-file", "cannot be read: " + e.getMessage());
        } catch (Exception e) {
            throw new ConfigException.BadValue(c.origin(), "jwt-public-key-file",
                    "is not a PEM RSA public key (-----BEGIN PUBLIC KEY-----): " + e.getMessage());
        }
    }
}
