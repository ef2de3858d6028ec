package io.relaycast.sfu.rtp;

import static io.relaycast.sfu.rtp.RtpTestPackets.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class RtpExtensionIteratorTest {

    private final RtpHeaderReader reader = new RtpHeaderReader();
    private final RtpExtensionIterator elements = new RtpExtensionIterator();

    @Test
    public void visitsOneByteElementsInOrderSkippingPadding() {
        byte[] packet = hex(RtpTestPackets.ONE_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        elements.reset(reader);
        assertTrue(elements.next());
        assertEquals(elements.id(), 1);
        assertEquals(elements.dataOffset(), 17);
        assertEquals(elements.dataLength(), 1);
        assertTrue(elements.next());
        assertEquals(elements.id(), 3);
        assertEquals(elements.dataOffset(), 20);
        assertEquals(elements.dataLength(), 2);
        assertFalse(elements.next());
        assertFalse(elements.isMalformed());
    }

    @Test
    public void visitsTwoByteElements() {
        byte[] packet = hex(RtpTestPackets.TWO_BYTE_EXTENSION);
        assertTrue(reader.reset(packet, 0, packet.length));
        elements.reset(reader);
        assertTrue(elements.next());
        assertEquals(elements.id(), 1);
        assertEquals(elements.dataLength(), 0);
        assertTrue(elements.next());
        assertEquals(elements.id(), 5);
        assertEquals(elements.dataLength(), 3);
        assertFalse(elements.next());
        assertFalse(elements.isMalformed());
    }

    @Test
    public void sixteenByteOneByteElementFillsItsBlock() {
        // Length nibble 15 means 16 bytes of data: 1 + 16 = 17 bytes, padded to 20.
        byte[] block = hex("4F" + "000102030405060708090A0B0C0D0E0F" + "000000");
        elements.reset(block, 0, block.length, RtpExtensionForm.ONE_BYTE);
        assertTrue(elements.next());
        assertEquals(elements.id(), 4);
        assertEquals(elements.dataLength(), 16);
        assertEquals(block[elements.dataOffset() + 15], 0x0F);
        assertFalse(elements.next());
        assertFalse(elements.isMalformed());
    }

    @Test
    public void reportsAnElementRunningPastTheBlock() {
        byte[] block = hex("10AA2F00");
        elements.reset(block, 0, block.length, RtpExtensionForm.ONE_BYTE);
        assertTrue(elements.next());
        assertFalse(elements.next());
        assertTrue(elements.isMalformed());
        assertFalse(elements.next(), "stays finished");
    }

    @Test
    public void opaqueBlocksHaveNoElements() {
        byte[] block = hex("10AA0000");
        elements.reset(block, 0, block.length, RtpExtensionForm.OPAQUE);
        assertFalse(elements.next());
        assertFalse(elements.isMalformed());
    }
}
