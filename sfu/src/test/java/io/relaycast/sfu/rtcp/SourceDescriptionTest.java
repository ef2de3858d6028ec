package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.testng.annotations.Test;

public class SourceDescriptionTest {

    private final SourceDescription sdes = new SourceDescription();

    @Test
    public void readsACnameChunk() {
        byte[] packet = hex(RtcpTestBytes.SDES_CNAME);
        assertTrue(sdes.reset(packet, 0, packet.length));
        assertEquals(sdes.chunkCount(), 1);
        assertTrue(sdes.nextChunk());
        assertEquals(sdes.chunkSsrc(), 0x1234L);
        assertEquals(sdes.cnameOffset(), 10);
        assertEquals(sdes.cnameLength(), 8);
        assertEquals(sdes.cname(), "abc123xy");
        assertFalse(sdes.nextChunk());
    }

    @Test
    public void writesTheSameBytesItReads() {
        byte[] cname = "abc123xy".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[64];
        Arrays.fill(out, (byte) 0x77); // padding must be written, not inherited
        int length = SourceDescription.writeCname(out, 0, 0x1234, cname, 0, cname.length);
        assertEquals(Arrays.copyOf(out, length), hex(RtcpTestBytes.SDES_CNAME));
    }

    @Test
    public void roundTripsEveryNameLengthAcrossTheAlignmentCases() {
        byte[] out = new byte[300];
        for (int n = 0; n <= 255; n++) {
            byte[] name = new byte[n];
            Arrays.fill(name, (byte) 'x');
            int length = SourceDescription.writeCname(out, 0, n, name, 0, n);
            assertEquals(length % 4, 0);
            assertTrue(length >= 4 + 4 + 2 + n + 1, "room for a null terminator at n=" + n);
            assertTrue(sdes.reset(out, 0, length), "n=" + n);
            assertTrue(sdes.nextChunk());
            assertEquals(sdes.chunkSsrc(), (long) n);
            assertEquals(sdes.cnameLength(), n);
        }
        assertEquals(SourceDescription.writeCname(out, 0, 1, new byte[256], 0, 256), -1);
        assertEquals(SourceDescription.writeCname(new byte[19], 0, 1, new byte[8], 0, 8), -1);
        assertEquals(SourceDescription.writeCname(out, 0, 1, new byte[8], 4, 8), -1);
    }

    @Test
    public void iteratesSeveralChunksAndItems() {
        // Chunk 1: SSRC 1, NAME "n" then CNAME "ab"; chunk 2: SSRC 2 with no items but the terminator.
        byte[] packet = hex("82CA0005" + "00000001" + "02016E01" + "02616200" + "00000002" + "00000000");
        assertTrue(sdes.reset(packet, 0, packet.length));
        assertTrue(sdes.nextChunk());
        assertEquals(sdes.chunkSsrc(), 1L);
        assertEquals(sdes.cname(), "ab");
        assertTrue(sdes.nextChunk());
        assertEquals(sdes.chunkSsrc(), 2L);
        assertEquals(sdes.cnameOffset(), -1);
        assertNull(sdes.cname());
        assertFalse(sdes.nextChunk());
    }

    @Test
    public void rejectsAChunkWithoutTerminator() {
        // The item fills the chunk exactly and no null octet follows.
        byte[] packet = hex("81CA0002" + "00000001" + "01026162");
        assertFalse(sdes.reset(packet, 0, packet.length));
        assertFalse(sdes.nextChunk());
    }

    @Test
    public void rejectsAnItemLongerThanThePacket() {
        byte[] packet = hex("81CA0003" + "00000001" + "01FF6162" + "00000000");
        assertFalse(sdes.reset(packet, 0, packet.length));
    }

    @Test
    public void rejectsMoreChunksThanPresent() {
        byte[] packet = hex(RtcpTestBytes.SDES_CNAME);
        packet[0] = (byte) 0x82;
        assertFalse(sdes.reset(packet, 0, packet.length));
    }

    @Test
    public void rejectsAnItemHeaderCutInHalf() {
        // Item 5 ("a"), then an item type in the last byte with no room for its length.
        byte[] packet = hex("81CA0002" + "00000001" + "05016101");
        assertFalse(sdes.reset(packet, 0, packet.length));
    }

    @Test
    public void rejectsLengthPastTheEnd() {
        byte[] packet = hex(RtcpTestBytes.SDES_CNAME);
        assertFalse(sdes.reset(packet, 0, packet.length - 4));
    }
}
