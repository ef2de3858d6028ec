package io.relaycast.signaling.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/** Keeps the dev-mode HS256 secret in {@code DATA_DIR/dev-jwt-secret}, created on first start. */
final class DevSecretStore {
    private DevSecretStore() {
    }

    static byte[] loadOrCreate(Path dataDir) {
        Path file = dataDir.resolve("dev-jwt-secret");
        try {
            if (Files.exists(file)) {
                byte[] existing = Files.readString(file, StandardCharsets.US_ASCII).trim().getBytes(StandardCharsets.US_ASCII);
                if (existing.length >= AuthConfig.MIN_SECRET_BYTES) {
                    return existing;
                }
            }
            Files.createDirectories(dataDir);
            byte[] raw = new byte[48];
            new SecureRandom().nextBytes(raw);
            String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            Files.writeString(file, secret, StandardCharsets.US_ASCII);
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the data folder's own permissions apply
            }
            return secret.getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the dev JWT secret in " + file, e);
        }
    }
}
