package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class TransportCcFeedbackTest {

    private final TransportCcFeedback feedback = new TransportCcFeedback();

    @Test
    public void readsTheHeaderFields() {
        byte[] packet = hex(RtcpTestBytes.TRANSPORT_CC);
        assertTrue(feedback.reset(packet, 0, packet.length));
        assertEquals(feedback.senderSsrc(), 1L);
        assertEquals(feedback.mediaSsrc(), 2L);
        assertEquals(feedback.baseSequenceNumber(), 10);
        assertEquals(feedback.packetStatusCount(), 5);
        assertEquals(feedback.referenceTime(), -2, "reference time is signed");
        assertEquals(feedback.referenceTimeMillis(), -128L);
        assertEquals(feedback.feedbackPacketCount(), 7);
        assertEquals(feedback.packetChunksOffset(), 20);
        assertEquals(feedback.packetChunksLength(), 4);
    }

    @Test
    public void readsLargePositiveReferenceTimes() {
        byte[] packet = hex("8FCD0004" + "00000001" + "00000002" + "FFFF0000" + "7FFFFFFF");
        assertTrue(feedback.reset(packet, 0, packet.length));
        assertEquals(feedback.baseSequenceNumber(), 65535);
        assertEquals(feedback.packetStatusCount(), 0);
        assertEquals(feedback.referenceTime(), 0x7FFFFF);
        assertEquals(feedback.feedbackPacketCount(), 255);
        assertEquals(feedback.packetChunksLength(), 0);
    }

    @Test
    public void rejectsShortPacketsAndOtherFormats() {
        byte[] packet = hex(RtcpTestBytes.TRANSPORT_CC);
        assertFalse(feedback.reset(packet, 0, 23), "length past the end");
        byte[] shortFci = hex("8FCD0003" + "00000001" + "00000002" + "000A0005");
        assertFalse(feedback.reset(shortFci, 0, shortFci.length));
        byte[] nack = hex(RtcpTestBytes.NACK);
        assertFalse(feedback.reset(nack, 0, nack.length));
        byte[] remb = hex(RtcpTestBytes.REMB);
        assertFalse(feedback.reset(remb, 0, remb.length));
    }
}
