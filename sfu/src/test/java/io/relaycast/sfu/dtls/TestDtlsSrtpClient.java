package io.relaycast.sfu.dtls;

import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import java.io.IOException;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A browser stand-in: a bctls DTLS 1.2 client that offers use_srtp with the given profiles, presents an
 * optional certificate, checks the server against its SDP fingerprint and exports the SRTP keys.
 */
public final class TestDtlsSrtpClient extends DefaultTlsClient {
    private final DtlsCertificate clientCertificate;
    private final DtlsFingerprint expectedServerFingerprint;
    private final int[] offeredProfiles;
    final List<Short> alertsReceived = new CopyOnWriteArrayList<>();
    volatile SrtpProfile selectedProfile;
    public volatile SrtpKeyingMaterial keys;

    /**
     * @param clientCertificate {@code null} to answer the CertificateRequest with an empty chain
     * @param offeredProfiles {@code null} to send no use_srtp extension at all
     */
    public TestDtlsSrtpClient(DtlsCertificate clientCertificate, DtlsFingerprint expectedServerFingerprint,
                       int... offeredProfiles) {
        super(new BcTlsCrypto());
        this.clientCertificate = clientCertificate;
        this.expectedServerFingerprint = expectedServerFingerprint;
        this.offeredProfiles = offeredProfiles;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable base = super.getClientExtensions();
        Hashtable extensions = base == null ? new Hashtable() : new Hashtable(base);
        if (offeredProfiles != null) {
            TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(offeredProfiles, TlsUtils.EMPTY_BYTES));
        }
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData useSrtp = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (useSrtp == null || useSrtp.getProtectionProfiles().length != 1) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "server must pick exactly one profile");
        }
        selectedProfile = SrtpProfile.fromId(useSrtp.getProtectionProfiles()[0]);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                byte[] der = serverCertificate.getCertificate().getCertificateAt(0).getEncoded();
                if (!expectedServerFingerprint.matches(der)) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, "server fingerprint mismatch");
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                if (clientCertificate == null) {
                    return null;
                }
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context),
                        (BcTlsCrypto) getCrypto(), clientCertificate.bcPrivateKey(),
                        clientCertificate.toTlsCertificate(getCrypto()),
                        SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] exported = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null,
                selectedProfile.keyingMaterialLength());
        keys = SrtpKeyingMaterial.fromDtlsExport(selectedProfile, exported);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        alertsReceived.add(alertDescription);
    }
}
