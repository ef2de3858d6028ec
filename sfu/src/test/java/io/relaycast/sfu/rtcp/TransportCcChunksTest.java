package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.TransportCcChunks.LARGE_DELTA;
import static io.relaycast.sfu.rtcp.TransportCcChunks.NOT_RECEIVED;
import static io.relaycast.sfu.rtcp.TransportCcChunks.NO_DELTA;
import static io.relaycast.sfu.rtcp.TransportCcChunks.SMALL_DELTA;
import static org.testng.Assert.assertEquals;

import io.relaycast.sfu.rtp.BigEndian;
import java.util.Arrays;
import org.testng.annotations.Test;

/**
 * The four chunk examples of draft-holmer-rmcat-transport-wide-cc-extensions-01, sections 3.1.3 and 3.1.4, read
 * and written byte for byte, and a whole feedback packet built from them.
 */
public class TransportCcChunksTest {

    /** 3.1.3 example 1: a run of 221 "packet not received" = 0x00DD. */
    private static final int RUN_221_NOT_RECEIVED = 0x00DD;
    /** 3.1.3 example 2: a run of 24 "received without timestamp" (symbol 11) = 0x6018. */
    private static final int RUN_24_NO_DELTA = 0x6018;
    /** 3.1.4 example 1: one-bit symbols 0 11111 000 111 00 = 0x9F1C. */
    private static final int VECTOR_ONE_BIT = 0x9F1C;
    private static final int[] VECTOR_ONE_BIT_SYMBOLS = {0, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0};
    /** 3.1.4 example 2: two-bit symbols not received, received w/o timestamp, 3x received, 2x not = 0xCD50. */
    private static final int VECTOR_TWO_BIT = 0xCD50;
    private static final int[] VECTOR_TWO_BIT_SYMBOLS = {NOT_RECEIVED, NO_DELTA, SMALL_DELTA, SMALL_DELTA,
            SMALL_DELTA, NOT_RECEIVED, NOT_RECEIVED};

    private static int[] symbols(int chunk) {
        int[] out = new int[TransportCcChunks.statusCount(chunk)];
        for (int i = 0; i < out.length; i++) {
            out[i] = TransportCcChunks.symbol(chunk, i);
        }
        return out;
    }

    @Test
    public void readsTheDraftsExamples() {
        assertEquals(TransportCcChunks.statusCount(RUN_221_NOT_RECEIVED), 221);
        assertEquals(TransportCcChunks.symbol(RUN_221_NOT_RECEIVED, 220), NOT_RECEIVED);
        assertEquals(TransportCcChunks.statusCount(RUN_24_NO_DELTA), 24);
        assertEquals(TransportCcChunks.symbol(RUN_24_NO_DELTA, 0), NO_DELTA);
        assertEquals(symbols(VECTOR_ONE_BIT), VECTOR_ONE_BIT_SYMBOLS);
        assertEquals(symbols(VECTOR_TWO_BIT), VECTOR_TWO_BIT_SYMBOLS);
    }

    @Test
    public void writesTheDraftsExamples() {
        assertEquals(TransportCcChunks.runLength(NOT_RECEIVED, 221), RUN_221_NOT_RECEIVED);
        assertEquals(TransportCcChunks.runLength(NO_DELTA, 24), RUN_24_NO_DELTA);
        assertEquals(TransportCcChunks.vector(VECTOR_ONE_BIT_SYMBOLS, 0, 14, false), VECTOR_ONE_BIT);
        assertEquals(TransportCcChunks.vector(VECTOR_TWO_BIT_SYMBOLS, 0, 7, true), VECTOR_TWO_BIT);
        assertEquals(TransportCcChunks.vector(VECTOR_TWO_BIT_SYMBOLS, 0, 7, false), -1, "symbol 3 needs two bits");
        assertEquals(TransportCcChunks.vector(VECTOR_ONE_BIT_SYMBOLS, 0, 14, true), -1, "14 do not fit two-bit");
        assertEquals(TransportCcChunks.runLength(SMALL_DELTA, 0x2000), -1);
    }

