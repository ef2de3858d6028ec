package io.relaycast.sfu.srtp;

import org.jitsi.srtp.SrtpPolicy;

/** The jitsi-srtp {@link SrtpPolicy} for each {@link SrtpProfile}. */
final class SrtpPolicies {
    /** RFC 3711 §8.2 / RFC 5764 §4.1.2: HMAC-SHA1 session authentication key is 160 bits. */
    private static final int HMAC_SHA1_KEY_LENGTH = 20;

    private SrtpPolicies() {
    }

    /**
     * A fresh policy (jitsi's policies are mutable, so none is shared between sessions). The same parameters
     * serve SRTP and SRTCP for both profiles (RFC 5764 §4.1.2, RFC 7714 §14.2).
     */
    static SrtpPolicy forProfile(SrtpProfile profile, boolean sendReplayProtection) {
        SrtpPolicy policy = switch (profile) {
            // RFC 7714 §14.2: GCM authenticates by itself, so no separate auth key; salt is 96 bits.
            case SRTP_AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, profile.masterKeyLength(),
                    SrtpPolicy.NULL_AUTHENTICATION, 0, profile.authTagLength(), profile.masterSaltLength());
            case SRTP_AES128_CM_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION,
                    profile.masterKeyLength(), SrtpPolicy.HMACSHA1_AUTHENTICATION, HMAC_SHA1_KEY_LENGTH,
                    profile.authTagLength(), profile.masterSaltLength());
        };
        // RFC 3711 §3.3.2: the receiver keeps a replay list; this is not optional for us.
        policy.setReceiveReplayEnabled(true);
        policy.setSendReplayEnabled(sendReplayProtection);
        return policy;
    }
}
