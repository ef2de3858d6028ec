package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sfu.rtcp.Bye;
import io.relaycast.sfu.rtcp.FullIntraRequest;
import io.relaycast.sfu.rtcp.GenericNack;
import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.ReceiverEstimatedMaxBitrate;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RoundTripTime;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtcp.SourceDescription;
import io.relaycast.sfu.rtcp.TransportCcFeedback;
import java.util.HashSet;
import java.util.Set;

/**
 * RTCP compound packets (RFC 3550 section 6: SR, RR, SDES, BYE; RFC 4585: generic NACK, PLI; RFC 5104: FIR;
 * REMB; transport-cc) as the SFU walks every received compound. Contract: no reader throws; every packet the
 * iterator yields, and every region a reader points at, lies inside the datagram; a NACK re-written from the
 * sequence numbers it reports lists the same set; a transport-cc feedback decodes to at most its status count.
 */
class RtcpFuzzTest {
    private final RtcpCompoundIterator iterator = new RtcpCompoundIterator();
    private final SenderReport senderReport = new SenderReport();
    private final ReceiverReport receiverReport = new ReceiverReport();
    private final SourceDescription sdes = new SourceDescription();
    private final Bye bye = new Bye();
    private final GenericNack nack = new GenericNack();
    private final GenericNack nackAgain = new GenericNack();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final ReceiverEstimatedMaxBitrate remb = new ReceiverEstimatedMaxBitrate();
    private final TransportCcFeedback transportCc = new TransportCcFeedback();
    private final ReportBlock block = new ReportBlock();
    private final int[] lost = new int[17 * 64];
    private final int[] lostAgain = new int[17 * 64];
    private final byte[] written = new byte[12 + 4 * 17 * 64];
    private final int[] symbols = new int[1 << 16];
    private final int[] deltas = new int[1 << 16];

    @FuzzTest(maxDuration = "10m")
    void compound(byte[] datagram) {
        readAll(datagram, 0, datagram.length);
        if (!iterator.reset(datagram, 0, datagram.length)) {
            return;
        }
        while (iterator.next()) {
            int off = iterator.packetOffset();
            assertTrue(off >= 0 && iterator.packetLength() >= 4 && off + iterator.packetLength() <= datagram.length);
            assertEquals(0, iterator.packetLength() % 4, "RFC 3550 6.4.1: lengths count 32-bit words");
            readAll(datagram, off, iterator.packetLength());
        }
    }

    private void readAll(byte[] buf, int off, int len) {
        int end = off + len;
        if (senderReport.reset(buf, off, len)) {
            inside(senderReport.offset(), senderReport.packetLength(), end);
            for (int i = 0; i < senderReport.reportCount(); i++) {
                senderReport.readReportBlock(i, block);
                RoundTripTime.micros(block, 0x1234_5678L);
            }
            NtpTime.toUnixMillis(senderReport.ntpTimestamp());
        }
        if (receiverReport.reset(buf, off, len)) {
            inside(receiverReport.offset(), receiverReport.packetLength(), end);
            for (int i = 0; i < receiverReport.reportCount(); i++) {
                receiverReport.readReportBlock(i, block);
            }
        }
        if (sdes.reset(buf, off, len)) {
            while (sdes.nextChunk()) {
                if (sdes.cnameOffset() >= 0) {
                    inside(sdes.cnameOffset(), sdes.cnameLength(), end);
                    sdes.cname();
                }
            }
        }
        if (bye.reset(buf, off, len)) {
            for (int i = 0; i < bye.ssrcCount(); i++) {
                bye.ssrc(i);
            }
            if (bye.reasonOffset() >= 0) {
                inside(bye.reasonOffset(), bye.reasonLength(), end);
            }
        }
        if (nack.reset(buf, off, len)) {
            inside(nack.fciOffset(), nack.fciLength(), end);
            int n = nack.copyLost(lost, 0);
            assertTrue(n <= nack.lostCount() && n <= 17 * nack.entryCount());
            if (n > 0 && n == nack.lostCount()) {
                int w = GenericNack.write(written, 0, nack.senderSsrc(), nack.mediaSsrc(), lost, 0, n);
                assertTrue(w > 0, "what a NACK reported can be written again");
                assertTrue(nackAgain.reset(written, 0, w), "our NACK parses");
                int m = nackAgain.copyLost(lostAgain, 0);
                assertEquals(set(lost, n), set(lostAgain, m), "the re-written NACK reports the same sequence numbers");
                assertEquals(nack.mediaSsrc(), nackAgain.mediaSsrc());
            }
        }
        if (pli.reset(buf, off, len)) {
            pli.mediaSsrc();
        }
        if (fir.reset(buf, off, len)) {
            for (int i = 0; i < fir.entryCount(); i++) {
                fir.entrySsrc(i);
                fir.entrySequenceNumber(i);
            }
        }
        if (remb.reset(buf, off, len)) {
            assertTrue(remb.bitrate() >= 0, "REMB: 6-bit exponent, 18-bit mantissa, never negative");
            for (int i = 0; i < remb.ssrcCount(); i++) {
                remb.ssrc(i);
            }
        }
        if (transportCc.reset(buf, off, len)) {
            inside(transportCc.packetChunksOffset(), transportCc.packetChunksLength(), end);
            transportCc.referenceTimeMillis();
            int n = transportCc.decode(symbols, deltas);
            assertTrue(n == -1 || n == transportCc.packetStatusCount());
            for (int i = 0; i < n; i++) {
                assertTrue(symbols[i] >= 0 && symbols[i] <= 3);
            }
        }
    }

    private static void inside(int offset, int length, int end) {
        assertTrue(offset >= 0 && length >= 0 && offset + length <= end, "region inside the datagram");
    }

    private static Set<Integer> set(int[] values, int n) {
        Set<Integer> s = new HashSet<>();
        for (int i = 0; i < n; i++) {
            s.add(values[i]);
        }
        return s;
    }
}
