package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import org.testng.annotations.Test;

public class SenderReportTest {

    private final SenderReport report = new SenderReport();
    private final ReportBlock block = new ReportBlock();

    @Test
    public void readsEveryField() {
        byte[] packet = hex(RtcpTestBytes.SENDER_REPORT);
        assertTrue(report.reset(packet, 0, packet.length));
        assertEquals(report.senderSsrc(), 0x1234L);
        assertEquals(report.ntpTimestamp(), 0xE123456789ABCDEFL);
        assertEquals(report.rtpTimestamp(), 123456L);
        assertEquals(report.packetCount(), 10L);
        assertEquals(report.octetCount(), 1000L);
        assertEquals(report.reportCount(), 1);
        assertEquals(report.packetLength(), 52);
        report.readReportBlock(0, block);
        assertEquals(block.ssrc(), 0xDEADBEEFL);
        assertEquals(block.fractionLost(), 25);
        assertEquals(block.cumulativeLost(), -2);
        assertEquals(block.extendedHighestSequenceNumber(), 65541L);
        assertEquals(block.jitter(), 32L);
        assertEquals(block.lastSenderReport(), 0xB7052000L);
        assertEquals(block.delaySinceLastSenderReport(), 0x00054000L);
    }

    @Test
    public void parsedFieldsWriteBackToTheSameBytes() {
        byte[] packet = hex(RtcpTestBytes.SENDER_REPORT);
        assertTrue(report.reset(packet, 0, packet.length));
        report.readReportBlock(0, block);
        byte[] out = new byte[64];
        int length = SenderReport.write(out, 0, report.senderSsrc(), report.ntpTimestamp(), report.rtpTimestamp(),
                report.packetCount(), report.octetCount(), new ReportBlock[] {block}, 1);
        assertEquals(length, packet.length);
        assertEquals(Arrays.copyOf(out, length), packet);
    }

    @Test
    public void buildThenParseGivesTheSameFields() {
        ReportBlock[] blocks = new ReportBlock[3];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new ReportBlock().set(100 + i, 10 * i, -i, 70_000 + i, 5 * i, 0xAB00 + i, 0xCD00 + i);
        }
        byte[] out = new byte[200];
        int length = SenderReport.write(out, 10, 0xFFFF_FFFFL, 0x0102030405060708L, 0x8000_0000L, 3, 4,
                blocks, blocks.length);
        assertEquals(length, 28 + 3 * 24);
        assertTrue(report.reset(out, 10, length));
        assertEquals(report.senderSsrc(), 0xFFFF_FFFFL);
        assertEquals(report.ntpTimestamp(), 0x0102030405060708L);
        assertEquals(report.rtpTimestamp(), 0x8000_0000L);
        assertEquals(report.reportCount(), 3);
        for (int i = 0; i < blocks.length; i++) {
            report.readReportBlock(i, block);
            assertEquals(block.ssrc(), 100L + i);
            assertEquals(block.fractionLost(), 10 * i);
            assertEquals(block.cumulativeLost(), -i);
            assertEquals(block.extendedHighestSequenceNumber(), 70_000L + i);
            assertEquals(block.jitter(), 5L * i);
            assertEquals(block.lastSenderReport(), 0xAB00L + i);
            assertEquals(block.delaySinceLastSenderReport(), 0xCD00L + i);
        }
    }

    @Test
    public void writerRefusesWhatDoesNotFit() {
        assertEquals(SenderReport.write(new byte[27], 0, 1, 1, 1, 1, 1, null, 0), -1);
        assertEquals(SenderReport.write(new byte[28], 0, 1, 1, 1, 1, 1, null, 0), 28);
        ReportBlock[] one = {new ReportBlock()};
        assertEquals(SenderReport.write(new byte[51], 0, 1, 1, 1, 1, 1, one, 1), -1);
        assertEquals(SenderReport.write(new byte[2000], 0, 1, 1, 1, 1, 1, new ReportBlock[32], 32), -1);
        assertEquals(SenderReport.write(new byte[2000], 0, 1, 1, 1, 1, 1, one, 2), -1);
    }

    @Test
    public void rejectsReportCountPastTheEnd() {
        byte[] packet = hex(RtcpTestBytes.SENDER_REPORT);
        packet[0] = (byte) 0x82; // RC=2, but only one block present
        assertFalse(report.reset(packet, 0, packet.length));
    }

    @Test
    public void rejectsLengthPastTheAvailableBytes() {
        byte[] packet = hex(RtcpTestBytes.SENDER_REPORT);
        assertFalse(report.reset(packet, 0, packet.length - 4));
        packet[2] = (byte) 0xFF;
        packet[3] = (byte) 0xFF;
        assertFalse(report.reset(packet, 0, packet.length));
    }

    @Test
    public void rejectsTruncatedHeadersAndWrongTypes() {
        byte[] packet = hex(RtcpTestBytes.SENDER_REPORT);
        for (int len = 0; len < 4; len++) {
            assertFalse(report.reset(packet, 0, len));
        }
        byte[] tooShort = hex("80C80005" + "00000001" + "00000000" + "00000000" + "00000000" + "00000000");
        assertFalse(report.reset(tooShort, 0, tooShort.length), "24 bytes cannot hold the sender info");
        byte[] receiverReport = hex("80C90001" + "00000001");
        assertFalse(report.reset(receiverReport, 0, receiverReport.length));
        byte[] badVersion = packet.clone();
        badVersion[0] = (byte) 0x41;
        assertFalse(report.reset(badVersion, 0, badVersion.length));
    }

    @Test
    public void paddingIsExcludedFromTheContent() {
        // SR without blocks, then 4 bytes of padding: valid.
        byte[] padded = hex("A0C80007" + "00000001" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000"
                + "00000004");
        assertTrue(report.reset(padded, 0, padded.length));
        // RC=1 and 8 bytes of padding: the block would overlap the padding.
        byte[] overlapping = hex("A1C8000D" + "00000001" + "00000000" + "00000000" + "00000000" + "00000000"
                + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000" + "00000000"
                + "00000008");
        assertFalse(report.reset(overlapping, 0, overlapping.length));
        byte[] zeroPadding = padded.clone();
        zeroPadding[zeroPadding.length - 1] = 0;
        assertFalse(report.reset(zeroPadding, 0, zeroPadding.length), "padding count 0 is impossible");
        byte[] hugePadding = padded.clone();
        hugePadding[hugePadding.length - 1] = (byte) 200;
        assertFalse(report.reset(hugePadding, 0, hugePadding.length));
    }

    @Test
    public void rewritesSsrcAndRtpTimestampInPlaceAndNothingElse() {
        byte[] packet = hex(RtcpTestBytes.SENDER_REPORT);
        byte[] before = packet.clone();
        assertTrue(report.reset(packet, 0, packet.length));
        report.setSenderSsrc(0xFEDC_BA98L);
        report.setRtpTimestamp(0xFFFF_FFFFL);
        assertTrue(report.reset(packet, 0, packet.length));
        assertEquals(report.senderSsrc(), 0xFEDC_BA98L);
        assertEquals(report.rtpTimestamp(), 0xFFFF_FFFFL);
        assertEquals(report.ntpTimestamp(), 0xE123456789ABCDEFL);
        assertEquals(Arrays.copyOfRange(packet, 8, 16), Arrays.copyOfRange(before, 8, 16));
        assertEquals(Arrays.copyOfRange(packet, 20, 52), Arrays.copyOfRange(before, 20, 52));
    }
}
