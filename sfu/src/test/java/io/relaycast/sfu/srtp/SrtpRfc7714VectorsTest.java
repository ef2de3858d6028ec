package io.relaycast.sfu.srtp;

import static io.relaycast.sfu.srtp.Hex.bytes;
import static io.relaycast.sfu.srtp.Hex.hex;
import static org.testng.Assert.assertEquals;

import java.util.Arrays;
import org.testng.annotations.Test;

/**
 * AEAD_AES_128_GCM against the RFC 7714 vectors: §16.1 (SRTP) and §17.1 / §17.3 (SRTCP), all with
 * K_e = 000102…0f and K_s = "Quid pro quo".
 */
public class SrtpRfc7714VectorsTest {
    private static final SrtpProfile GCM = SrtpProfile.SRTP_AEAD_AES_128_GCM;
    private static final byte[] KEY = bytes("000102030405060708090a0b0c0d0e0f");
    private static final byte[] SALT = bytes("517569642070726f2071756f");

    // §16.1: SSRC 0x5501a0b2, SEQ 0xf17b, ROC 0; payload "Gallia est omnis divisa in partes tres".
    private static final String RTP_PLAIN = """
            8040f17b8041f8d35501a0b247616c6c
            696120657374206f6d6e697320646976
            69736120696e20706172746573207472
            6573""";
    private static final String SRTP_PROTECTED = """
            8040f17b8041f8d35501a0b2f24de3a3
            fb34de6cacba861c9d7e4bcabe633bd5
            0d294e6f42a5f47a51c7d19b36de3adf
            8833899d7f27beb16a9152cf765ee439
            0cce""";

    // §17: sender report from SSRC "Mars", SRTCP index 0x000005d4.
    private static final String RTCP_PLAIN = """
            81c8000d4d6172734e5450314e545032
            525450200000042a0000e9304c756e61
            deadbeefdeadbeefdeadbeefdeadbeef
            deadbeef""";
    // §17.1: encrypted (E=1): header | ciphertext | tag | E+index.
    private static final String SRTCP_PROTECTED = """
            81c8000d4d61727363e94885dcdab67c
            a727d7662f6b7e997ff5c0f76c06f32d
            c676a5f1730d6fda4ce09b4686303ded
            0bb9275bc84aa45896cf4d2fc5abf872
            45d9eade800005d4""";
    // §17.3: authenticated only (E=0): header | plaintext | tag | index.
    private static final String SRTCP_AUTH_ONLY = RTCP_PLAIN + "841dd9683dd78ec92ae58790125f62b3" + "000005d4";
    private static final int SRTCP_INDEX = 0x5d4;

    @Test
    public void srtpEncryptionSection16() {
        SrtpSession session = SessionKeyedContextSource.session(GCM, KEY, SALT, null);
        int plainLength = bytes(RTP_PLAIN).length;
        byte[] buf = new byte[3 + plainLength + 16 + 5];
        System.arraycopy(bytes(RTP_PLAIN), 0, buf, 3, plainLength);
        int len = session.protectRtp(buf, 3, plainLength);
        assertEquals(hex(buf, 3, len), hex(bytes(SRTP_PROTECTED), 0, bytes(SRTP_PROTECTED).length));
    }

    @Test
    public void srtpDecryptionSection16() {
        SrtpSession session = SessionKeyedContextSource.session(GCM, KEY, SALT, null);
        byte[] buf = bytes(SRTP_PROTECTED);
        int len = session.unprotectRtp(buf, 0, buf.length);
        assertEquals(hex(buf, 0, len), hex(bytes(RTP_PLAIN), 0, bytes(RTP_PLAIN).length));
    }

    @Test
    public void srtpTamperedVectorFailsAuthentication() {
        SrtpSession session = SessionKeyedContextSource.session(GCM, KEY, SALT, null);
        byte[] buf = bytes(SRTP_PROTECTED);
        buf[20] ^= 0x01;
        assertEquals(SrtpStatus.of(session.unprotectRtp(buf, 0, buf.length)), SrtpStatus.AUTH_FAIL);
    }

    @Test
    public void srtcpEncryptionSection17() {
        SrtpSession session = SessionKeyedContextSource.session(GCM, KEY, SALT, null);
        byte[] plain = bytes(RTCP_PLAIN);
        byte[] buf = new byte[plain.length + 20];
        // jitsi-srtp numbers SRTCP packets from 0; spend indices 0..0x5d3 to reach the vector's index.
        for (int i = 0; i < SRTCP_INDEX; i++) {
            System.arraycopy(plain, 0, buf, 0, plain.length);
            assertEquals(session.protectRtcp(buf, 0, plain.length), plain.length + 20);
        }
        System.arraycopy(plain, 0, buf, 0, plain.length);
        int len = session.protectRtcp(buf, 0, plain.length);
        assertEquals(hex(buf, 0, len), hex(bytes(SRTCP_PROTECTED), 0, bytes(SRTCP_PROTECTED).length));
    }

    @Test
    public void srtcpDecryptionSection17() {
        SrtpSession session = SessionKeyedContextSource.session(GCM, KEY, SALT, null);
        byte[] buf = bytes(SRTCP_PROTECTED);
        int len = session.unprotectRtcp(buf, 0, buf.length);
        assertEquals(hex(buf, 0, len), hex(bytes(RTCP_PLAIN), 0, bytes(RTCP_PLAIN).length));
    }

    @Test
    public void srtcpAuthenticationOnlySection17_3IsRefusedNotMisreported() {
        // jitsi-srtp 1.1 cannot verify E=0 SRTCP under GCM (see SrtpSession.unprotectRtcp); the session must
        // say so with INVALID_PACKET rather than throw or claim the genuine vector is forged.
        SrtpSession session = SessionKeyedContextSource.session(GCM, KEY, SALT, null);
        byte[] buf = bytes(SRTCP_AUTH_ONLY);
        assertEquals(SrtpStatus.of(session.unprotectRtcp(buf, 0, buf.length)), SrtpStatus.INVALID_PACKET);
    }

    @Test
    public void srtcpTamperedVectorFailsAuthentication() {
        SrtpSession session = SessionKeyedContextSource.session(GCM, KEY, SALT, null);
        byte[] buf = bytes(SRTCP_PROTECTED);
        byte[] tampered = Arrays.copyOf(buf, buf.length);
        tampered[12] ^= (byte) 0x80;
        assertEquals(SrtpStatus.of(session.unprotectRtcp(tampered, 0, tampered.length)), SrtpStatus.AUTH_FAIL);
        // The failed packet must not have advanced the replay window: the genuine one still passes.
        assertEquals(session.unprotectRtcp(buf, 0, buf.length), bytes(RTCP_PLAIN).length);
    }
}
