package io.relaycast.rtmp.chunk;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.testng.annotations.Test;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/** One test per chunk stream rule of RTMP 1.0 section 5.3, and the limits. */
public class ChunkDecoderTest {
    private static final int MAX_CHUNK = 65536;
    private static final int MAX_MESSAGE = 1 << 20;

    private static List<RtmpMessage> parse(byte[] wire) throws RtmpProtocolException {
        return ChunkDecoder.parse(wire, MAX_CHUNK, MAX_MESSAGE, 16);
    }

    private static final class Wire {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Wire basic(int fmt, int csid) {
            if (csid < 64) {
                out.write((fmt << 6) | csid);
            } else if (csid < 320) {
                out.write(fmt << 6);
                out.write(csid - 64);
            } else {
                out.write((fmt << 6) | 1);
                out.write((csid - 64) & 0xFF);
                out.write((csid - 64) >>> 8);
            }
            return this;
        }

        Wire u24(long v) {
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
            return this;
        }

        Wire u32(long v) {
            out.write((int) (v >>> 24));
            return u24(v);
        }

        Wire u8(int v) {
            out.write(v);
            return this;
        }

        Wire le32(int v) {
            out.write(v);
            out.write(v >>> 8);
            out.write(v >>> 16);
            out.write(v >>> 24);
            return this;
        }

        Wire bytes(int n, int value) {
            for (int i = 0; i < n; i++) {
                out.write(value);
            }
            return this;
        }

        /** A type 0 header (section 5.3.1.2.1). */
        Wire type0(int csid, long ts, int length, int type, int streamId) {
            basic(0, csid);
            u24(Math.min(ts, 0xFFFFFF)).u24(length).u8(type).le32(streamId);
            if (ts >= 0xFFFFFF) {
                u32(ts);
            }
            return this;
        }

        byte[] get() {
            return out.toByteArray();
        }
    }

    @Test
    public void type0CarriesTheWholeHeader() throws Exception {
        List<RtmpMessage> m = parse(new Wire().type0(4, 1000, 3, 9, 1).bytes(3, 7).get());
        assertEquals(m.size(), 1);
        assertEquals(m.get(0).typeId(), 9);
        assertEquals(m.get(0).streamId(), 1);
        assertEquals(m.get(0).timestamp(), 1000);
        assertEquals(m.get(0).payload(), new byte[] {7, 7, 7});
    }

    @Test
    public void type1TakesTheStreamIdFromThePreviousHeaderAndAddsItsDelta() throws Exception {
        byte[] wire = new Wire().type0(4, 1000, 1, 9, 1).bytes(1, 1)
                .basic(1, 4).u24(40).u24(2).u8(8).bytes(2, 2).get();
        List<RtmpMessage> m = parse(wire);
        assertEquals(m.get(1).typeId(), 8);
        assertEquals(m.get(1).streamId(), 1);
        assertEquals(m.get(1).timestamp(), 1040);
        assertEquals(m.get(1).payload().length, 2);
    }

    @Test
    public void type2KeepsLengthAndTypeAndAddsItsDelta() throws Exception {
        byte[] wire = new Wire().type0(4, 0, 2, 9, 1).bytes(2, 1).basic(2, 4).u24(33).bytes(2, 5).get();
        List<RtmpMessage> m = parse(wire);
        assertEquals(m.get(1).timestamp(), 33);
        assertEquals(m.get(1).typeId(), 9);
        assertEquals(m.get(1).payload(), new byte[] {5, 5});
    }

    @Test
    public void type3StartingAMessageRepeatsThePreviousDelta() throws Exception {
        byte[] wire = new Wire().type0(4, 100, 1, 8, 1).bytes(1, 0).basic(2, 4).u24(20).bytes(1, 0)
                .basic(3, 4).bytes(1, 0).basic(3, 4).bytes(1, 0).get();
        List<RtmpMessage> m = parse(wire);
        assertEquals(m.size(), 4);
        assertEquals(m.get(2).timestamp(), 140);
        assertEquals(m.get(3).timestamp(), 160);
    }

    @Test
    public void type3ContinuesAMessageLongerThanTheChunkSize() throws Exception {
        // 300 octets at the default chunk size 128: 128 + type 3 + 128 + type 3 + 44
        Wire w = new Wire().type0(5, 0, 300, 9, 1).bytes(128, 1).basic(3, 5).bytes(128, 2).basic(3, 5).bytes(44, 3);
        List<RtmpMessage> m = parse(w.get());
        assertEquals(m.size(), 1);
        assertEquals(m.get(0).payload().length, 300);
        assertEquals(m.get(0).payload()[299], 3);
        assertEquals(m.get(0).timestamp(), 0, "a continuation does not advance the timestamp");
    }

    @Test
    public void chunksOfDifferentStreamsInterleave() throws Exception {
        Wire w = new Wire().type0(4, 0, 200, 9, 1).bytes(128, 1)
                .type0(6, 5, 2, 8, 1).bytes(2, 9)
                .basic(3, 4).bytes(72, 1);
        List<RtmpMessage> m = parse(w.get());
        assertEquals(m.size(), 2);
        assertEquals(m.get(0).typeId(), 8);
        assertEquals(m.get(1).payload().length, 200);
    }

