package io.relaycast.sfu.srtp;

import static io.relaycast.sfu.srtp.Hex.bytes;
import static io.relaycast.sfu.srtp.Hex.hex;
import static org.testng.Assert.assertEquals;

import java.util.Arrays;
import javax.crypto.Cipher;
import org.jitsi.srtp.crypto.Aes;
import org.jitsi.srtp.crypto.SrtpCipherCtr;
import org.testng.annotations.Test;

/** AES-CM / HMAC-SHA1-80 against RFC 3711 Appendix B and libSRTP's reference packets. */
public class SrtpRfc3711VectorsTest {
    // RFC 3711 B.2: AES-CM keystream for session key/salt below, IV counter blocks 0000..0002 and FEFF..FF01.
    private static final byte[] B2_KEY = bytes("2B7E151628AED2A6ABF7158809CF4F3C");
    private static final byte[] B2_SALT = bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD");
    private static final String B2_KEYSTREAM_0000 = """
            E03EAD0935C95E80E166B16DD92B4EB4
            D23513162B02D0F72A43A2FE4A5F97AB
            41E95B3BB0A2E8DD477901E4FCA894C0""";
    private static final String B2_KEYSTREAM_FEFF = """
            EC8CDF7398607CB0F2D21675EA9EA1E4
            362B7C3C6773516318A077D7FC5073AE
            6A2CC3787889374FBEB4C81B17BA6C44""";

    // RFC 3711 B.3: key derivation, label 0x00/0x01/0x02, index 0, kdr 0.
    private static final byte[] B3_MASTER_KEY = bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static final byte[] B3_MASTER_SALT = bytes("0EC675AD498AFEEBB6960B3AABE6");
    private static final byte[] B3_CIPHER_KEY = bytes("C61E7A93744F39EE10734AFE3FF7A087");
    private static final byte[] B3_CIPHER_SALT = bytes("30CBBC08863D8C85D49DB34A9AE1");
    private static final byte[] B3_AUTH_KEY = bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4");

    // libSRTP srtp_validate(): default policy (AES_CM_128_HMAC_SHA1_80) keyed with the B.3 master key/salt,
    // SSRC 0xcafebabe, ROC 0, SEQ 0x1234; SRTCP index 1.
    private static final String RTP_PLAIN = "800f1234decafbadcafebabe" + "ab".repeat(16);
    private static final String SRTP_EXPECTED = "800f1234decafbadcafebabe"
            + "4e55dc4ce79978d88ca4d215949d2402" + "b78d6acc99ea179b8dbb";
    private static final String RTCP_PLAIN = "81c8000bcafebabe" + "ab".repeat(16);
    private static final String SRTCP_EXPECTED = "81c8000bcafebabe"
            + "7128035be487b9bdbef89041f977a5a8" + "80000001" + "993e08cd54d6c1230798";

    private static final SrtpProfile CM = SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80;

    @Test
    public void b2KeystreamFromCounterZeroThroughSrtpSession() {
        // SSRC 0, ROC 0, SEQ 0 make the RFC 3711 §4.1.1 IV equal to the B.2 IV F0F1..FD0000, so encrypting
        // zeros yields the keystream itself.
        SrtpSession session = SessionKeyedContextSource.session(CM, B2_KEY, B2_SALT, new byte[20]);
        byte[] packet = zeroPayloadRtp(48, 64);
        int len = session.protectRtp(packet, 0, 60);
        assertEquals(len, 70);
        assertEquals(hex(packet, 12, 48), hex(bytes(B2_KEYSTREAM_0000), 0, 48));
    }

    @Test
    public void b2KeystreamAtCounterFeffThroughSrtpSession() {
        int blocks = 0xFF02;
        int payload = blocks * 16;
        SrtpSession session = SessionKeyedContextSource.session(CM, B2_KEY, B2_SALT, new byte[20]);
        byte[] packet = zeroPayloadRtp(payload, payload + 12 + 10);
        int len = session.protectRtp(packet, 0, 12 + payload);
        assertEquals(len, 12 + payload + 10);
        assertEquals(hex(packet, 12 + 0xFEFF * 16, 48), hex(bytes(B2_KEYSTREAM_FEFF), 0, 48));
    }

    @Test
    public void b2KeystreamWithJceCipher() throws Exception {
        assertB2Keystream(new Aes.SunJCECipherFactory().createCipher("AES/CTR/NoPadding"));
    }

    @Test
    public void b2KeystreamWithOpenSslCipherWhenAvailable() throws Exception {
        if (SrtpCryptoSetup.openSslAvailable()) {
            assertB2Keystream(new Aes.OpenSSLCipherFactory().createCipher("AES/CTR/NoPadding"));
        } else {
            assertEquals(SrtpCryptoSetup.resolve(SrtpCryptoBackend.AUTO, false), SrtpCryptoBackend.JCE);
        }
    }

