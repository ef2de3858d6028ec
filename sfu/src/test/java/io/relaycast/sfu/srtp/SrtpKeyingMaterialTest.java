package io.relaycast.sfu.srtp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.testng.annotations.Test;

public class SrtpKeyingMaterialTest {

    @Test
    public void exporterOutputIsSplitInRfc5764Order() {
        for (SrtpProfile profile : SrtpProfile.values()) {
            int k = profile.masterKeyLength();
            int s = profile.masterSaltLength();
            byte[] exported = new byte[profile.keyingMaterialLength()];
            for (int i = 0; i < exported.length; i++) {
                exported[i] = (byte) i;
            }
            SrtpKeyingMaterial m = SrtpKeyingMaterial.fromDtlsExport(profile, exported);
            // client key | server key | client salt | server salt (RFC 5764 §4.2)
            assertEquals(m.clientKey(), Arrays.copyOfRange(exported, 0, k), profile.name());
            assertEquals(m.serverKey(), Arrays.copyOfRange(exported, k, 2 * k), profile.name());
            assertEquals(m.clientSalt(), Arrays.copyOfRange(exported, 2 * k, 2 * k + s), profile.name());
            assertEquals(m.serverSalt(), Arrays.copyOfRange(exported, 2 * k + s, 2 * k + 2 * s), profile.name());
            assertEquals(m.localKey(SrtpRole.SERVER), m.serverKey());
            assertEquals(m.remoteKey(SrtpRole.SERVER), m.clientKey());
            assertEquals(m.localSalt(SrtpRole.CLIENT), m.clientSalt());
            assertEquals(m.remoteSalt(SrtpRole.CLIENT), m.serverSalt());
        }
    }

    @Test
    public void profileLengthsFollowTheRfcs() {
        assertEquals(SrtpProfile.SRTP_AEAD_AES_128_GCM.keyingMaterialLength(), 56);
        assertEquals(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.keyingMaterialLength(), 60);
        assertEquals(SrtpProfile.SRTP_AEAD_AES_128_GCM.rtcpOverhead(), 20);
        assertEquals(SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80.rtcpOverhead(), 14);
        assertEquals(SrtpProfile.fromId(0x0007), SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertEquals(SrtpProfile.fromId(0x0001), SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        assertEquals(SrtpProfile.fromId(0x0002), null);
    }

    @Test
    public void wrongLengthsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> SrtpKeyingMaterial.fromDtlsExport(SrtpProfile.SRTP_AEAD_AES_128_GCM, new byte[60]));
        assertThrows(IllegalArgumentException.class, () -> new SrtpKeyingMaterial(
                SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80, new byte[16], new byte[12], new byte[16], new byte[14]));
    }

    @Test
    public void keysAreCopiedComparedAndNeverPrinted() {
        byte[] exported = new byte[56];
        Arrays.fill(exported, (byte) 0xAB);
        SrtpKeyingMaterial a = SrtpKeyingMaterial.fromDtlsExport(SrtpProfile.SRTP_AEAD_AES_128_GCM, exported);
        SrtpKeyingMaterial b = SrtpKeyingMaterial.fromDtlsExport(SrtpProfile.SRTP_AEAD_AES_128_GCM, exported);
        assertEquals(a, b);
        a.clientKey()[0] = 0;
        assertEquals(a, b, "accessors return copies");
        exported[0] = 0;
        assertNotEquals(SrtpKeyingMaterial.fromDtlsExport(SrtpProfile.SRTP_AEAD_AES_128_GCM, exported), b);
        assertFalse(a.toString().toLowerCase().contains("abab"), a.toString());
        assertFalse(a.toString().contains(HexFormat.of().formatHex(a.clientKey())));
    }
}