    @Test
    public void extendedTimestampOnType0AndRepeatedOnItsType3Continuation() throws Exception {
        long ts = 0x0100_0000L + 5; // beyond 24 bits
        Wire w = new Wire().type0(4, ts, 130, 9, 1).bytes(128, 1).basic(3, 4).u32(ts).bytes(2, 1);
        List<RtmpMessage> m = parse(w.get());
        assertEquals(m.size(), 1);
        assertEquals(m.get(0).timestamp(), ts);
        assertEquals(m.get(0).payload().length, 130);
    }

    @Test
    public void extendedTimestampDeltaOnType1() throws Exception {
        Wire w = new Wire().type0(4, 10, 1, 9, 1).bytes(1, 0)
                .basic(1, 4).u24(0xFFFFFF).u24(1).u8(9).u32(0x0200_0000L).bytes(1, 0);
        assertEquals(parse(w.get()).get(1).timestamp(), 10 + 0x0200_0000L);
    }

    @Test
    public void twoAndThreeOctetBasicHeaders() throws Exception {
        Wire w = new Wire().type0(100, 1, 1, 9, 1).bytes(1, 1).type0(1000, 2, 1, 8, 1).bytes(1, 2);
        List<RtmpMessage> m = parse(w.get());
        assertEquals(m.size(), 2);
        assertEquals(m.get(0).timestamp(), 1);
        assertEquals(m.get(1).timestamp(), 2);
    }

    @Test
    public void setChunkSizeChangesHowTheFollowingChunksAreRead() throws Exception {
        Wire w = new Wire().type0(2, 0, 4, RtmpMessage.SET_CHUNK_SIZE, 0).u32(4096)
                .type0(4, 0, 3000, 9, 1).bytes(3000, 7);
        List<RtmpMessage> m = parse(w.get());
        assertEquals(m.size(), 2);
        assertEquals(m.get(1).payload().length, 3000, "one chunk of 3000 at chunk size 4096");
    }

    @Test
    public void aPartialChunkWaitsForTheRest() throws Exception {
        byte[] wire = new Wire().type0(4, 0, 300, 9, 1).bytes(128, 1).basic(3, 4).bytes(128, 2).basic(3, 4)
                .bytes(44, 3).get();
        ChunkDecoder d = new ChunkDecoder(MAX_CHUNK, MAX_MESSAGE, 16);
        List<RtmpMessage> out = new ArrayList<>();
        ByteBuf buf = Unpooled.buffer();
        for (byte b : wire) { // one octet at a time, as the slowest TCP would deliver
            buf.writeByte(b);
            d.decode(buf, out);
            buf.discardReadBytes();
        }
        assertEquals(out.size(), 1);
        assertEquals(out.get(0).payload().length, 300);
        assertEquals(d.bytesRead(), wire.length);
    }

    @Test
    public void aFirstChunkThatIsNotType0IsRefused() {
        assertThrows(RtmpProtocolException.class, () -> parse(new Wire().basic(1, 4).u24(0).u24(1).u8(9)
                .bytes(1, 0).get()));
    }

    @Test
    public void aMessageOverTheLimitIsRefusedBeforeItsPayloadArrives() {
        RtmpProtocolException e = expectThrows(new Wire().type0(4, 0, MAX_MESSAGE + 1, 9, 1).get());
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    public void aChunkSizeOverTheLimitIsRefused() {
        expectThrows(new Wire().type0(2, 0, 4, RtmpMessage.SET_CHUNK_SIZE, 0).u32(MAX_CHUNK + 1).get());
        expectThrows(new Wire().type0(2, 0, 4, RtmpMessage.SET_CHUNK_SIZE, 0).u32(0).get());
    }

    @Test
    public void tooManyChunkStreamsAreRefused() {
        Wire w = new Wire();
        for (int csid = 3; csid < 3 + 17; csid++) {
            w.type0(csid, 0, 1, 9, 1).bytes(1, 0);
        }
        expectThrows(w.get());
    }

    @Test
    public void aNewHeaderInTheMiddleOfAMessageIsRefused() {
        expectThrows(new Wire().type0(4, 0, 200, 9, 1).bytes(128, 1).type0(4, 0, 10, 9, 1).bytes(10, 0).get());
    }

    @Test
    public void randomGarbageNeverEscapesAsAnythingButAProtocolError() {
        Random random = new Random(20261202);
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(600)];
            random.nextBytes(garbage);
            if (i % 3 == 0 && garbage.length > 12) {
                garbage[0] = (byte) (random.nextInt(62) + 2); // mostly well-formed type 0 basic headers
            }
            try {
                ChunkDecoder.parse(garbage, 4096, 8192, 8);
            } catch (RtmpProtocolException expected) {
                // refused: fine
            } catch (RuntimeException e) {
                fail("garbage " + i + " escaped as " + e, e);
            }
        }
    }

    private static RtmpProtocolException expectThrows(byte[] wire) {
        try {
            parse(wire);
        } catch (RtmpProtocolException e) {
            return e;
        }
        throw new AssertionError("accepted");
    }
}
