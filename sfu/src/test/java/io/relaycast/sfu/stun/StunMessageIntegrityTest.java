package io.relaycast.sfu.stun;

import static io.relaycast.sfu.stun.StunTestMessages.ascii;
import static io.relaycast.sfu.stun.StunTestMessages.hex;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.testng.annotations.Test;

public class StunMessageIntegrityTest {

    private final StunMessage message = new StunMessage();
    private final StunMessageIntegrity rfc5769 = StunMessageIntegrity.forPassword(StunTestMessages.PASSWORD);

    private boolean verify(StunMessageIntegrity integrity, byte[] datagram) {
        assertTrue(message.reset(datagram, 0, datagram.length), "must be well-formed: " + message.status());
        return integrity.verify(message);
    }

    @Test
    public void verifiesTheRfc5769ShortTermVectors() {
        assertTrue(verify(rfc5769, hex(StunTestMessages.RFC5769_REQUEST)));
        assertTrue(verify(rfc5769, hex(StunTestMessages.RFC5769_IPV4_RESPONSE)));
        assertTrue(verify(rfc5769, hex(StunTestMessages.RFC5769_IPV6_RESPONSE)));
    }

    @Test
    public void verifiesTheRfc5769LongTermVector() throws NoSuchAlgorithmException {
        // Section 2.4: key = MD5(username ":" realm ":" SASLprep(password)), and there is no FINGERPRINT.
        byte[] key = MessageDigest.getInstance("MD5")
                .digest("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9:example.org:TheMatrIX".getBytes(StandardCharsets.UTF_8));
        assertTrue(verify(new StunMessageIntegrity(key), hex(StunTestMessages.RFC5769_LONG_TERM_REQUEST)));
        assertFalse(verify(rfc5769, hex(StunTestMessages.RFC5769_LONG_TERM_REQUEST)));
    }

    @Test
    public void aWrongPasswordFails() {
        assertFalse(verify(StunMessageIntegrity.forPassword("VOkJxbRl1RmTxUk/WvJxBu"),
                hex(StunTestMessages.RFC5769_REQUEST)));
        assertFalse(verify(StunMessageIntegrity.forPassword("x"), hex(StunTestMessages.RFC5769_IPV4_RESPONSE)));
    }

    @Test
    public void anyChangeBeforeTheIntegrityAttributeFails() {
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        int integrityValue = vector.length - 8 - 20;
        for (int i = 0; i < integrityValue; i++) {
            if (i == 2 || i == 3 || (i >= 4 && i < 8)) {
                continue; // length and cookie changes are rejected before integrity is even checked
            }
            byte[] tampered = vector.clone();
            tampered[i] ^= 0x20;
            if (message.reset(tampered, 0, tampered.length)) {
                assertFalse(rfc5769.verify(message), "change at byte " + i + " went unnoticed");
            }
        }
    }

    @Test
    public void theFingerprintIsNotCoveredByIntegrity() {
        byte[] vector = hex(StunTestMessages.RFC5769_REQUEST);
        vector[vector.length - 1] ^= 0x01;
        assertTrue(verify(rfc5769, vector));
        assertFalse(message.verifyFingerprint());
    }

    @Test
    public void theHeaderLengthIsAdjustedOnlyWhenSomethingFollows() {
        byte[] key = ascii("secret");
        StunMessageIntegrity integrity = new StunMessageIntegrity(key);
        byte[] last = new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.USERNAME, ascii("local:remote"))
                .integrity(key).build();
        assertTrue(verify(integrity, last));
        byte[] withFingerprint = new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.USERNAME, ascii("local:remote"))
                .integrity(key).fingerprint().build();
        assertTrue(verify(integrity, withFingerprint));
        byte[] withIgnoredAttributes = new StunTestMessages.Builder(0x0101)
                .attribute(StunAttributeType.XOR_MAPPED_ADDRESS, hex("0001a147e112a643"))
                .integrity(key)
                .attribute(StunAttributeType.SOFTWARE, ascii("ignored after integrity"))
                .fingerprint().build();
        assertTrue(verify(integrity, withIgnoredAttributes));
    }

    @Test
    public void anHmacOverTheUnadjustedLengthFails() {
        // A peer that forgot section 15.4's adjustment hashes the header with the final length, FINGERPRINT
        // included. Such a message must not verify, or the honest ones would not.
        byte[] key = ascii("secret");
        byte[] naive = new StunTestMessages.Builder(0x0001)
                .attribute(StunAttributeType.USERNAME, ascii("local:remote"))
                .integrity(key, 8).fingerprint().build();
        assertTrue(message.reset(naive, 0, naive.length));
        assertTrue(message.verifyFingerprint(), "only the HMAC is wrong");
        assertFalse(new StunMessageIntegrity(key).verify(message));
    }

    @Test
    public void noIntegrityOrAnInvalidMessageNeverVerifies() {
        byte[] bare = new StunTestMessages.Builder(0x0001).fingerprint().build();
        assertFalse(verify(rfc5769, bare));
        assertFalse(message.reset(new byte[3], 0, 3));
        assertFalse(rfc5769.verify(message));
    }

    @Test
    public void oneVerifierServesManyMessages() {
        byte[] good = hex(StunTestMessages.RFC5769_REQUEST);
        byte[] bad = good.clone();
        bad[40] ^= 1;
        for (int i = 0; i < 50; i++) {
            assertTrue(verify(rfc5769, good));
            assertFalse(verify(rfc5769, bad));
        }
    }
}
