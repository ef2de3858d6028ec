package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import org.testng.annotations.Test;

public class ReceiverReportTest {

    private static final String RECEIVER_REPORT =
            "81C90007" + "00004321"
            + "0000ABCD" + "80000005" + "0001FFFF" + "0000012C" + "11223344" + "00010000";

    private final ReceiverReport report = new ReceiverReport();
    private final ReportBlock block = new ReportBlock();

    @Test
    public void readsAndWritesBackTheSameBytes() {
        byte[] packet = hex(RECEIVER_REPORT);
        assertTrue(report.reset(packet, 0, packet.length));
        assertEquals(report.senderSsrc(), 0x4321L);
        assertEquals(report.reportCount(), 1);
        report.readReportBlock(0, block);
        assertEquals(block.ssrc(), 0xABCDL);
        assertEquals(block.fractionLost(), 128);
        assertEquals(block.cumulativeLost(), 5);
        assertEquals(block.extendedHighestSequenceNumber(), 0x1FFFFL);
        assertEquals(block.jitter(), 300L);
        assertEquals(block.lastSenderReport(), 0x11223344L);
        assertEquals(block.delaySinceLastSenderReport(), 0x10000L);

        byte[] out = new byte[40];
        int length = ReceiverReport.write(out, 0, report.senderSsrc(), new ReportBlock[] {block}, 1);
        assertEquals(Arrays.copyOf(out, length), packet);
    }

    @Test
    public void emptyReceiverReportIsEightBytes() {
        byte[] out = new byte[8];
        assertEquals(ReceiverReport.write(out, 0, 99, null, 0), 8);
        assertEquals(out, hex("80C90001" + "00000063"));
        assertTrue(report.reset(out, 0, out.length));
        assertEquals(report.reportCount(), 0);
    }

    @Test
    public void cumulativeLossIsClampedToItsSignedRange() {
        ReportBlock extreme = new ReportBlock().set(1, 0, Integer.MAX_VALUE, 0, 0, 0, 0);
        byte[] out = new byte[32];
        assertEquals(ReceiverReport.write(out, 0, 1, new ReportBlock[] {extreme}, 1), 32);
        assertTrue(report.reset(out, 0, out.length));
        report.readReportBlock(0, block);
        assertEquals(block.cumulativeLost(), ReportBlock.MAX_CUMULATIVE_LOST);

        extreme.set(1, 0, Integer.MIN_VALUE, 0, 0, 0, 0);
        ReceiverReport.write(out, 0, 1, new ReportBlock[] {extreme}, 1);
        assertTrue(report.reset(out, 0, out.length));
        report.readReportBlock(0, block);
        assertEquals(block.cumulativeLost(), ReportBlock.MIN_CUMULATIVE_LOST);
    }

    @Test
    public void rejectsMalformedReports() {
        byte[] packet = hex(RECEIVER_REPORT);
        assertFalse(report.reset(packet, 0, packet.length - 1), "length past the end");
        byte[] countPastEnd = packet.clone();
        countPastEnd[0] = (byte) 0x83;
        assertFalse(report.reset(countPastEnd, 0, countPastEnd.length));
        byte[] tooShort = hex("80C90000");
        assertFalse(report.reset(tooShort, 0, tooShort.length), "no room for the sender SSRC");
        assertFalse(report.reset(packet, 0, 3));
        assertFalse(report.reset(packet, 30, 10));
    }

    @Test
    public void writerRefusesWhatDoesNotFit() {
        assertEquals(ReceiverReport.write(new byte[7], 0, 1, null, 0), -1);
        assertEquals(ReceiverReport.write(new byte[31], 0, 1, new ReportBlock[] {new ReportBlock()}, 1), -1);
        assertEquals(ReceiverReport.write(new byte[1000], 0, 1, new ReportBlock[32], 32), -1);
        assertEquals(ReceiverReport.write(new byte[8], 0, 1, null, -1), -1);
    }
}
