package io.relaycast.sfu.dtls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;

/**
 * The SFU's DTLS identity: an ECDSA P-256 key and a self-signed X.509 certificate, built with BouncyCastle.
 *
 * <p>DTLS-SRTP peers do not use PKI; each side checks the other's certificate against the fingerprint from SDP
 * (RFC 5763 §5, RFC 8827 §6.5), so a self-signed certificate is all that is needed. ECDSA P-256 is what
 * browsers generate themselves and keeps the handshake flights small. One certificate serves every session of
 * the process ({@link #processWide()}), so the fingerprint in every SDP answer is the same.
 */
public final class DtlsCertificate {
    /** Browsers ignore validity for DTLS-SRTP, but a process may run for months; stay comfortably valid. */
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final String SUBJECT = "CN=relaycast";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final byte[] der;
    private final DtlsFingerprint fingerprint;
    private final AsymmetricKeyParameter bcPrivateKey;

    private DtlsCertificate(KeyPair keyPair, X509Certificate certificate) throws GeneralSecurityException {
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.der = certificate.getEncoded();
        this.fingerprint = DtlsFingerprint.of("sha-256", der);
        try {
            this.bcPrivateKey = PrivateKeyFactory.createKey(keyPair.getPrivate().getEncoded());
        } catch (IOException e) {
            throw new GeneralSecurityException("cannot convert the EC private key for BouncyCastle TLS", e);
        }
    }

    /** The certificate shared by all sessions of this process, generated on first use. */
    public static DtlsCertificate processWide() {
        return ProcessWide.INSTANCE;
    }

    /** A fresh key pair and certificate (tests, or a deliberate rotation). */
    public static DtlsCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            KeyPair keyPair = generator.generateKeyPair();
            Instant now = Instant.now();
            X500Name subject = new X500Name(SUBJECT);
            // RFC 5280 §4.1.2.2: a positive serial of at most 20 octets.
            BigInteger serial = new BigInteger(64, RANDOM).setBit(0);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), subject,
                    keyPair.getPublic());
            X509CertificateHolder holder = builder.build(
                    new JcaContentSignerBuilder("SHA256withECDSA").build(keyPair.getPrivate()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(holder);
            return new DtlsCertificate(keyPair, certificate);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot generate the DTLS certificate", e);
        }
    }

    /** SHA-256 fingerprint, for {@code a=fingerprint} in our SDP. */
    public DtlsFingerprint fingerprint() {
        return fingerprint;
    }

    /** The {@code a=fingerprint} attribute value, {@code sha-256 AB:CD:…} (RFC 8122 §5). */
    public String sdpFingerprint() {
        return fingerprint.toSdp();
    }

    public X509Certificate x509() {
        return certificate;
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** DER encoding of the certificate. */
    public byte[] encoded() {
        return der.clone();
    }

    /** The certificate as a one-entry chain for BouncyCastle TLS, bound to {@code crypto}. */
    Certificate toTlsCertificate(TlsCrypto crypto) throws IOException {
        TlsCertificate tlsCertificate = crypto.createCertificate(der);
        return new Certificate(new TlsCertificate[] {tlsCertificate});
    }

    AsymmetricKeyParameter bcPrivateKey() {
        return bcPrivateKey;
    }

    private static final class ProcessWide {
        static final DtlsCertificate INSTANCE = generate();
    }
}
