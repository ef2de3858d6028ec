package io.relaycast.sfu.srtp;

/**
 * The DTLS-SRTP protection profiles Relaycast negotiates, with the lengths each one fixes.
 *
 * <p>Only the two profiles every current browser offers are listed: AEAD_AES_128_GCM (RFC 7714 §14.2), which
 * is cheaper per packet and authenticates with a 16-octet tag, and AES128_CM_HMAC_SHA1_80 (RFC 5764 §4.1.2),
 * the mandatory-to-implement fallback (RFC 8827 §6.5). The identifiers are the two-octet values carried in the
 * {@code use_srtp} extension.
 */
public enum SrtpProfile {
    /** RFC 7714 §14.2: {0x00, 0x07}; 128-bit key, 96-bit salt, 16-octet GCM tag for SRTP and SRTCP. */
    SRTP_AEAD_AES_128_GCM(0x0007, 16, 12, 16),
    /** RFC 5764 §4.1.2: {0x00, 0x01}; 128-bit key, 112-bit salt, 80-bit HMAC-SHA1 tag for SRTP and SRTCP. */
    SRTP_AES128_CM_HMAC_SHA1_80(0x0001, 16, 14, 10);

    /** RFC 3711 §3.4: the SRTCP packet carries the E flag and the 31-bit index in one extra word. */
    private static final int SRTCP_INDEX_LENGTH = 4;

    private final int id;
    private final int masterKeyLength;
    private final int masterSaltLength;
    private final int authTagLength;

    SrtpProfile(int id, int masterKeyLength, int masterSaltLength, int authTagLength) {
        this.id = id;
        this.masterKeyLength = masterKeyLength;
        this.masterSaltLength = masterSaltLength;
        this.authTagLength = authTagLength;
    }

    /** The SRTPProtectionProfile value of RFC 5764 §4.1.2 / RFC 7714 §14.2. */
    public int id() {
        return id;
    }

    public int masterKeyLength() {
        return masterKeyLength;
    }

    public int masterSaltLength() {
        return masterSaltLength;
    }

    public int authTagLength() {
        return authTagLength;
    }

    /** Octets {@code protectRtp} appends: the authentication tag (RFC 3711 §3.1, RFC 7714 §8.2). */
    public int rtpOverhead() {
        return authTagLength;
    }

    /** Octets {@code protectRtcp} appends: the E flag and SRTCP index word plus the tag (RFC 3711 §3.4, RFC 7714 §9). */
    public int rtcpOverhead() {
        return SRTCP_INDEX_LENGTH + authTagLength;
    }

    /** Length of the exporter output RFC 5764 §4.2 asks for: two keys and two salts. */
    public int keyingMaterialLength() {
        return 2 * (masterKeyLength + masterSaltLength);
    }

    /** The profile with this {@code use_srtp} identifier, or {@code null} if Relaycast does not implement it. */
    public static SrtpProfile fromId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
