package io.relaycast.sfu.srtp;

import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.logging2.Logger;

/** Derives per-SSRC contexts from one direction's master key and salt (RFC 3711 §4.3) via jitsi-srtp. */
final class MasterKeyContextSource implements SrtpContextSource {
    private final SrtpContextFactory factory;

    MasterKeyContextSource(boolean sender, byte[] masterKey, byte[] masterSalt,
                           SrtpPolicy srtpPolicy, SrtpPolicy srtcpPolicy, Logger logger) {
        this.factory = new SrtpContextFactory(sender, masterKey, masterSalt, srtpPolicy, srtcpPolicy, logger);
    }

    @Override
    public SrtpCryptoContext rtpContext(int ssrc) throws GeneralSecurityException {
        // RFC 3711 §3.3.1: every stream keyed by DTLS-SRTP starts with ROC 0 (no ROC is signalled).
        return factory.deriveContext(ssrc, 0);
    }

    @Override
    public SrtcpCryptoContext rtcpContext(int ssrc) throws GeneralSecurityException {
        return factory.deriveControlContext(ssrc);
    }

    @Override
    public void close() {
        factory.close();
    }
}
