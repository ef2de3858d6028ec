package io.relaycast.sfu.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * A certificate fingerprint as carried by the SDP {@code a=fingerprint} attribute (RFC 8122 §5):
 * {@code hash-func SP fingerprint}, e.g. {@code sha-256 AB:CD:…}, the hash in upper-case hex pairs joined by
 * colons.
 *
 * <p>The remote fingerprint is how a DTLS-SRTP endpoint authenticates its self-signed peer (RFC 5763 §5,
 * RFC 8827 §6.5): the certificate in the handshake must hash to the value from the signalling channel.
 */
public final class DtlsFingerprint {
    /** RFC 8122 §5 hash functions we accept, weakest first; MD2 and MD5 are forbidden there. */
    private static final String[] HASH_FUNCTIONS = {"sha-1", "sha-224", "sha-256", "sha-384", "sha-512"};
    private static final String[] JCA_NAMES = {"SHA-1", "SHA-224", "SHA-256", "SHA-384", "SHA-512"};
    private static final int[] DIGEST_LENGTHS = {20, 28, 32, 48, 64};

    private final int hashIndex;
    private final byte[] value;

    private DtlsFingerprint(int hashIndex, byte[] value) {
        this.hashIndex = hashIndex;
        this.value = value;
    }

    /** The fingerprint of a DER-encoded certificate under {@code hashFunction} (an RFC 8122 token). */
    public static DtlsFingerprint of(String hashFunction, byte[] certificateDer) {
        int index = hashIndex(hashFunction);
        if (index < 0) {
            throw new IllegalArgumentException("unsupported fingerprint hash function: " + hashFunction);
        }
        return new DtlsFingerprint(index, digest(index, certificateDer));
    }

    /**
     * Parses the value of an {@code a=fingerprint} attribute (without the {@code a=fingerprint:} prefix).
     * Hash names are matched case-insensitively and hex digits in either case, as RFC 8122 §5 allows.
     *
     * @throws IllegalArgumentException if the value is malformed or uses a hash we do not accept
     */
    public static DtlsFingerprint parse(String sdpValue) {
        Objects.requireNonNull(sdpValue, "sdpValue");
        String trimmed = sdpValue.trim();
        int space = indexOfWhitespace(trimmed);
        if (space < 0) {
            throw new IllegalArgumentException("fingerprint needs 'hash-func SP hex': " + sdpValue);
        }
        String hash = trimmed.substring(0, space);
        String hex = trimmed.substring(space).trim();
        int index = hashIndex(hash);
        if (index < 0) {
            throw new IllegalArgumentException("unsupported fingerprint hash function: " + hash);
        }
        int length = DIGEST_LENGTHS[index];
        if (hex.length() != 3 * length - 1) {
            throw new IllegalArgumentException(hash + " fingerprint must have " + length + " octets: " + sdpValue);
        }
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            int at = 3 * i;
            if (i > 0 && hex.charAt(at - 1) != ':') {
                throw new IllegalArgumentException("fingerprint octets must be separated by ':': " + sdpValue);
            }
            int high = Character.digit(hex.charAt(at), 16);
            int low = Character.digit(hex.charAt(at + 1), 16);
            if (high < 0 || low < 0) {
                throw new IllegalArgumentException("fingerprint has a non-hex digit: " + sdpValue);
            }
            value[i] = (byte) (high << 4 | low);
        }
        return new DtlsFingerprint(index, value);
    }

    /**
     * The fingerprints worth checking from a list the peer offered: those of the strongest hash function in it.
     * RFC 8122 §5: with several fingerprints, the one computed with the strongest hash the checker supports is
     * the one to use.
     */
    public static Collection<DtlsFingerprint> strongest(Collection<DtlsFingerprint> offered) {
        int best = -1;
        for (DtlsFingerprint f : offered) {
            best = Math.max(best, f.hashIndex);
        }
        final int strongest = best;
        return offered.stream().filter(f -> f.hashIndex == strongest).toList();
    }

    /** RFC 8122 token of the hash function, lower case. */
    public String hashFunction() {
        return HASH_FUNCTIONS[hashIndex];
    }

    public byte[] value() {
        return value.clone();
    }

    /** Whether {@code certificateDer} hashes to this fingerprint; constant time in the digest comparison. */
    public boolean matches(byte[] certificateDer) {
        return MessageDigest.isEqual(value, digest(hashIndex, certificateDer));
    }

    /** The SDP form, {@code sha-256 AB:CD:…}. */
    public String toSdp() {
        return hashFunction() + " " + HexFormat.ofDelimiter(":").withUpperCase().formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DtlsFingerprint other && other.hashIndex == hashIndex && Arrays.equals(other.value, value);
    }

    @Override
    public int hashCode() {
        return 31 * hashIndex + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return toSdp();
    }

    private static int hashIndex(String hashFunction) {
        String lower = hashFunction.toLowerCase(Locale.ROOT);
        for (int i = 0; i < HASH_FUNCTIONS.length; i++) {
            if (HASH_FUNCTIONS[i].equals(lower)) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] digest(int hashIndex, byte[] data) {
        try {
            return MessageDigest.getInstance(JCA_NAMES[hashIndex]).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + JCA_NAMES[hashIndex], e);
        }
    }
}
