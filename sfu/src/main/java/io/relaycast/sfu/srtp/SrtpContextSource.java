package io.relaycast.sfu.srtp;

import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpCryptoContext;

/**
 * Creates the per-SSRC crypto contexts of one direction of a session.
 *
 * <p>Production code derives them from the master key and salt ({@link MasterKeyContextSource}); the seam
 * exists so that tests can feed the published session keys of RFC 7714 §16-17 straight into jitsi-srtp's
 * packet transforms.
 */
interface SrtpContextSource {
    SrtpCryptoContext rtpContext(int ssrc) throws GeneralSecurityException;

    SrtcpCryptoContext rtcpContext(int ssrc) throws GeneralSecurityException;

    /** Wipes any key material this source holds. */
    void close();
}
