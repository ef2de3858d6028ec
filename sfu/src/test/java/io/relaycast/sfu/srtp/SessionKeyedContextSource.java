package io.relaycast.sfu.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.spec.SecretKeySpec;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * Builds jitsi-srtp contexts keyed directly with session keys, bypassing the RFC 3711 §4.3 key derivation.
 *
 * <p>RFC 7714 §16-17 and RFC 3711 B.2 publish vectors in terms of the session encryption key and salt, which no
 * master key can be solved for; overwriting the derived keys after construction lets those vectors run through
 * jitsi-srtp's real packet code (IV formation, AAD, SRTCP index handling) and through {@link SrtpSession}.
 */
final class SessionKeyedContextSource implements SrtpContextSource {
    private static final Logger LOGGER = new LoggerImpl(SessionKeyedContextSource.class.getName());

    private final boolean sender;
    private final SrtpProfile profile;
    private final byte[] rtpKey;
    private final byte[] rtpSalt;
    private final byte[] rtpAuthKey;
    private final byte[] rtcpKey;
    private final byte[] rtcpSalt;
    private final byte[] rtcpAuthKey;

    /** Same session keys for SRTP and SRTCP, as the RFC 7714 vectors use. */
    SessionKeyedContextSource(boolean sender, SrtpProfile profile, byte[] key, byte[] salt, byte[] authKey) {
        this(sender, profile, key, salt, authKey, key, salt, authKey);
    }

    SessionKeyedContextSource(boolean sender, SrtpProfile profile, byte[] rtpKey, byte[] rtpSalt, byte[] rtpAuthKey,
                              byte[] rtcpKey, byte[] rtcpSalt, byte[] rtcpAuthKey) {
        this.sender = sender;
        this.profile = profile;
        this.rtpKey = rtpKey;
        this.rtpSalt = rtpSalt;
        this.rtpAuthKey = rtpAuthKey;
        this.rtcpKey = rtcpKey;
        this.rtcpSalt = rtcpSalt;
        this.rtcpAuthKey = rtcpAuthKey;
    }

    /** Convenience: an SRTP session whose both directions use these session keys. */
    static SrtpSession session(SrtpProfile profile, byte[] key, byte[] salt, byte[] authKey) {
        return new SrtpSession(profile, new SrtpSessionOptions(true, 16),
                new SessionKeyedContextSource(true, profile, key, salt, authKey),
                new SessionKeyedContextSource(false, profile, key, salt, authKey));
    }

    @Override
    public SrtpCryptoContext rtpContext(int ssrc) throws GeneralSecurityException {
        return new KeyedRtp(sender, ssrc, policy(), rtpKey, rtpSalt, rtpAuthKey);
    }

    @Override
    public SrtcpCryptoContext rtcpContext(int ssrc) throws GeneralSecurityException {
        return new KeyedRtcp(ssrc, policy(), rtcpKey, rtcpSalt, rtcpAuthKey);
    }

    @Override
    public void close() {
    }

    private SrtpPolicy policy() {
        return SrtpPolicies.forProfile(profile, true);
    }

    private static byte[] dummyMaster(int length) {
        return new byte[length];
    }

    private static final class KeyedRtp extends SrtpCryptoContext {
        KeyedRtp(boolean sender, int ssrc, SrtpPolicy policy, byte[] key, byte[] salt, byte[] authKey)
                throws GeneralSecurityException {
            super(sender, ssrc, 0, dummyMaster(policy.getEncKeyLength()), dummyMaster(policy.getSaltKeyLength()),
                    policy, LOGGER);
            System.arraycopy(salt, 0, saltKey, 0, saltKey.length);
            cipher.init(key, saltKey);
            if (cipherAuthOnly != cipher) {
                cipherAuthOnly.init(key, saltKey);
            }
            if (mac != null) {
                mac.init(new SecretKeySpec(authKey, mac.getAlgorithm()));
            }
        }
    }

    private static final class KeyedRtcp extends SrtcpCryptoContext {
        KeyedRtcp(int ssrc, SrtpPolicy policy, byte[] key, byte[] salt, byte[] authKey)
                throws GeneralSecurityException {
            super(ssrc, dummyMaster(policy.getEncKeyLength()), dummyMaster(policy.getSaltKeyLength()), policy, LOGGER);
            System.arraycopy(salt, 0, saltKey, 0, saltKey.length);
            cipher.init(key, saltKey);
            if (mac != null) {
                mac.init(new SecretKeySpec(authKey, mac.getAlgorithm()));
            }
        }
    }
}
