package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Vector;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
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

    /** Our preference, strongest and cheapest first (RFC 7714 §14.2, then RFC 5764 §4.1.2). */
    static final List<SrtpProfile> PROFILE_PREFERENCE =
            List.of(SrtpProfile.SRTP_AEAD_AES_128_GCM, SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);

    private static final int[] CIPHER_SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
    };

    private static final SignatureAndHashAlgorithm ECDSA_SHA256 =
            SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa);

    private final DtlsCertificate certificate;
    private final Collection<DtlsFingerprint> remoteFingerprints;
    private final int handshakeTimeoutMillis;
    private final Events events;

    private volatile SrtpProfile selectedProfile;
    private volatile SrtpKeyingMaterial keyingMaterial;
    private volatile DtlsHandshakeException.Reason failureReason;
    private volatile String failureDetail;

    DtlsSrtpServer(BcTlsCrypto crypto, DtlsCertificate certificate, Collection<DtlsFingerprint> remoteFingerprints,
                   int handshakeTimeoutMillis, Events events) {
        super(crypto);
        this.certificate = certificate;
        this.remoteFingerprints = DtlsFingerprint.strongest(remoteFingerprints);
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
    public SrtpKeyingMaterial keyingMaterial() {
        return keyingMaterial;
    }

    @Override
    public SrtpProfile selectedProfile() {
        return selectedProfile;
    }

    @Override
    public DtlsHandshakeException.Reason failureReason() {
        return failureReason;
    }

    @Override
    public String failureDetail() {
        return failureDetail;
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
            throw abort(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE, "client offered no use_srtp",
                    AlertDescription.handshake_failure);
        }
        SrtpProfile chosen = choose(useSrtp.getProtectionProfiles());
        if (chosen == null) {
            // RFC 5764 §4.1.1 would let us continue without SRTP; a WebRTC transport has no use for that.
            throw abort(DtlsHandshakeException.Reason.NO_COMMON_SRTP_PROFILE,
                    "no supported profile in " + Arrays.toString(useSrtp.getProtectionProfiles()),
                    AlertDescription.handshake_failure);
        }
        selectedProfile = chosen;
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
                new UseSRTPData(new int[] {selectedProfile.id()}, TlsUtils.EMPTY_BYTES));
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
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            // RFC 5246 §7.4.6 lets a server refuse a client without certificate with handshake_failure.
            throw abort(DtlsHandshakeException.Reason.NO_CLIENT_CERTIFICATE, "client sent no certificate",
                    AlertDescription.handshake_failure);
        }
        byte[] der = clientCertificate.getCertificateAt(0).getEncoded();
        for (DtlsFingerprint expected : remoteFingerprints) {
            if (expected.matches(der)) {
                return;
            }
        }
        throw abort(DtlsHandshakeException.Reason.FINGERPRINT_MISMATCH,
                "client certificate " + DtlsFingerprint.of("sha-256", der) + " matches none of "
                        + remoteFingerprints, AlertDescription.bad_certificate);
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(),
                certificate.bcPrivateKey(), certificate.toTlsCertificate(getCrypto()), signatureAlgorithm());
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        SrtpProfile profile = selectedProfile;
        byte[] exported = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                profile.keyingMaterialLength());
        try {
            keyingMaterial = SrtpKeyingMaterial.fromDtlsExport(profile, exported);
        } finally {
            Arrays.fill(exported, (byte) 0);
        }
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

    /** First profile in our preference that the client offered (RFC 5764 §4.1.1: the server chooses). */
    static SrtpProfile choose(int[] offered) {
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

    /** ecdsa_secp256r1_sha256 if the client lists it (every browser does), else the TLS 1.2 default choice. */
    @SuppressWarnings("rawtypes")
    private SignatureAndHashAlgorithm signatureAlgorithm() throws IOException {
        Vector clientAlgorithms = context.getSecurityParametersHandshake().getClientSigAlgs();
        if (clientAlgorithms != null && clientAlgorithms.contains(ECDSA_SHA256)) {
            return ECDSA_SHA256;
        }
        return TlsUtils.chooseSignatureAndHashAlgorithm(context, clientAlgorithms, SignatureAlgorithm.ecdsa);
    }

    private TlsFatalAlert abort(DtlsHandshakeException.Reason reason, String detail, short alert) {
        failureReason = reason;
        failureDetail = detail;
        return new TlsFatalAlert(alert, detail);
    }
}
