package io.relaycast.sfu.relay;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.srtp.SrtpKeyingMaterial;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import io.relaycast.sfu.srtp.SrtpStatus;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.testng.annotations.Test;

/** Both nodes derive the same relay keys; anything else (secret, nonce, relay, stream) gives keys that fail. */
public class RelayKeysTest {
    private static final byte[] SECRET = "the cluster's shared secret, 32+ bytes long".getBytes(StandardCharsets.UTF_8);

    @Test
    public void theOriginProtectsWhatTheEdgeUnprotectsAndNobodyElse() {
        byte[] edgeNonce = RelayKeys.nonce();
        byte[] originNonce = RelayKeys.nonce();
        SrtpKeyingMaterial origin = RelayKeys.derive(SECRET, "r1", "s1", edgeNonce, originNonce);
        SrtpKeyingMaterial edge = RelayKeys.derive(SECRET, "r1", "s1", edgeNonce, originNonce);
        assertEquals(origin, edge);
        assertNotEquals(RelayKeys.derive(SECRET, "r1", "s1", RelayKeys.nonce(), originNonce), origin, "edge nonce");
        assertNotEquals(RelayKeys.derive(SECRET, "r1", "s1", edgeNonce, RelayKeys.nonce()), origin, "origin nonce");
        assertNotEquals(RelayKeys.derive(SECRET, "r2", "s1", edgeNonce, originNonce), origin, "relay id");
        assertNotEquals(RelayKeys.derive(SECRET, "r1", "s2", edgeNonce, originNonce), origin, "stream");
        byte[] other = "another secret of more than 32 bytes".getBytes(StandardCharsets.UTF_8);
        SrtpKeyingMaterial outsider = RelayKeys.derive(other, "r1", "s1", edgeNonce, originNonce);
        assertNotEquals(outsider, origin, "secret");

        byte[] packet = new byte[12 + 100 + 64];
        packet[0] = (byte) 0x80;
        packet[1] = 96;
        BigEndian.put16(packet, 2, 7);
        BigEndian.put32(packet, 8, 1234);
        Arrays.fill(packet, 12, 112, (byte) 0x5A);
        byte[] forOutsider = packet.clone();
        int n = new SrtpSession(origin, SrtpRole.SERVER).protectRtp(packet, 0, 112);
        assertTrue(n > 112, "protected with a tag");
        System.arraycopy(packet, 0, forOutsider, 0, n);
        assertEquals(new SrtpSession(edge, SrtpRole.CLIENT).unprotectRtp(packet, 0, n), 112);
        assertEquals(packet[50], (byte) 0x5A, "decrypted");
        int refused = new SrtpSession(outsider, SrtpRole.CLIENT).unprotectRtp(forOutsider, 0, n);
        assertTrue(refused < 0, "another secret cannot read the relay: " + SrtpStatus.of(refused));
    }
}
