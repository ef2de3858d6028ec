package io.relaycast.sfu.relay;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The SRTP keys of one relay, derived on both nodes from the shared secret and two fresh nonces (one chosen by the
 * edge, one by the origin) with HKDF-SHA256 (RFC 5869): no key travels in the control request or its answer, so a
 * reader of that HTTP exchange learns nothing that decrypts the media. The output is laid out like the DTLS-SRTP
 * exporter's (RFC 5764 section 4.2), the origin in the DTLS server's place and the edge in the client's.
 */
public final class RelayKeys {
    /** AEAD_AES_128_GCM (RFC 7714): what browsers prefer, cheaper per packet than HMAC-SHA1. */
    public static final SrtpProfile PROFILE = SrtpProfile.SRTP_AEAD_AES_128_GCM;
    public static final int NONCE_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private RelayKeys() {
    }

    public static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    /** The relay's keying material: same inputs, same keys on both nodes. */
    public static SrtpKeyingMaterial derive(byte[] secret, String relayId, String streamId, byte[] edgeNonce,
                                            byte[] originNonce) {
        byte[] salt = new byte[edgeNonce.length + originNonce.length];
        System.arraycopy(edgeNonce, 0, salt, 0, edgeNonce.length);
        System.arraycopy(originNonce, 0, salt, edgeNonce.length, originNonce.length);
        byte[] prk = hmac(salt, secret); // RFC 5869 section 2.2: extract
        byte[] info = ("relaycast relay srtp v1\n" + relayId + "\n" + streamId).getBytes(StandardCharsets.UTF_8);
        byte[] okm = expand(prk, info, PROFILE.keyingMaterialLength());
        Arrays.fill(prk, (byte) 0);
        try {
            return SrtpKeyingMaterial.fromDtlsExport(PROFILE, okm);
        } finally {
            Arrays.fill(okm, (byte) 0);
        }
    }

    /** RFC 5869 section 2.3: T(i) = HMAC(PRK, T(i-1) | info | i). */
    private static byte[] expand(byte[] prk, byte[] info, int length) {
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            byte[] input = new byte[t.length + info.length + 1];
            System.arraycopy(t, 0, input, 0, t.length);
            System.arraycopy(info, 0, input, t.length, info.length);
            input[input.length - 1] = (byte) i;
            t = hmac(prk, input);
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
