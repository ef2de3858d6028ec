package io.relaycast.sfu.room;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpHeader;
import io.relaycast.sfu.rtcp.TransportCcFeedback;
import java.util.ArrayList;
import java.util.List;
import org.testng.annotations.Test;

public class TransportCcRecorderTest {

    /** One decoded feedback: per reported sequence number, the arrival in 250 µs ticks, or null when lost. */
    record Decoded(int base, int count, int referenceTime, int feedbackCount, List<Long> arrivalTicks) {
    }

    /** An independent decoder of draft-holmer-rmcat-transport-wide-cc-extensions-01 section 3.1. */
    static Decoded decode(byte[] buf, int off, int len) {
        TransportCcFeedback fb = new TransportCcFeedback();
        assertTrue(fb.reset(buf, off, len), "a valid transport-cc feedback packet");
        int count = fb.packetStatusCount();
        int[] symbols = new int[count];
        int at = fb.packetChunksOffset();
        int filled = 0;
        while (filled < count) {
            int chunk = ((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF);
            at += 2;
            if ((chunk & 0x8000) == 0) { // run length
                int symbol = (chunk >> 13) & 3;
                int run = chunk & 0x1FFF;
                for (int i = 0; i < run && filled < count; i++) {
                    symbols[filled++] = symbol;
                }
            } else if ((chunk & 0x4000) == 0) { // 14 one-bit symbols
                for (int i = 0; i < 14 && filled < count; i++) {
                    symbols[filled++] = (chunk >> (13 - i)) & 1;
                }
            } else { // 7 two-bit symbols
                for (int i = 0; i < 7 && filled < count; i++) {
                    symbols[filled++] = (chunk >> (12 - 2 * i)) & 3;
                }
            }
        }
        long ticks = (long) fb.referenceTime() * 256;
        List<Long> arrivals = new ArrayList<>();
        for (int symbol : symbols) {
            if (symbol == 0) {
                arrivals.add(null);
            } else if (symbol == 1) {
                ticks += buf[at++] & 0xFF;
                arrivals.add(ticks);
            } else {
                ticks += (short) (((buf[at] & 0xFF) << 8) | (buf[at + 1] & 0xFF));
                at += 2;
                arrivals.add(ticks);
            }
        }
        return new Decoded(fb.baseSequenceNumber(), count, fb.referenceTime(), fb.feedbackPacketCount(), arrivals);
    }

    private static Decoded writeAndDecode(TransportCcRecorder r, byte[] buf) {
        int len = r.writeFeedback(buf, 0, buf.length, 0x1111, 0x2222);
        assertTrue(len > 0, "feedback written");
        assertEquals(len % 4, 0, "RTCP packets end on 32-bit boundaries");
        assertEquals(RtcpHeader.packetLength(buf, 0), len);
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        it.reset(buf, 0, len);
        assertTrue(it.next());
        assertFalse(it.isMalformed());
        return decode(buf, 0, len);
    }

    @Test
    public void reportsArrivalTimesAndLossesInSequenceOrder() {
        TransportCcRecorder r = new TransportCcRecorder();
        long t0 = 10_000_000; // µs
        r.onPacket(100, t0);
        r.onPacket(101, t0 + 1_000);
        // 102 lost
        r.onPacket(103, t0 + 100_000); // 99 ms later: a two-byte delta
        r.onPacket(105, t0 + 100_500); // before 104
        r.onPacket(104, t0 + 101_000); // reordered: negative delta from 103's neighbour order
        assertTrue(r.hasPending());
        Decoded d = writeAndDecode(r, new byte[1500]);
        assertEquals(d.base(), 100);
        assertEquals(d.count(), 6);
        assertEquals(d.feedbackCount(), 0);
        List<Long> a = d.arrivalTicks();
        assertEquals((long) a.get(0), t0 / 250);
        assertEquals((long) a.get(1), (t0 + 1_000) / 250);
        assertEquals(a.get(2), null);
        assertEquals((long) a.get(3), (t0 + 100_000) / 250);
        assertEquals((long) a.get(4), (t0 + 101_000) / 250);
        assertEquals((long) a.get(5), (t0 + 100_500) / 250);
        assertFalse(r.hasPending());
        assertEquals(r.writeFeedback(new byte[1500], 0, 1500, 1, 2), 0, "nothing new to report");
    }

    @Test
    public void continuesAcrossTheSequenceWrapAndCountsFeedbacks() {
        TransportCcRecorder r = new TransportCcRecorder();
        byte[] buf = new byte[1500];
        r.onPacket(65_534, 1_000);
        r.onPacket(65_535, 2_000);
        assertEquals(writeAndDecode(r, buf).count(), 2);
        r.onPacket(0, 3_000);
        r.onPacket(1, 4_000);
        Decoded d = writeAndDecode(r, buf);
        assertEquals(d.base(), 0);
        assertEquals(d.count(), 2);
        assertEquals(d.feedbackCount(), 1);
    }

    @Test
    public void aPacketArrivingAfterItWasReportedLostIsNotReportedAgain() {
        TransportCcRecorder r = new TransportCcRecorder();
        byte[] buf = new byte[1500];
        r.onPacket(10, 1_000);
        r.onPacket(12, 2_000);
        writeAndDecode(r, buf);
        r.onPacket(11, 3_000);
        assertFalse(r.hasPending());
    }

    @Test
    public void longRunsAreSplitOverSeveralFeedbacks() {
        TransportCcRecorder r = new TransportCcRecorder();
        byte[] buf = new byte[1500];
        int total = TransportCcRecorder.MAX_STATUSES_PER_FEEDBACK + 50;
        for (int i = 0; i < total; i++) {
            r.onPacket(i, 1_000L * i);
        }
        Decoded first = writeAndDecode(r, buf);
        Decoded second = writeAndDecode(r, buf);
        assertEquals(first.count(), TransportCcRecorder.MAX_STATUSES_PER_FEEDBACK);
        assertEquals(second.base(), TransportCcRecorder.MAX_STATUSES_PER_FEEDBACK);
        assertEquals(second.count(), 50);
        assertEquals((long) second.arrivalTicks().get(49), (1_000L * (total - 1)) / 250);
    }

    @Test
    public void aGapLongerThanADeltaCanSayStartsANewFeedback() {
        TransportCcRecorder r = new TransportCcRecorder();
        byte[] buf = new byte[1500];
        r.onPacket(1, 0);
        r.onPacket(2, 10_000_000); // 10 s later: beyond a signed 16-bit count of 250 µs
        Decoded first = writeAndDecode(r, buf);
        assertEquals(first.count(), 1);
        Decoded second = writeAndDecode(r, buf);
        assertEquals(second.base(), 2);
        assertEquals((long) second.arrivalTicks().get(0), 10_000_000 / 250);
    }

    @Test
    public void refusesABufferTooSmall() {
        TransportCcRecorder r = new TransportCcRecorder();
        r.onPacket(1, 0);
        assertEquals(r.writeFeedback(new byte[16], 0, 16, 1, 2), -1);
        assertTrue(r.hasPending(), "nothing is marked reported when nothing was written");
    }
}
