package io.relaycast.sfu.dtls;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import java.security.MessageDigest;
import java.util.List;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class DtlsFingerprintTest {
    private static final DtlsCertificate CERT = DtlsCertificate.generate();
    private static final DtlsCertificate OTHER = DtlsCertificate.generate();

    @Test
    public void sdpFormIsRfc8122() throws Exception {
        String sdp = CERT.sdpFingerprint();
        assertTrue(sdp.matches("sha-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}"), sdp);
        byte[] expected = MessageDigest.getInstance("SHA-256").digest(CERT.encoded());
        assertEquals(CERT.fingerprint().value(), expected);
    }

    @Test
    public void parseRoundTripsAndToleratesCaseAndSpacing() {
        DtlsFingerprint own = CERT.fingerprint();
        assertEquals(DtlsFingerprint.parse(own.toSdp()), own);
        assertEquals(DtlsFingerprint.parse("  " + own.toSdp().toLowerCase().replace("sha-256", "SHA-256") + " "), own);
        assertEquals(DtlsFingerprint.parse(own.toSdp().replace(" ", "\t  ")), own);
        assertEquals(DtlsFingerprint.parse(own.toSdp()).toSdp(), own.toSdp());
    }

    @Test
    public void matchesOnlyTheCertificateItWasTakenFrom() {
        DtlsFingerprint parsed = DtlsFingerprint.parse(CERT.sdpFingerprint());
        assertTrue(parsed.matches(CERT.encoded()));
        assertFalse(parsed.matches(OTHER.encoded()));
        DtlsFingerprint sha1 = DtlsFingerprint.of("sha-1", CERT.encoded());
        assertTrue(DtlsFingerprint.parse(sha1.toSdp()).matches(CERT.encoded()));
        assertEquals(sha1.hashFunction(), "sha-1");
    }

    @DataProvider
    public static Object[][] malformed() {
        String hex32 = CERT.sdpFingerprint().substring("sha-256 ".length());
        return new Object[][] {
            {""},
            {"sha-256"},
            {"md5 " + "AB:".repeat(15) + "AB"},               // RFC 8122 §5 forbids MD5
            {"sha-999 " + hex32},
            {"sha-256 " + hex32.substring(3)},               // 31 octets
            {"sha-256 " + hex32 + ":AB"},                   // 33 octets
            {"sha-256 " + hex32.replace(':', '-')},
            {"sha-256 " + "ZZ" + hex32.substring(2)},
            {"sha-1 " + hex32},
        };
    }

    @Test(dataProvider = "malformed")
    public void malformedValuesAreRejected(String value) {
        assertThrows(IllegalArgumentException.class, () -> DtlsFingerprint.parse(value));
    }

    @Test
    public void onlyTheStrongestOfferedHashIsChecked() {
        DtlsFingerprint weakRight = DtlsFingerprint.of("sha-1", CERT.encoded());
        DtlsFingerprint strongWrong = DtlsFingerprint.of("sha-512", OTHER.encoded());
        DtlsFingerprint strongRight = DtlsFingerprint.of("sha-512", CERT.encoded());
        assertEquals(DtlsFingerprint.strongest(List.of(weakRight, strongWrong)), List.of(strongWrong));
        assertEquals(DtlsFingerprint.strongest(List.of(strongRight, weakRight, strongWrong)),
                List.of(strongRight, strongWrong));
    }
}
