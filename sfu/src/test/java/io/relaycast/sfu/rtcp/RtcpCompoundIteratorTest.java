package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.concat;
import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import org.testng.annotations.Test;

public class RtcpCompoundIteratorTest {

    private final RtcpCompoundIterator iterator = new RtcpCompoundIterator();

    @Test
    public void walksEveryPacketOfACompound() {
        byte[] compound = concat(hex(RtcpTestBytes.SENDER_REPORT), hex(RtcpTestBytes.SDES_CNAME),
                hex(RtcpTestBytes.NACK), hex(RtcpTestBytes.BYE_WITH_REASON));
        assertTrue(iterator.reset(compound, 0, compound.length));

        assertTrue(iterator.next());
        assertEquals(iterator.packetType(), RtcpPacketType.SENDER_REPORT);
        assertEquals(iterator.packetOffset(), 0);
        assertEquals(iterator.packetLength(), 52);
        assertEquals(iterator.count(), 1);

        assertTrue(iterator.next());
        assertEquals(iterator.packetType(), RtcpPacketType.SOURCE_DESCRIPTION);
        assertEquals(iterator.packetOffset(), 52);
        assertEquals(iterator.packetLength(), 20);

        assertTrue(iterator.next());
        assertEquals(iterator.packetType(), RtcpPacketType.TRANSPORT_FEEDBACK);
        assertEquals(iterator.count(), GenericNack.FORMAT);
        assertEquals(iterator.packetOffset(), 72);

        assertTrue(iterator.next());
        assertEquals(iterator.packetType(), RtcpPacketType.BYE);
        assertEquals(iterator.packetOffset(), 88);

        assertFalse(iterator.next());
        assertFalse(iterator.isMalformed());
        assertTrue(RtcpCompoundIterator.isWellFramed(compound, 0, compound.length));
    }

    @Test
    public void respectsTheRegionOffset() {
        byte[] pli = hex(RtcpTestBytes.PLI);
        byte[] buf = new byte[pli.length + 8];
        System.arraycopy(pli, 0, buf, 5, pli.length);
        assertTrue(iterator.reset(buf, 5, pli.length));
        assertTrue(iterator.next());
        assertEquals(iterator.packetOffset(), 5);
        assertEquals(iterator.packetType(), RtcpPacketType.PAYLOAD_FEEDBACK);
        assertFalse(iterator.next());
        assertFalse(iterator.isMalformed());
    }

    @Test
    public void lengthPastTheEndStopsTheWalkAndMarksItMalformed() {
        byte[] bye = hex(RtcpTestBytes.BYE_WITH_REASON);
        byte[] compound = concat(hex(RtcpTestBytes.PLI), Arrays.copyOf(bye, bye.length - 4));
        assertTrue(iterator.reset(compound, 0, compound.length));
        assertTrue(iterator.next(), "the well-framed first packet is still handed out");
        assertEquals(iterator.packetType(), RtcpPacketType.PAYLOAD_FEEDBACK);
        assertFalse(iterator.next());
        assertTrue(iterator.isMalformed());
        assertEquals(iterator.packetOffset(), -1);
        assertFalse(iterator.next(), "stays stopped");
        assertFalse(RtcpCompoundIterator.isWellFramed(compound, 0, compound.length));
    }

    @Test
    public void lengthFieldFfffIsPastTheEnd() {
        byte[] packet = hex("80C9FFFF" + "00000001");
        assertTrue(iterator.reset(packet, 0, packet.length));
        assertFalse(iterator.next());
        assertTrue(iterator.isMalformed());
    }

    @Test
    public void trailingBytesShorterThanAHeaderAreMalformed() {
        byte[] compound = concat(hex(RtcpTestBytes.PLI), new byte[] {(byte) 0x80, (byte) 0xC9});
        assertTrue(iterator.reset(compound, 0, compound.length));
        assertTrue(iterator.next());
        assertFalse(iterator.next());
        assertTrue(iterator.isMalformed());
    }

    @Test
    public void wrongVersionIsMalformed() {
        byte[] packet = hex("40C90001" + "00000001");
        assertTrue(iterator.reset(packet, 0, packet.length));
        assertFalse(iterator.next());
        assertTrue(iterator.isMalformed());
        assertFalse(RtcpCompoundIterator.isWellFramed(packet, 0, packet.length));
    }

    @Test
    public void emptyRegionHasNoPacketsButIsNotWellFramed() {
        assertTrue(iterator.reset(new byte[4], 2, 0));
        assertFalse(iterator.next());
        assertFalse(iterator.isMalformed());
        assertFalse(RtcpCompoundIterator.isWellFramed(new byte[4], 2, 0));
    }

    @Test
    public void outOfBoundsRegionIsMalformed() {
        assertFalse(iterator.reset(new byte[8], 4, 8));
        assertTrue(iterator.isMalformed());
        assertFalse(iterator.next());
        assertFalse(iterator.reset(null, 0, 0));
        assertFalse(RtcpCompoundIterator.isWellFramed(new byte[8], -1, 4));
    }

    @Test
    public void reuseClearsTheMalformedFlag() {
        byte[] bad = hex("80C9FFFF");
        byte[] good = hex(RtcpTestBytes.PLI);
        iterator.reset(bad, 0, bad.length);
        iterator.next();
        assertTrue(iterator.isMalformed());
        assertTrue(iterator.reset(good, 0, good.length));
        assertFalse(iterator.isMalformed());
        assertTrue(iterator.next());
    }
}
