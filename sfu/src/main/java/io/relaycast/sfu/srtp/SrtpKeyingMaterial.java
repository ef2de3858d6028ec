package io.relaycast.sfu.srtp;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;

/**
 * The SRTP master keys and salts of both directions, as exported from a DTLS handshake (RFC 5764 §4.2).
 *
 * <p>Immutable; accessors return copies so that a caller cannot alter keys a live session uses. {@link #toString()}
 * never prints key material.
 */
public final class SrtpKeyingMaterial {
    private final SrtpProfile profile;
    private final byte[] clientKey;
    private final byte[] clientSalt;
    private final byte[] serverKey;
    private final byte[] serverSalt;

    public SrtpKeyingMaterial(SrtpProfile profile, byte[] clientKey, byte[] clientSalt,
                              byte[] serverKey, byte[] serverSalt) {
        this.profile = Objects.requireNonNull(profile, "profile");
        this.clientKey = checkedCopy(clientKey, profile.masterKeyLength(), "clientKey");
        this.clientSalt = checkedCopy(clientSalt, profile.masterSaltLength(), "clientSalt");
        this.serverKey = checkedCopy(serverKey, profile.masterKeyLength(), "serverKey");
        this.serverSalt = checkedCopy(serverSalt, profile.masterSaltLength(), "serverSalt");
    }

    /**
     * Splits the output of the "EXTRACTOR-dtls_srtp" exporter. RFC 5764 §4.2 lays it out as
     * client_write_SRTP_master_key | server_write_SRTP_master_key | client_write_SRTP_master_salt |
     * server_write_SRTP_master_salt.
     */
    public static SrtpKeyingMaterial fromDtlsExport(SrtpProfile profile, byte[] exported) {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(exported, "exported");
        if (exported.length != profile.keyingMaterialLength()) {
            throw new IllegalArgumentException("expected " + profile.keyingMaterialLength()
                    + " octets of keying material for " + profile + ", got " + exported.length);
        }
        int k = profile.masterKeyLength();
        int s = profile.masterSaltLength();
        return new SrtpKeyingMaterial(profile,
                Arrays.copyOfRange(exported, 0, k),
                Arrays.copyOfRange(exported, 2 * k, 2 * k + s),
                Arrays.copyOfRange(exported, k, 2 * k),
                Arrays.copyOfRange(exported, 2 * k + s, 2 * k + 2 * s));
    }

    public SrtpProfile profile() {
        return profile;
    }

    public byte[] clientKey() {
        return clientKey.clone();
    }

    public byte[] clientSalt() {
        return clientSalt.clone();
    }

    public byte[] serverKey() {
        return serverKey.clone();
    }

    public byte[] serverSalt() {
        return serverSalt.clone();
    }

    /** The key {@code role} protects outgoing packets with (RFC 5764 §4.2). */
    public byte[] localKey(SrtpRole role) {
        return role == SrtpRole.SERVER ? serverKey() : clientKey();
    }

    public byte[] localSalt(SrtpRole role) {
        return role == SrtpRole.SERVER ? serverSalt() : clientSalt();
    }

    /** The key {@code role} unprotects incoming packets with: the peer's write key. */
    public byte[] remoteKey(SrtpRole role) {
        return role == SrtpRole.SERVER ? clientKey() : serverKey();
    }

    public byte[] remoteSalt(SrtpRole role) {
        return role == SrtpRole.SERVER ? clientSalt() : serverSalt();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof SrtpKeyingMaterial other)) {
            return false;
        }
        // Constant-time comparison: equality of secrets should not leak through timing.
        return profile == other.profile
                & MessageDigest.isEqual(clientKey, other.clientKey)
                & MessageDigest.isEqual(clientSalt, other.clientSalt)
                & MessageDigest.isEqual(serverKey, other.serverKey)
                & MessageDigest.isEqual(serverSalt, other.serverSalt);
    }

    @Override
    public int hashCode() {
        return profile.hashCode();
    }

    @Override
    public String toString() {
        return "SrtpKeyingMaterial{" + profile + ", keys redacted}";
    }

    private static byte[] checkedCopy(byte[] value, int expectedLength, String name) {
        Objects.requireNonNull(value, name);
        if (value.length != expectedLength) {
            throw new IllegalArgumentException(name + " must be " + expectedLength + " octets, got " + value.length);
        }
        return value.clone();
    }
}
