package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.relaycast.rtmp.amf.Amf0;
import io.relaycast.rtmp.chunk.ChunkDecoder;
import io.relaycast.rtmp.chunk.ChunkEncoder;
import io.relaycast.rtmp.chunk.RtmpMessage;
import io.relaycast.rtmp.chunk.RtmpProtocolException;
import java.util.List;
import java.util.Map;

/**
 * What an RTMP client sends after the handshake: the chunk stream (RTMP 1.0 section 5.3) and the AMF0 commands
 * in it (connect, createStream, publish, @setDataFrame). Contract: the decoder either yields messages or throws
 * {@link RtmpProtocolException} (the connection is then closed); the decoder allocates in proportion to the bytes
 * received, not to the sizes headers announce; no message exceeds the message limit; the messages
 * re-encoded with our encoder decode to the same messages; AMF0 decoding yields values or the same exception, and
 * what we can write (no arrays) re-reads equal.
 */
class RtmpFuzzTest {
    /** The defaults of relaycast.rtmp (max-chunk-size 64 KiB, max-message-size 4 MiB, max-chunk-streams 64). */
    private static final int MAX_CHUNK = 64 * 1024;
    private static final int MAX_MESSAGE = 4 * 1024 * 1024;
    private static final int MAX_STREAMS = 64;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    static {
        // class loading and Netty's first buffers allocate megabytes once: not the decoder's per-input cost
        try {
            THREADS.getCurrentThreadAllocatedBytes();
            ChunkDecoder.parse(new byte[] {3, 0, 0, 0, 0, 0, 1, 20, 0, 0, 0, 0, 5}, MAX_CHUNK, MAX_MESSAGE, MAX_STREAMS);
        } catch (RtmpProtocolException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void chunks(byte[] wire) throws RtmpProtocolException {
        List<RtmpMessage> messages;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            messages = ChunkDecoder.parse(wire, MAX_CHUNK, MAX_MESSAGE, MAX_STREAMS);
        } catch (RtmpProtocolException refused) {
            return;
        } finally {
            // memory follows what was sent, not what headers announce (a 4 MiB claim in a 12-octet header)
            long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated <= 64L * wire.length + MAX_STREAMS * 16384L + (1 << 20),
                    "allocated " + allocated + " bytes decoding " + wire.length);
        }
        ChunkEncoder encoder = new ChunkEncoder();
        ByteBuf again = Unpooled.buffer();
        for (RtmpMessage m : messages) {
            assertTrue(m.payload().length <= MAX_MESSAGE);
            assertTrue(m.timestamp() >= 0 && m.timestamp() <= 0xFFFF_FFFFL);
            encoder.write(again, ChunkEncoder.COMMAND_CSID, m);
            if (m.typeId() == RtmpMessage.SET_CHUNK_SIZE) {
                byte[] p = m.payload();
                encoder.chunkSize(((p[0] & 0x7F) << 24) | ((p[1] & 0xFF) << 16) | ((p[2] & 0xFF) << 8) | (p[3] & 0xFF));
            }
        }
        List<RtmpMessage> decoded = ChunkDecoder.parse(ByteBufUtil.getBytes(again), MAX_CHUNK, MAX_MESSAGE, MAX_STREAMS);
        assertEquals(messages.size(), decoded.size(), "re-encoded messages decode to as many");
        for (int i = 0; i < messages.size(); i++) {
            RtmpMessage a = messages.get(i);
            RtmpMessage b = decoded.get(i);
            assertEquals(a.typeId(), b.typeId());
            assertEquals(a.streamId(), b.streamId());
            assertEquals(a.timestamp(), b.timestamp());
            assertArrayEquals(a.payload(), b.payload());
        }
        for (RtmpMessage m : messages) {
            if (m.typeId() == RtmpMessage.COMMAND_AMF0 || m.typeId() == RtmpMessage.DATA_AMF0) {
                amf0(m.payload());
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void amf0(byte[] payload) {
        List<Object> values;
        try {
            values = Amf0.readAll(payload);
        } catch (RtmpProtocolException refused) {
            return;
        }
        if (values.stream().allMatch(RtmpFuzzTest::writable)) {
            try {
                assertEquals(values, Amf0.readAll(Amf0.write(values.toArray())), "what we write re-reads equal");
            } catch (RtmpProtocolException e) {
                throw new AssertionError("our own AMF0 does not parse", e);
            }
        }
    }

    /** Amf0.write has no form for arrays (we never send one). */
    private static boolean writable(Object v) {
        if (v instanceof List<?>) {
            return false;
        }
        if (v instanceof Map<?, ?> m) {
            return m.values().stream().allMatch(RtmpFuzzTest::writable);
        }
        return true;
    }
}
