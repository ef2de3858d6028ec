package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class FullIntraRequestTest {

    private final FullIntraRequest fir = new FullIntraRequest();

    @Test
    public void readsAndWritesTheKnownPacket() {
        byte[] packet = hex(RtcpTestBytes.FIR);
        assertTrue(fir.reset(packet, 0, packet.length));
        assertEquals(fir.senderSsrc(), 1L);
        assertEquals(fir.mediaSsrc(), 0L, "unused in FIR and set to zero");
        assertEquals(fir.entryCount(), 1);
        assertEquals(fir.entrySsrc(0), 0x0A0B0C0DL);
        assertEquals(fir.entrySequenceNumber(0), 7);
        byte[] out = new byte[20];
        assertEquals(FullIntraRequest.write(out, 0, 1, 0x0A0B0C0D, 7), 20);
        assertEquals(out, packet);
    }

    @Test
    public void sequenceNumberIsEightBits() {
        byte[] out = new byte[20];
        FullIntraRequest.write(out, 0, 1, 2, 256 + 5);
        assertTrue(fir.reset(out, 0, out.length));
        assertEquals(fir.entrySequenceNumber(0), 5);
        FullIntraRequest.write(out, 0, 1, 2, 255);
        assertTrue(fir.reset(out, 0, out.length));
        assertEquals(fir.entrySequenceNumber(0), 255);
    }

    @Test
    public void readsSeveralEntries() {
        byte[] packet = hex("84CE0006" + "00000001" + "00000000" + "0000000A" + "01000000" + "0000000B" + "02000000");
        assertTrue(fir.reset(packet, 0, packet.length));
        assertEquals(fir.entryCount(), 2);
        assertEquals(fir.entrySsrc(1), 0xBL);
        assertEquals(fir.entrySequenceNumber(1), 2);
    }

    @Test
    public void rejectsMissingEntriesAndOtherFormats() {
        byte[] noEntry = hex("84CE0002" + "00000001" + "00000000");
        assertFalse(fir.reset(noEntry, 0, noEntry.length));
        byte[] pli = hex(RtcpTestBytes.PLI);
        assertFalse(fir.reset(pli, 0, pli.length));
        assertEquals(FullIntraRequest.write(new byte[19], 0, 1, 2, 3), -1);
    }

    @Test
    public void rewritesAnEntryInPlaceForForwarding() {
        byte[] packet = hex(RtcpTestBytes.FIR);
        assertTrue(fir.reset(packet, 0, packet.length));
        fir.setEntrySsrc(0, 0xCAFE_BABEL);
        fir.setEntrySequenceNumber(0, 200);
        assertEquals(packet, hex("84CE0004" + "00000001" + "00000000" + "CAFEBABE" + "C8000000"));
    }
}
