package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

import org.testng.annotations.Test;

public class PacketCacheTest {

    private static byte[] packet(int seq, int len) {
        byte[] p = new byte[len];
        p[0] = (byte) (seq >> 8);
        p[1] = (byte) seq;
        for (int i = 2; i < len; i++) {
            p[i] = (byte) (seq * 7 + i);
        }
        return p;
    }

    private static void assertPacket(byte[] dst, int len, int seq, int expectedLen) {
        assertEquals(len, expectedLen, "length of " + seq);
        byte[] expected = packet(seq, expectedLen);
        for (int i = 0; i < len; i++) {
            assertEquals(dst[i], expected[i], "octet " + i + " of " + seq);
        }
    }

    @Test
    public void servesPacketsAcrossTheSequenceWrap() {
        PacketCache cache = new PacketCache(64, 1500, 1000);
        for (int i = 0; i < 40; i++) {
            int seq = (65_520 + i) & 0xFFFF;
            assertTrue(cache.put(seq, packet(seq, 100 + i), 0, 100 + i, 1000));
        }
        byte[] dst = new byte[1500];
        assertPacket(dst, cache.take(65_535, dst, 0, 1000), 65_535, 115);
        assertPacket(dst, cache.take(0, dst, 0, 1000), 0, 116);
        assertPacket(dst, cache.take(65_520, dst, 0, 1000), 65_520, 100);
        assertPacket(dst, cache.take(23, dst, 0, 1000), 23, 139);
        assertEquals(cache.take(24, dst, 0, 1000), PacketCache.MISSING, "not received yet");
        assertEquals(cache.take(65_519, dst, 0, 1000), PacketCache.MISSING, "before the first");
    }

    @Test
    public void overwrittenSlotsAreNotConfusedWithNewerPackets() {
        PacketCache cache = new PacketCache(16, 1500, 10_000);
        for (int seq = 65_530; seq < 65_530 + 40; seq++) {
            cache.put(seq & 0xFFFF, packet(seq & 0xFFFF, 50), 0, 50, 0);
        }
        byte[] dst = new byte[1500];
        // 65530 + 40 - 16 = 65554 -> 18 is the oldest still held; 65535 shares its slot with 65551 (= 15)
        assertEquals(cache.take(65_535, dst, 0, 0), PacketCache.TOO_OLD);
        assertEquals(cache.take(17, dst, 0, 0), PacketCache.TOO_OLD);
        assertPacket(dst, cache.take(18, dst, 0, 0), 18, 50);
        assertPacket(dst, cache.take(33, dst, 0, 0), 33, 50);
    }

    @Test
    public void reorderedAndLateInsertsFillTheirSlots() {
        PacketCache cache = new PacketCache(32, 1500, 10_000);
        cache.put(65_534, packet(65_534, 60), 0, 60, 0);
        cache.put(1, packet(1, 61), 0, 61, 0);
        cache.put(65_535, packet(65_535, 62), 0, 62, 0); // arrives late, before the wrap
        cache.put(0, packet(0, 63), 0, 63, 0);
        byte[] dst = new byte[1500];
        assertPacket(dst, cache.take(65_535, dst, 0, 0), 65_535, 62);
        assertPacket(dst, cache.take(0, dst, 0, 0), 0, 63);
        assertPacket(dst, cache.take(1, dst, 0, 0), 1, 61);
        for (int seq = 2; seq < 60; seq++) {
            cache.put(seq, packet(seq, 64), 0, 64, 0);
        }
        assertFalse(cache.put(3, packet(3, 64), 0, 64, 0), "older than the ring: refused");
    }

    @Test
    public void packetsPastTheirAgeAreTooLate() {
        PacketCache cache = new PacketCache(16, 1500, 500);
        cache.put(10, packet(10, 80), 0, 80, 1_000);
        byte[] dst = new byte[1500];
        assertEquals(cache.take(10, dst, 0, 1_500), 80);
        assertEquals(cache.take(10, dst, 0, 1_501), PacketCache.TOO_OLD);
    }

    @Test
    public void refusesOversizedPacketsAndBadCapacities() {
        PacketCache cache = new PacketCache(16, 100, 500);
        assertFalse(cache.put(1, new byte[101], 0, 101, 0));
        assertThrows(IllegalArgumentException.class, () -> new PacketCache(100, 100, 1));
    }

    @Test
    public void resendGuardIgnoresRepeatsWithinItsInterval() {
        ResendGuard guard = new ResendGuard(40);
        assertTrue(guard.allow(65_535, 1_000));
        assertFalse(guard.allow(65_535, 1_039), "a repeat inside the interval is a duplicate");
        assertTrue(guard.allow(0, 1_039), "another number is not");
        assertTrue(guard.allow(65_535, 1_040), "a repeat after the interval is answered again");
    }
}
