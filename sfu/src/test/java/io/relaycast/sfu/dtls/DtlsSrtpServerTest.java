package io.relaycast.sfu.dtls;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertThrows;

import io.relaycast.sfu.srtp.SrtpProfile;
import java.time.Duration;
import org.testng.annotations.Test;

public class DtlsSrtpServerTest {

    @Test
    public void profileChoiceFollowsOurPreferenceNotTheClientOrder() {
        assertEquals(DtlsSrtpPeer.chooseProfile(new int[] {0x0001, 0x0007}), SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertEquals(DtlsSrtpPeer.chooseProfile(new int[] {0x0007, 0x0001}), SrtpProfile.SRTP_AEAD_AES_128_GCM);
        assertEquals(DtlsSrtpPeer.chooseProfile(new int[] {0x0002, 0x0001}), SrtpProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        assertNull(DtlsSrtpPeer.chooseProfile(new int[] {0x0002, 0x0008}));
        assertNull(DtlsSrtpPeer.chooseProfile(new int[0]));
        assertNull(DtlsSrtpPeer.chooseProfile(null));
    }

    @Test
    public void configRejectsNonsense() {
        assertEquals(DtlsConfig.defaults().mtu(), 1200);
        assertThrows(IllegalArgumentException.class, () -> DtlsConfig.defaults().withMtu(100));
        assertThrows(IllegalArgumentException.class, () -> DtlsConfig.defaults().withHandshakeTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new DtlsConfig(1200, 0, Duration.ofSeconds(1)));
    }
}
