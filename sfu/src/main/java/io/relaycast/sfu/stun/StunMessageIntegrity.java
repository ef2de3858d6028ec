package io.relaycast.sfu.stun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies MESSAGE-INTEGRITY (RFC 5389 section 15.4): an HMAC-SHA1 over the message up to, not including, the
 * attribute, computed as if the header's length ended right after MESSAGE-INTEGRITY. That adjustment matters
 * when a FINGERPRINT follows; here it is applied on the fly, so the datagram is never copied or modified.
 *
 * <p>One instance per key and thread: it owns a keyed {@link Mac}, which is built once, not per packet.
 * Long-term credentials (RFC 5389 section 15.4: key = MD5(username:realm:SASLprep(password))) work too when that
 * key is passed to the constructor; ICE never uses them.
 */
public final class StunMessageIntegrity {

    private static final String ALGORITHM = "HmacSHA1";

    private final Mac mac;

    /**
     * @param key the HMAC key: for short-term credentials, the password's bytes (see {@link #forPassword})
     * @throws IllegalArgumentException for an empty key
     */
    public StunMessageIntegrity(byte[] key) {
        try {
            mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
        } catch (GeneralSecurityException e) {
            // HmacSHA1 is required of every Java platform; getting here means a broken runtime.
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /**
     * A verifier keyed with a short-term credential password (section 15.4: key = SASLprep(password)). ICE
     * passwords are made of ice-chars (RFC 8839 section 5.4: letters, digits, '+' and '/'), which SASLprep leaves
     * unchanged, so their UTF-8 bytes are the key.
     */
    public static StunMessageIntegrity forPassword(String password) {
        return new StunMessageIntegrity(password.getBytes(StandardCharsets.UTF_8));
    }

    /** True when {@code message} carries MESSAGE-INTEGRITY and it matches this key. */
    public boolean verify(StunMessage message) {
        if (!message.isValid() || !message.hasMessageIntegrity()) {
            return false;
        }
        byte[] buf = message.buffer();
        int off = message.offset();
        int attribute = message.messageIntegrityOffset();
        int adjustedLength = attribute + 4 + StunMessage.INTEGRITY_LENGTH - (off + StunMessage.HEADER_LENGTH);
        mac.update(buf, off, 2);
        mac.update((byte) (adjustedLength >>> 8));
        mac.update((byte) adjustedLength);
        mac.update(buf, off + 4, attribute - (off + 4));
        // The JCE hands back a fresh 20-byte array whichever doFinal is called; at STUN's rate (a check or
        // consent request every few seconds per viewer) that is fine, and it keeps a hand-rolled HMAC out.
        byte[] computed = mac.doFinal();
        // Constant time, so that timing does not reveal how much of a forged MAC was right.
        int difference = 0;
        for (int i = 0; i < StunMessage.INTEGRITY_LENGTH; i++) {
            difference |= computed[i] ^ buf[attribute + 4 + i];
        }
        return difference == 0;
    }
}
