package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BouncyCastle {@code TlsServer} side of DTLS-SRTP: what we offer, what we demand of the client, and the
 * keys we export. One instance per handshake.
 *
 * <ul>
 *   <li>DTLS 1.2 only, ECDHE-ECDSA with AES-GCM (RFC 8827 §6.5 requires DTLS 1.2 and forward secrecy).</li>
 *   <li>A CertificateRequest is always sent and the client certificate must hash to a fingerprint from the
 *       remote SDP (RFC 5763 §5); otherwise the handshake fails before any key is derived.</li>
 *   <li>{@code use_srtp} (RFC 5764 §4.1.1): we pick by our own preference, GCM first.</li>
 *   <li>Keys come from the "EXTRACTOR-dtls_srtp" exporter (RFC 5764 §4.2) once the handshake completes.</li>
 * </ul>
 */
final class DtlsSrtpServer extends DefaultTlsServer implements DtlsSrtpPeer {
    private static final Logger LOG = LoggerFactory.getLogger(DtlsSrtpServer.class);

    private final DtlsCertificate certificate;
    private final HandshakeOutcome outcome;
    private final int handshakeTimeoutMillis;
    private final Events events;

    DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, Collection<DtlsFingerprint> remoteFingerprints,
                   int handshakeTimeoutMillis, Events events) {
        super(crypto);
        this.certificate = certificate;
        this.outcome = new HandshakeOutcome(remoteFingerprints);
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.events = events;
    }

    @Override
    public DTLSTransport handshake(DatagramTransport transport) throws IOException {
        DTLSServerProtocol protocol = new DTLSServerProtocol();
        // RFC 6347 §4.2.1 makes the cookie exchange a defence against spoofed sources; ICE connectivity
        // checks (RFC 8445 §7.2.5) already proved the peer's address, so skip its round trip.
        protocol.setVerifyRequests(false);
        return protocol.accept(this, transport);
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

    /**
     * The client certificate is self-signed and identified by its fingerprint only (RFC 5763 §5), so the
     * algorithm it was signed with carries no meaning; checking it would only reject odd but honest clients.
     */
    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
        return false;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processClientExtensions(Hashtable clientExtensions) throws IOException {
        super.processClientExtensions(clientExtensions);
        UseSRTPData useSrtp = TlsSRTPUtils.getUseSRTPExtension(clientExtensions);
        if (useSrtp == null) {
            throw outcome.abort(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE, "client offered no use_srtp",
                    AlertDescription.handshake_failure);
        }
        SrtpProfile chosen = DtlsSrtpPeer.chooseProfile(useSrtp.getProtectionProfiles());
        if (chosen == null) {
            // RFC 5764 §4.1.1 would let us continue without SRTP; a WebRTC transport has no use for that.
            throw outcome.abort(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE,
                    "no supported profile in " + Arrays.toString(useSrtp.getProtectionProfiles()),
                    AlertDescription.handshake_failure);
        }
        outcome.chose(chosen);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getServerExtensions() throws IOException {
        Hashtable extensions = super.getServerExtensions();
        if (extensions == null) {
            extensions = new Hashtable();
        }
        // RFC 5764 §4.1.1: exactly one profile in the answer; an empty MKI says we do not use MKIs, which is
        // always an acceptable reply even to a client that proposed one.
        TlsSRTPUtils.addUseSRTPExtension(extensions,
                new UseSRTPData(new int[] {outcome.profile().id()}, TlsUtils.EMPTY_BYTES));
        return extensions;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public CertificateRequest getCertificateRequest() {
        // RFC 5763 §5: the server MUST request a certificate, since the client is identified by it.
        Vector signatureAlgorithms = new Vector();
        signatureAlgorithms.add(ECDSA_SHA256);
        signatureAlgorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha384, SignatureAlgorithm.ecdsa));
        signatureAlgorithms.add(SignatureAndHashAlgorithm.rsa_pss_rsae_sha256);
        signatureAlgorithms.add(SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.rsa));
        return new CertificateRequest(new short[] {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign},
                signatureAlgorithms, null);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        outcome.requireSignalledCertificate(clientCertificate, "client",
                DtlsHandshakeException.Reason.NO_CLIENT_CERTIFICATE);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(),
                certificate.bcPrivateKey(), certificate.toTlsCertificate(getCrypto()), signatureAlgorithm());
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

    /** ecdsa_secp256r1_sha256 if the client lists it (every browser does), else the TLS 1.2 default choice. */
    @SuppressWarnings("rawtypes")
    private SignatureAndHashAlgorithm signatureAlgorithm() throws IOException {
        Vector clientAlgorithms = context.getSecurityParametersHandshake().getClientSigAlgs();
        if (clientAlgorithms != null && clientAlgorithms.contains(ECDSA_SHA256)) {
            return ECDSA_SHA256;
        }
        return TlsUtils.chooseSignatureAndHashAlgorithm(context, clientAlgorithms, SignatureAlgorithm.ecdsa);
    }
}
