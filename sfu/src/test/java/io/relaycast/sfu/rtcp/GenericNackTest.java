package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.testng.annotations.Test;

public class GenericNackTest {

    private final GenericNack nack = new GenericNack();

    private int[] lostOf(byte[] packet, int length) {
        assertTrue(nack.reset(packet, 0, length));
        int[] lost = new int[nack.lostCount()];
        assertEquals(nack.copyLost(lost, 0), lost.length);
        return lost;
    }

    @Test
    public void readsTheKnownPacket() {
        byte[] packet = hex(RtcpTestBytes.NACK);
        assertTrue(nack.reset(packet, 0, packet.length));
        assertEquals(nack.senderSsrc(), 1L);
        assertEquals(nack.mediaSsrc(), 2L);
        assertEquals(nack.format(), GenericNack.FORMAT);
        assertEquals(nack.entryCount(), 1);
        assertEquals(nack.pid(0), 100);
        assertEquals(nack.blp(0), 0x8005);
        assertEquals(lostOf(packet, packet.length), new int[] {100, 101, 103, 116});
    }

    @Test
    public void expandsPidAndEveryBlpBit() {
        int[] dst = new int[17];
        assertEquals(GenericNack.expand(7, 0, dst, 0), 1);
        assertEquals(dst[0], 7);
        assertEquals(GenericNack.expand(7, 0xFFFF, dst, 0), 17);
        for (int i = 0; i < 17; i++) {
            assertEquals(dst[i], 7 + i);
        }
        assertEquals(GenericNack.expand(1000, 0x0001, dst, 0), 2);
        assertEquals(dst[1], 1001, "bit 0 is PID + 1");
        assertEquals(GenericNack.expand(1000, 0x8000, dst, 0), 2);
        assertEquals(dst[1], 1016, "bit 15 is PID + 16");
    }

    @Test
    public void expansionWrapsPast65535() {
        int[] dst = new int[17];
        assertEquals(GenericNack.expand(65530, 0xFFFF, dst, 0), 17);
        assertEquals(Arrays.copyOf(dst, 8), new int[] {65530, 65531, 65532, 65533, 65534, 65535, 0, 1});
        assertEquals(dst[16], 10);
    }

    @Test
    public void expansionStopsWhenTheDestinationIsFull() {
        int[] dst = new int[3];
        assertEquals(GenericNack.expand(1, 0xFFFF, dst, 1), 2);
        assertEquals(dst, new int[] {0, 1, 2});
        assertEquals(GenericNack.expand(1, 0xFFFF, dst, 3), 0);
        byte[] packet = hex(RtcpTestBytes.NACK);
        assertTrue(nack.reset(packet, 0, packet.length));
        int[] small = new int[2];
        assertEquals(nack.copyLost(small, 0), 2);
        assertEquals(small, new int[] {100, 101});
    }

    @Test
    public void buildsTheKnownPacketFromItsList() {
        byte[] out = new byte[32];
        int length = GenericNack.write(out, 0, 1, 2, new int[] {100, 101, 103, 116}, 0, 4);
        assertEquals(Arrays.copyOf(out, length), hex(RtcpTestBytes.NACK));
    }

    @Test
    public void listsLongerThanSeventeenNeedMoreEntries() {
        int[] lost = new int[40];
        for (int i = 0; i < lost.length; i++) {
            lost[i] = 500 + i;
        }
        byte[] out = new byte[64];
        int length = GenericNack.write(out, 0, 1, 2, lost, 0, lost.length);
        assertEquals(length, 12 + 3 * 4, "17 + 17 + 6");
        assertEquals(lostOf(out, length), lost);
    }

    @Test
    public void roundTripsAcrossTheWrap() {
        int[] lost = {65534, 65535, 0, 3, 14, 40}; // 14 is PID + 16, the last bit of the BLP
        byte[] out = new byte[64];
        int length = GenericNack.write(out, 0, 9, 10, lost, 0, lost.length);
        assertEquals(length, 12 + 2 * 4);
        assertTrue(nack.reset(out, 0, length));
        assertEquals(nack.pid(0), 65534);
        assertEquals(nack.pid(1), 40);
        assertEquals(lostOf(out, length), lost);
    }

    @Test
    public void unsortedAndDuplicateInputIsStillFullyCovered() {
        SplittableRandom random = new SplittableRandom(4585);
        byte[] out = new byte[2048];
        for (int round = 0; round < 500; round++) {
            int count = random.nextInt(1, 60);
            int[] lost = new int[count];
            int base = random.nextInt(65536);
            TreeSet<Integer> expected = new TreeSet<>();
            for (int i = 0; i < count; i++) {
                lost[i] = (base + random.nextInt(100)) & 0xFFFF;
                expected.add(lost[i]);
            }
            int length = GenericNack.write(out, 0, 1, 2, lost, 0, count);
            assertTrue(length > 0);
            TreeSet<Integer> actual = new TreeSet<>();
            for (int seq : lostOf(out, length)) {
                actual.add(seq);
            }
            assertEquals(actual, expected);
        }
    }

    @Test
    public void writerUsesTheGivenSliceOnly() {
        int[] lost = {1, 2, 3, 900, 901};
        byte[] out = new byte[32];
        int length = GenericNack.write(out, 0, 1, 2, lost, 3, 2);
        assertEquals(lostOf(out, length), new int[] {900, 901});
    }

    @Test
    public void writerRefusesEmptyListsAndSmallBuffers() {
        assertEquals(GenericNack.write(new byte[32], 0, 1, 2, new int[] {1}, 0, 0), -1);
        assertEquals(GenericNack.write(new byte[32], 0, 1, 2, new int[] {1}, 0, 2), -1);
        assertEquals(GenericNack.write(new byte[32], 0, 1, 2, new int[] {1}, -1, 1), -1);
        assertEquals(GenericNack.write(new byte[15], 0, 1, 2, new int[] {1}, 0, 1), -1);
        assertEquals(GenericNack.write(new byte[16], 0, 1, 2, new int[] {1}, 0, 1), 16);
        assertEquals(GenericNack.write(new byte[19], 0, 1, 2, new int[] {1, 500}, 0, 2), -1);
    }

    @Test
    public void rejectsOtherFormatsAndEmptyFci() {
        byte[] pli = hex("81CD0002" + "00000001" + "00000002");
        assertFalse(nack.reset(pli, 0, pli.length), "a NACK needs at least one entry");
        byte[] transportCc = hex(RtcpTestBytes.TRANSPORT_CC);
        assertFalse(nack.reset(transportCc, 0, transportCc.length));
        byte[] payloadFeedback = hex(RtcpTestBytes.NACK);
        payloadFeedback[1] = (byte) 206;
        assertFalse(nack.reset(payloadFeedback, 0, payloadFeedback.length));
        byte[] packet = hex(RtcpTestBytes.NACK);
        assertFalse(nack.reset(packet, 0, packet.length - 4), "length past the end");
    }

    @Test
    public void rewritingTheMediaSsrcKeepsTheEntries() {
        byte[] packet = hex(RtcpTestBytes.NACK);
        assertTrue(nack.reset(packet, 0, packet.length));
        nack.setMediaSsrc(0x0102_0304L);
        assertEquals(packet, hex("81CD0003" + "00000001" + "01020304" + "00648005"));
        assertEquals(lostOf(packet, packet.length), new int[] {100, 101, 103, 116});
    }
}