    /** A feedback packet of the four example chunks, then their deltas: 221 + 24 + 14 + 7 = 266 statuses. */
    private static byte[] examplePacket() {
        int smallDeltas = 8 + 3; // eight received in the one-bit vector, three in the two-bit one
        int unpadded = 12 + 8 + 4 * 2 + smallDeltas;
        int length = (unpadded + 3) & ~3;
        byte[] p = new byte[length];
        RtcpHeader.write(p, 0, TransportCcFeedback.FORMAT, RtcpPacketType.TRANSPORT_FEEDBACK, length);
        BigEndian.put32(p, 4, 0x11112222L);
        BigEndian.put32(p, 8, 0x33334444L);
        BigEndian.put16(p, 12, 65_500); // base sequence number: the statuses run across the wrap
        BigEndian.put16(p, 14, 221 + 24 + 14 + 7);
        BigEndian.put24(p, 16, 0x800001); // reference time -8388607 x 64 ms (signed 24 bits)
        p[19] = 7;
        int at = 20;
        for (int chunk : new int[] {RUN_221_NOT_RECEIVED, RUN_24_NO_DELTA, VECTOR_ONE_BIT, VECTOR_TWO_BIT}) {
            BigEndian.put16(p, at, chunk);
            at += 2;
        }
        for (int i = 0; i < smallDeltas; i++) {
            p[at++] = (byte) (10 * i + 5);
        }
        if (length > unpadded) {
            p[0] |= 0x20;
            p[length - 1] = (byte) (length - unpadded);
        }
        return p;
    }

    @Test
    public void decodesAWholeFeedbackPacket() {
        byte[] p = examplePacket();
        TransportCcFeedback fb = new TransportCcFeedback();
        assertEquals(fb.reset(p, 0, p.length), true);
        assertEquals(fb.baseSequenceNumber(), 65_500);
        assertEquals(fb.referenceTime(), -8_388_607);
        assertEquals(fb.feedbackPacketCount(), 7);
        int[] symbols = new int[1000];
        int[] deltas = new int[1000];
        assertEquals(fb.decode(symbols, deltas), 266);
        int[] expected = new int[266];
        Arrays.fill(expected, 221, 245, NO_DELTA);
        System.arraycopy(VECTOR_ONE_BIT_SYMBOLS, 0, expected, 245, 14);
        System.arraycopy(VECTOR_TWO_BIT_SYMBOLS, 0, expected, 259, 7);
        assertEquals(Arrays.copyOf(symbols, 266), expected);
        int k = 0;
        for (int i = 0; i < 266; i++) {
            assertEquals(deltas[i], expected[i] == SMALL_DELTA ? 10 * k++ + 5 : 0, "delta of status " + i);
        }
        assertEquals(k, 11);

        // a packet cut short of its deltas, or of its chunks, is refused rather than read past its end
        byte[] cut = Arrays.copyOf(p, 28);
        BigEndian.put16(cut, 2, 28 / 4 - 1);
        cut[0] &= ~0x20;
        assertEquals(fb.reset(cut, 0, cut.length), true);
        assertEquals(fb.decode(symbols, deltas), -1);
        assertEquals(fb.reset(p, 0, p.length), true);
        assertEquals(fb.decode(new int[100], new int[100]), -1, "more statuses than the caller holds");
    }

    @Test
    public void largeAndNegativeDeltasAreSignedTwoOctets() {
        byte[] p = new byte[12 + 8 + 2 + 4 + 2];
        RtcpHeader.write(p, 0, TransportCcFeedback.FORMAT, RtcpPacketType.TRANSPORT_FEEDBACK, p.length);
        BigEndian.put16(p, 12, 1);
        BigEndian.put16(p, 14, 2);
        BigEndian.put16(p, 20, TransportCcChunks.vector(new int[] {LARGE_DELTA, LARGE_DELTA}, 0, 2, true));
        BigEndian.put16(p, 22, 1000);
        BigEndian.put16(p, 24, -4 & 0xFFFF);
        TransportCcFeedback fb = new TransportCcFeedback();
        fb.reset(p, 0, p.length);
        int[] symbols = new int[2];
        int[] deltas = new int[2];
        assertEquals(fb.decode(symbols, deltas), 2);
        assertEquals(deltas, new int[] {1000, -4});
    }
}
