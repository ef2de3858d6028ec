package io.relaycast.sfu.sdp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import org.testng.annotations.Test;

public class FingerprintTest {

    private static final String SHA256 =
            "D6:04:9A:CE:5B:8A:98:2E:54:0F:3E:E7:18:26:B4:44:76:F2:A3:48:26:FD:96:35:CF:E4:AC:FA:26:FE:F3:B9";

    @Test
    public void readsAndComparesIgnoringCase() throws SdpException {
        Fingerprint upper = Fingerprint.parse("sha-256 " + SHA256);
        Fingerprint lower = Fingerprint.parse("SHA-256 " + SHA256.toLowerCase());
        assertTrue(upper.sameAs(lower));
        assertFalse(upper.equals(lower), "the text is kept as written for round trips");
        assertEquals(upper.toAttributeValue(), "sha-256 " + SHA256);
    }

    @Test
    public void checksLengthForKnownHashes() {
        SdpException e = expectThrows(SdpException.class, () -> Fingerprint.parse("sha-1 " + SHA256));
        assertTrue(e.getMessage().contains("20 bytes"), e.getMessage());
        expectThrows(SdpException.class, () -> Fingerprint.parse("sha-256 D6:04:9A:C"));
        expectThrows(SdpException.class, () -> Fingerprint.parse("sha-256 D6-04"));
        expectThrows(SdpException.class, () -> Fingerprint.parse("sha-256"));
        expectThrows(SdpException.class, () -> Fingerprint.parse("sha-256 " + SHA256.replace('D', 'G')));
    }

    @Test
    public void ourFingerprintMustBeValidSha256() {
        assertEquals(Fingerprint.sha256(SHA256).algorithm(), "sha-256");
        expectThrows(IllegalArgumentException.class, () -> Fingerprint.sha256("AB:CD"));
        Fingerprint sha1 = new Fingerprint("sha-1", "AB");
        expectThrows(IllegalArgumentException.class, () -> new LocalTransport("abcd", "0123456789012345678901", sha1,
                java.util.List.of()));
    }
}
