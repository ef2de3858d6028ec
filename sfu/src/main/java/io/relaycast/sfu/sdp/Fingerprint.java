package io.relaycast.sfu.sdp;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code a=fingerprint:<hash function> <hex pairs separated by ':'>} (RFC 8122 section 5), the certificate hash
 * the DTLS handshake must match (RFC 5763 section 5).
 */
public record Fingerprint(String algorithm, String value) {

    public static final String SHA_256 = "sha-256";

    public Fingerprint {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(value, "value");
    }

    /** A SHA-256 fingerprint of our certificate, checked here so a bad one never reaches an SDP we send. */
    public static Fingerprint sha256(String hexPairs) {
        try {
            return parse(SHA_256 + ' ' + hexPairs);
        } catch (SdpException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    static Fingerprint parse(String value) throws SdpException {
        String context = SdpSyntax.quote("a=fingerprint:" + value);
        List<String> words = SdpSyntax.words(value);
        if (words.size() != 2) {
            throw SdpException.malformed("fingerprint needs a hash function and a value in " + context);
        }
        String algorithm = words.get(0);
        if (!SdpSyntax.isToken(algorithm)) {
            throw SdpException.malformed("fingerprint hash function is not a token in " + context);
        }
        String hex = words.get(1);
        int bytes = countHexPairs(hex);
        if (bytes < 0) {
            throw SdpException.malformed("fingerprint must be hex pairs separated by ':' in " + context);
        }
        int expected = expectedBytes(algorithm.toLowerCase(Locale.ROOT));
        if (expected > 0 && bytes != expected) {
            throw SdpException.malformed("a " + algorithm + " fingerprint has " + expected + " bytes, not " + bytes
                    + ", in " + context);
        }
        return new Fingerprint(algorithm, hex);
    }

    private static int countHexPairs(String hex) {
        if ((hex.length() + 1) % 3 != 0) {
            return -1;
        }
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            boolean ok = i % 3 == 2 ? c == ':' : Character.digit(c, 16) >= 0 && c < 0x80;
            if (!ok) {
                return -1;
            }
        }
        return (hex.length() + 1) / 3;
    }

    private static int expectedBytes(String algorithm) {
        return switch (algorithm) {
            case "sha-1" -> 20;
            case "sha-224" -> 28;
            case SHA_256 -> 32;
            case "sha-384" -> 48;
            case "sha-512" -> 64;
            default -> -1;
        };
    }

    /** Hash names and hex digits are case-insensitive (RFC 8122 section 5). */
    public boolean sameAs(Fingerprint other) {
        return algorithm.equalsIgnoreCase(other.algorithm) && value.equalsIgnoreCase(other.value);
    }

    public String toAttributeValue() {
        return algorithm + ' ' + value;
    }
}
