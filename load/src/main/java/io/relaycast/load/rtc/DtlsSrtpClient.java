package io.relaycast.load.rtc;

import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpProfile;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ExporterLabel;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsSRTPUtils;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.UseSRTPData;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.SecureRandom;
import java.util.Hashtable;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The browser's side of DTLS-SRTP (RFC 5763/5764) as the bench plays it: a bctls DTLS 1.2 client that offers
 * use_srtp (AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80, as Chrome does), presents the peer's self-signed
 * certificate (its fingerprint is in our SDP), checks the SFU's certificate against the SFU's SDP fingerprint and
 * exports the SRTP keys.
 */
public final class DtlsSrtpClient extends DefaultTlsClient {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final DtlsCertificate certificate;
    private final DtlsFingerprint serverFingerprint;
    private final AsymmetricKeyParameter privateKey;
    private volatile SrtpProfile profile;
    public volatile SrtpKeyingMaterial keys;

    public DtlsSrtpClient(DtlsCertificate certificate, DtlsFingerprint serverFingerprint) throws IOException {
        super(new BcTlsCrypto(RANDOM));
        this.certificate = certificate;
        this.serverFingerprint = serverFingerprint;
        this.privateKey = PrivateKeyFactory.createKey(certificate.keyPair().getPrivate().getEncoded());
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    /** Browsers retransmit a lost flight well before bctls's default second. */
    @Override
    public int getHandshakeResendTimeMillis() {
        return 100;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public Hashtable getClientExtensions() throws IOException {
        Hashtable base = super.getClientExtensions();
        Hashtable extensions = base == null ? new Hashtable() : new Hashtable(base);
        TlsSRTPUtils.addUseSRTPExtension(extensions, new UseSRTPData(new int[] {
                SRTPProtectionProfile.SRTP_AEAD_AES_128_GCM, SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80},
                new byte[0]));
        return extensions;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public void processServerExtensions(Hashtable serverExtensions) throws IOException {
        super.processServerExtensions(serverExtensions);
        UseSRTPData chosen = TlsSRTPUtils.getUseSRTPExtension(serverExtensions);
        if (chosen == null || chosen.getProtectionProfiles().length != 1
                || SrtpProfile.fromId(chosen.getProtectionProfiles()[0]) == null) {
            throw new TlsFatalAlert(AlertDescription.illegal_parameter, "no usable use_srtp profile chosen");
        }
        profile = SrtpProfile.fromId(chosen.getProtectionProfiles()[0]);
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate server) throws IOException {
                if (server.getCertificate().isEmpty()
                        || !serverFingerprint.matches(server.getCertificate().getCertificateAt(0).getEncoded())) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, "SFU certificate != SDP fingerprint");
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                TlsCertificate tls = getCrypto().createCertificate(certificate.encoded());
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), (BcTlsCrypto) getCrypto(),
                        privateKey, new Certificate(new TlsCertificate[] {tls}),
                        SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        };
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        byte[] exported = context.exportKeyingMaterial(ExporterLabel.dtls_srtp, null, profile.keyingMaterialLength());
        keys = SrtpKeyingMaterial.fromDtlsExport(profile, exported);
    }

    /** bctls pulls datagrams; the reactor thread pushes them into this queue. */
    public static final class QueueTransport implements DatagramTransport {
        public final BlockingQueue<byte[]> incoming = new LinkedBlockingQueue<>(256);
        private final Peer peer;

        public QueueTransport(Peer peer) {
            this.peer = peer;
        }

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] d;
            try {
                d = incoming.poll(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new InterruptedIOException("interrupted");
            }
            if (d == null) {
                return -1;
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            peer.sendRaw(buf, off, len);
        }

        @Override
        public void close() {
        }
    }
}
