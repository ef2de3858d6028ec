package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BouncyCastle {@code TlsClient} side of DTLS-SRTP, for peers that want to be the DTLS server: a WHIP encoder
 * that offers {@code a=setup:passive} (ffmpeg's WHIP muxer does), which makes us {@code active} (RFC 5763 §5).
 * The same rules as {@link DtlsSrtpServer}, from the other end:
 *
 * <ul>
 *   <li>DTLS 1.2 only, ECDHE-ECDSA with AES-GCM offered (RFC 8827 §6.5).</li>
 *   <li>The server's certificate must hash to a fingerprint from the remote SDP (RFC 5763 §5); ours goes out when
 *       the server asks for it, which a DTLS-SRTP server must (RFC 5763 §5).</li>
 *   <li>{@code use_srtp} (RFC 5764 §4.1.1) offers our profiles, GCM first; the server's pick must be one of them.</li>
 *   <li>Keys from the "EXTRACTOR-dtls_srtp" exporter (RFC 5764 §4.2) once the handshake completes.</li>
 * </ul>
 */
final class DtlsSrtpClient extends DefaultTlsClient implements DtlsSrtpPeer {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsSrtpClient.class);

    private final DtlsCertificate certificate;
    private final HandshakeOutcome outcome;
    private final int handshakeTimeoutMillis;
    private final Events events;

    DtlsSrtpClient(BcTlsCrypto crypto, DtlsCertificate certificate, Collection<DtlsFingerprint> remoteFingerprints,
                   int handshakeTimeoutMillis, Events events) {
        super(crypto);
        this.certificate = certificate;
        this.outcome = new HandshakeOutcome(remoteFingerprints);
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.events = events;
    }

    @Override
    public DTLSTransport handshake(DatagramTransport transport) throws IOException {
        return new DTLSClientProtocol().connect(this, transport);
    }

    @Override
    public HandshakeOutcome outcome() {
        return outcome;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), CIPHER_SUITES);
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    /** Self-signed and identified by fingerprint only (RFC 5763 §5): the signing algorithm says nothing. */
    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
        return false;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable extensions = super.getClientExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        int[] ids = PROFILE_PREFERENCE.stream().mapToInt(SrtpProfile::id).toArray();
        // RFC 5764 §4.1.1: our profiles in order of preference, no MKI
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(ids, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData useSrtp = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        int[] chosen = useSrtp == null ? null : useSrtp.getProtectionProfiles();
        // RFC 5764 §4.1.1: the server answers with exactly one of the profiles we offered
        SrtpProfile profile = chosen != null && chosen.length == 1 ? DtlsSrtpPeer.chooseProfile(chosen) : null;
        if (profile == null) {
            throw outcome.abort(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE,
                    useSrtp == null ? "server answered without use_srtp"
                            : "server chose " + Arrays.toString(chosen) + ", not one of ours",
                    AlertDescription.illegal_parameter);
        }
        outcome.chose(profile);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                // an ECDHE-ECDSA server always sends one; without it there is nothing to match the SDP against
                outcome.requireSignalledCertificate(serverCertificate == null ? null : serverCertificate.getCertificate(),
                        "server", DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH);
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(),
                        certificate.bcPrivateKey(), certificate.toTlsCertificate(getCrypto()), signatureAlgorithm(request));
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        outcome.exportKeys(context);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        events.alertReceived(alertLevel, alertDescription);
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        if (alertLevel == AlertLevel.fatal) {
            LOG.debug("DTLS fatal alert sent: {} ({})", AlertDescription.getText(alertDescription), message);
        }
    }

    /** ecdsa_secp256r1_sha256 when the server's CertificateRequest allows it (browsers' does), else TLS 1.2's pick. */
    @SuppressWarnings("rawtypes")
    private SignatureAndHashAlgorithm signatureAlgorithm(CertificateRequest request) throws IOException {
        Vector allowed = request == null ? null : request.getSupportedSignatureAlgorithms();
        if (allowed == null || allowed.contains(ECDSA_SHA256)) {
            return ECDSA_SHA256;
        }
        return TlsUtils.chooseSignatureAndHashAlgorithm(context, allowed, SignatureAlgorithm.ecdsa);
    }
}