    @Test
    public void b3KeyDerivationMatchesPublishedSessionKeys() {
        // A session built from the B.3 master key must transform a packet exactly like one keyed with the
        // B.3 session keys: encryption key, salt and auth key all enter the output.
        SrtpSession derived = new SrtpSession(masterKeys(B3_MASTER_KEY, B3_MASTER_SALT), SrtpRole.SERVER);
        SrtpSession published = SessionKeyedContextSource.session(CM, B3_CIPHER_KEY, B3_CIPHER_SALT, B3_AUTH_KEY);
        byte[] a = Arrays.copyOf(bytes(RTP_PLAIN), 64);
        byte[] b = Arrays.copyOf(bytes(RTP_PLAIN), 64);
        int lenA = derived.protectRtp(a, 0, 28);
        int lenB = published.protectRtp(b, 0, 28);
        assertEquals(lenA, 38);
        assertEquals(hex(a, 0, lenA), hex(b, 0, lenB));
    }

    @Test
    public void fullSrtpProtectMatchesLibsrtpReference() {
        SrtpSession session = new SrtpSession(masterKeys(B3_MASTER_KEY, B3_MASTER_SALT), SrtpRole.SERVER);
        byte[] buf = Arrays.copyOf(bytes(RTP_PLAIN), 64);
        int len = session.protectRtp(buf, 0, 28);
        assertEquals(hex(buf, 0, len), SRTP_EXPECTED);
    }

    @Test
    public void fullSrtpUnprotectOfLibsrtpReference() {
        SrtpSession session = new SrtpSession(masterKeys(B3_MASTER_KEY, B3_MASTER_SALT), SrtpRole.CLIENT);
        byte[] buf = bytes(SRTP_EXPECTED);
        int len = session.unprotectRtp(buf, 0, buf.length);
        assertEquals(hex(buf, 0, len), RTP_PLAIN);
    }

    @Test
    public void fullSrtcpProtectMatchesLibsrtpReference() {
        SrtpSession session = new SrtpSession(masterKeys(B3_MASTER_KEY, B3_MASTER_SALT), SrtpRole.SERVER);
        // libSRTP's first SRTCP index is 1, jitsi-srtp's is 0: spend index 0 first.
        byte[] warmUp = Arrays.copyOf(bytes(RTCP_PLAIN), 64);
        assertEquals(session.protectRtcp(warmUp, 0, 24), 38);
        byte[] buf = Arrays.copyOf(bytes(RTCP_PLAIN), 64);
        int len = session.protectRtcp(buf, 0, 24);
        assertEquals(hex(buf, 0, len), SRTCP_EXPECTED);
    }

    @Test
    public void fullSrtcpUnprotectOfLibsrtpReference() {
        SrtpSession session = new SrtpSession(masterKeys(B3_MASTER_KEY, B3_MASTER_SALT), SrtpRole.CLIENT);
        byte[] buf = bytes(SRTCP_EXPECTED);
        int len = session.unprotectRtcp(buf, 0, buf.length);
        assertEquals(hex(buf, 0, len), RTCP_PLAIN);
    }

    private static void assertB2Keystream(Cipher aesCtr) throws Exception {
        SrtpCipherCtr ctr = new SrtpCipherCtr(aesCtr);
        ctr.init(B2_KEY, null);
        byte[] data = new byte[48];
        ctr.setIV(bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000"), Cipher.ENCRYPT_MODE);
        ctr.process(data, 0, data.length);
        assertEquals(hex(data, 0, 48), hex(bytes(B2_KEYSTREAM_0000), 0, 48));
        Arrays.fill(data, (byte) 0);
        ctr.setIV(bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF"), Cipher.ENCRYPT_MODE);
        ctr.process(data, 0, data.length);
        assertEquals(hex(data, 0, 48), hex(bytes(B2_KEYSTREAM_FEFF), 0, 48));
    }

    /** Both directions keyed alike, so the same material protects as SERVER and unprotects as CLIENT. */
    private static SrtpKeyingMaterial masterKeys(byte[] key, byte[] salt) {
        return new SrtpKeyingMaterial(CM, key, salt, key, salt);
    }

    private static byte[] zeroPayloadRtp(int payloadLength, int capacity) {
        byte[] packet = new byte[Math.max(capacity, 12 + payloadLength + 10)];
        packet[0] = (byte) 0x80; // V=2, no padding/extension/CSRC; PT 0, SEQ 0, TS 0, SSRC 0
        return packet;
    }
}
