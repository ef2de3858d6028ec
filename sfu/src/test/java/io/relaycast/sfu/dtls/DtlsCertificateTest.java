package io.relaycast.sfu.dtls;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertSame;

import java.security.interfaces.ECPublicKey;
import java.security.cert.X509Certificate;
import org.testng.annotations.Test;

public class DtlsCertificateTest {

    @Test
    public void isASelfSignedEcdsaP256Certificate() throws Exception {
        DtlsCertificate cert = DtlsCertificate.generate();
        X509Certificate x509 = cert.x509();
        ECPublicKey key = (ECPublicKey) x509.getPublicKey();
        assertEquals(key.getParams().getCurve().getField().getFieldSize(), 256);
        assertEquals(x509.getSigAlgName(), "SHA256withECDSA");
        assertEquals(x509.getSubjectX500Principal(), x509.getIssuerX500Principal());
        x509.verify(key); // self-signed: its own key verifies it
        x509.checkValidity();
        assertEquals(cert.encoded(), x509.getEncoded());
        assertEquals(cert.keyPair().getPublic(), key);
    }

    @Test
    public void processWideCertificateIsGeneratedOnce() {
        assertSame(DtlsCertificate.processWide(), DtlsCertificate.processWide());
        assertNotEquals(DtlsCertificate.generate().fingerprint(), DtlsCertificate.generate().fingerprint());
    }
}
