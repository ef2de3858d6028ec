package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.concat;
import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertTrue;

import java.util.SplittableRandom;
import org.testng.annotations.Test;

/** Random and mutated datagrams must never make any RTCP reader throw, and accepted packets stay in bounds. */
public class RtcpFuzzTest {

    private static final byte[] COMPOUND = concat(hex(RtcpTestBytes.SENDER_REPORT), hex(RtcpTestBytes.SDES_CNAME),
            hex(RtcpTestBytes.BYE_WITH_REASON), hex(RtcpTestBytes.NACK), hex(RtcpTestBytes.PLI),
            hex(RtcpTestBytes.FIR), hex(RtcpTestBytes.REMB), hex(RtcpTestBytes.TRANSPORT_CC));

    private final RtcpCompoundIterator iterator = new RtcpCompoundIterator();
    private final SenderReport senderReport = new SenderReport();
    private final ReceiverReport receiverReport = new ReceiverReport();
    private final SourceDescription sourceDescription = new SourceDescription();
    private final Bye bye = new Bye();
    private final GenericNack nack = new GenericNack();
    private final PictureLossIndication pli = new PictureLossIndication();
    private final FullIntraRequest fir = new FullIntraRequest();
    private final ReceiverEstimatedMaxBitrate remb = new ReceiverEstimatedMaxBitrate();
    private final TransportCcFeedback transportCc = new TransportCcFeedback();
    private final ReportBlock block = new ReportBlock();
    private final int[] lost = new int[64];
    private int acceptedPackets;

    @Test
    public void randomBytesNeverThrow() {
        SplittableRandom random = new SplittableRandom(3550);
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = new byte[random.nextInt(0, 96)];
            random.nextBytes(buf);
            if (buf.length > 3 && random.nextBoolean()) {
                buf[0] = (byte) (0x80 | (buf[0] & 0x3F));
                buf[1] = (byte) random.nextInt(200, 207);
                buf[2] = 0;
                buf[3] = (byte) random.nextInt(0, 24);
            }
            exercise(buf, 0, buf.length);
        }
    }

    @Test
    public void mutatedCompoundsNeverThrow() {
        assertTrue(RtcpCompoundIterator.isWellFramed(COMPOUND, 0, COMPOUND.length));
        SplittableRandom random = new SplittableRandom(4585);
        acceptedPackets = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = COMPOUND.clone();
            for (int flips = random.nextInt(1, 5); flips > 0; flips--) {
                buf[random.nextInt(buf.length)] = (byte) random.nextInt(256);
            }
            int off = random.nextInt(4) == 0 ? 4 * random.nextInt(buf.length / 4) : 0;
            int len = random.nextInt(4) == 0 ? random.nextInt(buf.length - off + 1) : buf.length - off;
            exercise(buf, off, len);
        }
        assertTrue(acceptedPackets > 10_000, "mutations should mostly keep typed packets readable: " + acceptedPackets);
    }

    private void exercise(byte[] buf, int off, int len) {
        // Every reader straight on the datagram, as if the iterator had been skipped.
        readAll(buf, off, len);
        if (!iterator.reset(buf, off, len)) {
            return;
        }
        while (iterator.next()) {
            int packetOff = iterator.packetOffset();
            assertTrue(packetOff >= off && packetOff + iterator.packetLength() <= off + len);
            readAll(buf, packetOff, off + len - packetOff);
        }
    }

    private void readAll(byte[] buf, int off, int len) {
        int end = off + len;
        if (senderReport.reset(buf, off, len)) {
            acceptedPackets++;
            for (int i = 0; i < senderReport.reportCount(); i++) {
                senderReport.readReportBlock(i, block);
                RoundTripTime.micros(block, 0x1234_5678L);
            }
            NtpTime.toUnixMillis(senderReport.ntpTimestamp());
        }
        if (receiverReport.reset(buf, off, len)) {
            acceptedPackets++;
            for (int i = 0; i < receiverReport.reportCount(); i++) {
                receiverReport.readReportBlock(i, block);
            }
        }
        if (sourceDescription.reset(buf, off, len)) {
            acceptedPackets++;
            while (sourceDescription.nextChunk()) {
                int cname = sourceDescription.cnameOffset();
                assertTrue(cname < 0 || cname + sourceDescription.cnameLength() <= end);
                sourceDescription.cname();
            }
        }
        if (bye.reset(buf, off, len)) {
            acceptedPackets++;
            for (int i = 0; i < bye.ssrcCount(); i++) {
                bye.ssrc(i);
            }
            assertTrue(bye.reasonOffset() < 0 || bye.reasonOffset() + bye.reasonLength() <= end);
        }
        if (nack.reset(buf, off, len)) {
            acceptedPackets++;
            nack.copyLost(lost, 0);
            nack.lostCount();
        }
        if (pli.reset(buf, off, len)) {
            acceptedPackets++;
            pli.mediaSsrc();
        }
        if (fir.reset(buf, off, len)) {
            acceptedPackets++;
            for (int i = 0; i < fir.entryCount(); i++) {
                fir.entrySsrc(i);
                fir.entrySequenceNumber(i);
            }
        }
        if (remb.reset(buf, off, len)) {
            acceptedPackets++;
            remb.bitrate();
            for (int i = 0; i < remb.ssrcCount(); i++) {
                remb.ssrc(i);
            }
        }
        if (transportCc.reset(buf, off, len)) {
            acceptedPackets++;
            transportCc.referenceTimeMillis();
            assertTrue(transportCc.packetChunksOffset() + transportCc.packetChunksLength() <= end);
        }
    }
}
