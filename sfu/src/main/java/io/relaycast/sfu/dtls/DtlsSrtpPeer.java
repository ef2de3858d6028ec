package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import java.util.List;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;

/**
 * Our end of a DTLS-SRTP handshake, server ({@link DtlsSrtpServer}) or client ({@link DtlsSrtpClient}): runs the
 * handshake over a datagram transport and reports what came of it. One instance per handshake. Both ends follow
 * the same rules, kept here.
 */
interface DtlsSrtpPeer {
    /** Our SRTP profiles, strongest and cheapest first (RFC 7714 §14.2, then RFC 5764 §4.1.2). */
    List<SrtpProfile> PROFILE_PREFERENCE =
            List.of(SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);

    /** DTLS 1.2 with ECDHE-ECDSA and AES-GCM only (RFC 8827 §6.5: DTLS 1.2 and forward secrecy). */
    int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    };

    /** What our P-256 certificate signs with, when the peer allows it (every browser does). */
    SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    /** Callbacks into the owning session. */
    interface Events {
        void alertReceived(short level, short description);
    }

    /** Runs the whole handshake on the calling thread (bctls blocks in receive until each flight arrives). */
    DTLSTransport handshake(DatagramTransport transport) throws IOException;

    HandshakeOutcome outcome();

    /** First profile in our preference among {@code offered} (RFC 5764 §4.1.1: the server chooses), or null. */
    static SrtpProfile chooseProfile(int[] offered) {
        if (offered == null) {
            return null;
        }
        for (SrtpProfile candidate : PROFILE_PREFERENCE) {
            for (int id : offered) {
                if (id == candidate.id()) {
                    return candidate;
                }
            }
        }
        return null;
    }
}
