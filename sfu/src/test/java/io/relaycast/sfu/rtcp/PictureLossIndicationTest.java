package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class PictureLossIndicationTest {

    private final PictureLossIndication pli = new PictureLossIndication();

    @Test
    public void readsAndWritesTheKnownPacket() {
        byte[] packet = hex(RtcpTestBytes.PLI);
        assertTrue(pli.reset(packet, 0, packet.length));
        assertEquals(pli.senderSsrc(), 1L);
        assertEquals(pli.mediaSsrc(), 2L);
        assertEquals(pli.fciLength(), 0);
        byte[] out = new byte[12];
        assertEquals(PictureLossIndication.write(out, 0, 1, 2), 12);
        assertEquals(out, packet);
    }

    @Test
    public void rejectsOtherFeedbackAndShortPackets() {
        byte[] fir = hex(RtcpTestBytes.FIR);
        assertFalse(pli.reset(fir, 0, fir.length));
        byte[] nack = hex(RtcpTestBytes.NACK);
        assertFalse(pli.reset(nack, 0, nack.length));
        byte[] shortPli = hex("81CE0001" + "00000001");
        assertFalse(pli.reset(shortPli, 0, shortPli.length));
        assertEquals(PictureLossIndication.write(new byte[11], 0, 1, 2), -1);
    }

    @Test
    public void rewritesBothSsrcsInPlaceForForwarding() {
        byte[] packet = hex(RtcpTestBytes.PLI);
        assertTrue(pli.reset(packet, 0, packet.length));
        pli.setSenderSsrc(0xAAAA_0001L);
        pli.setMediaSsrc(0xBBBB_0002L);
        assertEquals(packet, hex("81CE0002" + "AAAA0001" + "BBBB0002"));
        assertTrue(pli.reset(packet, 0, packet.length));
        assertEquals(pli.mediaSsrc(), 0xBBBB_0002L);
    }
}
