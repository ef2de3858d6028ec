package io.relaycast.sfu.rtp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class SerialNumbersTest {

    @Test
    public void sequenceDifferenceWrapsAt16Bits() {
        assertEquals(SerialNumbers.seqDiff(5, 3), 2);
        assertEquals(SerialNumbers.seqDiff(3, 5), -2);
        assertEquals(SerialNumbers.seqDiff(0, 65535), 1);
        assertEquals(SerialNumbers.seqDiff(65535, 0), -1);
        assertEquals(SerialNumbers.seqDiff(10, 65530), 16);
        assertEquals(SerialNumbers.seqDiff(32767, 0), 32767);
        assertEquals(SerialNumbers.seqDiff(32768, 0), -32768);
    }

    @Test
    public void newerAcrossTheWrap() {
        assertTrue(SerialNumbers.isSeqNewer(0, 65535));
        assertTrue(SerialNumbers.isSeqNewer(100, 65000));
        assertFalse(SerialNumbers.isSeqNewer(65535, 0));
        assertFalse(SerialNumbers.isSeqNewer(7, 7));
        assertTrue(SerialNumbers.isSeqNewer(32767, 0));
    }

    @Test
    public void halfTheSpaceApartIsNeitherNewer() {
        // RFC 1982 leaves this undefined; the helpers must at least be consistent.
        assertFalse(SerialNumbers.isSeqNewer(32768, 0));
        assertFalse(SerialNumbers.isSeqNewer(0, 32768));
        assertFalse(SerialNumbers.isTsNewer(0x8000_0000L, 0));
        assertFalse(SerialNumbers.isTsNewer(0, 0x8000_0000L));
    }

    @Test
    public void sequenceAdditionWraps() {
        assertEquals(SerialNumbers.seqAdd(65535, 1), 0);
        assertEquals(SerialNumbers.seqAdd(65530, 10), 4);
        assertEquals(SerialNumbers.seqAdd(0, -1), 65535);
        assertEquals(SerialNumbers.seqAdd(70000, 0), 70000 - 65536);
    }

    @Test
    public void timestampArithmeticWrapsAt32Bits() {
        assertEquals(SerialNumbers.tsDiff(10, 0xFFFF_FFF0L), 26);
        assertEquals(SerialNumbers.tsDiff(0xFFFF_FFF0L, 10), -26);
        assertTrue(SerialNumbers.isTsNewer(5, 0xFFFF_FFFFL));
        assertFalse(SerialNumbers.isTsNewer(0xFFFF_FFFFL, 5));
        assertEquals(SerialNumbers.tsAdd(0xFFFF_FFFFL, 1), 0);
        assertEquals(SerialNumbers.tsAdd(0xFFFF_FF00L, 0x200), 0x100);
        assertEquals(SerialNumbers.tsAdd(3, -4), 0xFFFF_FFFFL);
    }
}
