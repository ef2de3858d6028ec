package io.relaycast.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.testng.annotations.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/**
 * Memory follows what a client sent, not what its headers claim: every chunk stream a client may use (64) opens a
 * message of the largest size allowed (4 MiB) with one 128-octet chunk, about 9 KiB on the wire. Before, the decoder
 * allocated each announced message whole on its first chunk: 256 MiB per connection, 2 GiB from the 8 connections
 * one address may open.
 */
public class ChunkDecoderMemoryTest {
    private static final int MAX_MESSAGE = 4 * 1024 * 1024;

    @Test
    public void announcedButUnsentMessagesDoNotHoldTheirAnnouncedSize() throws Exception {
        ByteBuf wire = Unpooled.buffer();
        for (int i = 0; i < 64; i++) {
            int csid = 64 + i; // two-octet basic header (RTMP 1.0 section 5.3.1.1): fmt 0, csid 0 marker, csid - 64
            wire.writeByte(0);
            wire.writeByte(csid - 64);
            wire.writeMedium(0);
            wire.writeMedium(MAX_MESSAGE);
            wire.writeByte(RtmpMessage.VIDEO);
            wire.writeIntLE(1);
            wire.writeBytes(new byte[128]);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        ChunkDecoder decoder = new ChunkDecoder(64 * 1024, MAX_MESSAGE, 64);
        List<RtmpMessage> out = new ArrayList<>();
        decoder.decode(wire, out);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(out.size(), 0, "no message is complete");
        assertTrue(allocated < 8L * 1024 * 1024, "allocated " + allocated + " bytes for " + decoder.bytesRead() + " received");
    }

    @Test
    public void aMessageGrownChunkByChunkArrivesWhole() throws Exception {
        byte[] payload = new byte[300_000];
        new java.util.Random(5).nextBytes(payload);
        ChunkEncoder encoder = new ChunkEncoder();
        ByteBuf wire = Unpooled.buffer();
        encoder.write(wire, 4, new RtmpMessage(RtmpMessage.VIDEO, 1, 40, payload));
        List<RtmpMessage> out = new ArrayList<>();
        new ChunkDecoder(64 * 1024, MAX_MESSAGE, 64).decode(wire, out);
        assertEquals(out.size(), 1);
        assertEquals(out.get(0).payload(), payload);
    }
}
