package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_AUDIO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_RTX_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.EXT_MID;
import static io.relaycast.sfu.room.RoomFixtures.EXT_TRANSPORT_CC;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static io.relaycast.sfu.room.RoomFixtures.OPUS;
import static io.relaycast.sfu.room.RoomFixtures.VP8;
import static io.relaycast.sfu.room.RoomFixtures.VP8_RTX;
import static io.relaycast.sfu.room.RoomFixtures.ascii;
import static io.relaycast.sfu.room.RoomFixtures.receive;
import static io.relaycast.sfu.room.RoomFixtures.rtp;
import static io.relaycast.sfu.room.RoomFixtures.seq16;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.rtcp.GenericNack;
import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.ReceiverEstimatedMaxBitrate;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RtcpCompoundIterator;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtcp.TransportCcFeedback;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

public class PublisherTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterClass(alwaysRun = true)
    public void stop() {
        timer.shutdownNow();
    }

    /** A tap that records what the room hands it. */
    static final class RecordingSink implements PacketSink {
        final List<String> packets = new ArrayList<>();
        final List<String> senderReports = new ArrayList<>();

        @Override
        public boolean wants(MediaPacket packet) {
            return true;
        }

        @Override
        public void send(MediaPacket p) {
            packets.add(p.kind() + " " + p.header().ssrc() + " seq " + p.header().sequenceNumber() + " "
                    + p.codec().codec() + "/" + p.header().payloadType());
        }

        @Override
        public void onSenderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
            senderReports.add(kind + " " + sourceSsrc + " " + ntpTimestamp + " " + rtpTimestamp);
        }
    }

    private Publisher publisher(PublishedTracks tracks, RoomFixtures.RecordingTransport transport, RecordingSink sink) {
        Room room = new Room("s", timer);
        room.addSink(sink);
        Publisher p = new Publisher("pub", transport, NO_SIGNALING, tracks, room);
        room.setPublisher(p);
        return p;
    }

    /** The RTCP packets of a compound datagram, as "type/format" strings. */
    static List<String> rtcpTypes(byte[] datagram) {
        List<String> types = new ArrayList<>();
        RtcpCompoundIterator it = new RtcpCompoundIterator();
        it.reset(datagram, 0, datagram.length);
        while (it.next()) {
            types.add(it.packetType() + "/" + it.count());
        }
        return types;
    }

    @Test
    public void forwardsTheSignalledSourcesButNotRtxProbesOrStrangers() throws Exception {
        RecordingSink sink = new RecordingSink();
        Publisher p = publisher(RoomFixtures.chromeTracks(), new RoomFixtures.RecordingTransport(), sink);
        receive(p, rtp(OPUS, 1, 960, CHROME_AUDIO_SSRC, 80));
        receive(p, rtp(VP8, 7, 3000, CHROME_VIDEO_SSRC, 900));
        receive(p, rtp(VP8_RTX, 3, 3000, CHROME_VIDEO_RTX_SSRC, 0)); // a padding probe: no OSN, nothing to repair
        receive(p, rtp(77, 1, 0, 0xABCDEFL, 100)); // unknown SSRC and payload type
        assertEquals(sink.packets, List.of("AUDIO " + CHROME_AUDIO_SSRC + " seq 1 OPUS/111",
                "VIDEO " + CHROME_VIDEO_SSRC + " seq 7 VP8/96"));
        assertEquals(p.debugState().get("unknownSource"), 1L);
    }

    @Test
    public void learnsUnsignalledSourcesByMidAndFollowsAnEncoderRestart() throws Exception {
        String offer = RoomFixtures.sdp("chrome-offer.sdp").replaceAll("a=ssrc[^\r\n]*\r\n", "");
        RecordingSink sink = new RecordingSink();
        Publisher p = publisher(RoomFixtures.tracks(offer), new RoomFixtures.RecordingTransport(), sink);
        receive(p, rtp(VP8, 1, 0, 1111, 500, ascii(EXT_MID, "1")));
        receive(p, rtp(VP8, 2, 0, 1111, 500)); // known by SSRC now, no mid needed
        receive(p, rtp(OPUS, 1, 0, 2222, 60)); // no mid: placed by payload type
        receive(p, rtp(VP8, 9, 0, 3333, 500, ascii(EXT_MID, "1"))); // a new SSRC on the same track
        receive(p, rtp(VP8, 3, 0, 1111, 500)); // the old one is no longer forwarded
        assertEquals(sink.packets, List.of("VIDEO 1111 seq 1 VP8/96", "VIDEO 1111 seq 2 VP8/96", "AUDIO 2222 seq 1 OPUS/111",
                "VIDEO 3333 seq 9 VP8/96"));
    }

    @Test
    public void senderReportsReachTheSinksAndFeedTheReceiverReports() throws Exception {
        RecordingSink sink = new RecordingSink();
        RoomFixtures.RecordingTransport transport = new RoomFixtures.RecordingTransport();
        Publisher p = publisher(RoomFixtures.chromeTracks(), transport, sink);
        for (int seq = 10; seq < 20; seq++) {
            if (seq != 15) {
                receive(p, rtp(VP8, seq, 3000L * seq, CHROME_VIDEO_SSRC, 500));
            }
        }
        long ntp = NtpTime.fromUnixMillis(1_800_000_000_000L);
        byte[] sr = new byte[64];
        int len = SenderReport.write(sr, 0, CHROME_VIDEO_SSRC, ntp, 45_000, 9, 4500, new ReportBlock[0], 0);
        p.onRtcp(sr, 0, len);
        assertEquals(sink.senderReports, List.of("VIDEO " + CHROME_VIDEO_SSRC + " " + ntp + " 45000"));

        transport.rtcp.clear();
        p.sendReceiverReport(System.nanoTime());
        byte[] datagram = transport.rtcp.get(0);
        assertEquals(rtcpTypes(datagram).get(0), RtcpPacketType.RECEIVER_REPORT + "/1");
        ReceiverReport rr = new ReceiverReport();
        assertTrue(rr.reset(datagram, 0, datagram.length));
        ReportBlock block = new ReportBlock();
        rr.readReportBlock(0, block);
        assertEquals(block.ssrc(), CHROME_VIDEO_SSRC);
        assertEquals(block.cumulativeLost(), 1);
        assertEquals(block.extendedHighestSequenceNumber(), 19);
        assertEquals(block.lastSenderReport(), NtpTime.toCompact(ntp));
        assertTrue(rtcpTypes(datagram).contains(RtcpPacketType.SOURCE_DESCRIPTION + "/1"), "SDES CNAME follows");
    }

    @Test
    public void answersTransportWideSequenceNumbersWithFeedback() throws Exception {
        RoomFixtures.RecordingTransport transport = new RoomFixtures.RecordingTransport();
        Publisher p = publisher(RoomFixtures.chromeTracks(), transport, new RecordingSink());
        for (int i = 0; i < 5; i++) {
            receive(p, rtp(VP8, i, 0, CHROME_VIDEO_SSRC, 500, seq16(EXT_TRANSPORT_CC, 1000 + i)));
            Thread.sleep(60);
        }
        TransportCcFeedback fb = new TransportCcFeedback();
        int statuses = 0;
        for (byte[] datagram : transport.rtcp) {
            RtcpCompoundIterator it = new RtcpCompoundIterator();
            it.reset(datagram, 0, datagram.length);
            while (it.next()) {
                if (fb.reset(datagram, it.packetOffset(), it.packetLength())) {
                    statuses += fb.packetStatusCount();
                }
            }
        }
        assertEquals(statuses, 5, "every transport-wide sequence number reported once");
    }

    /** An RTX packet (RFC 4588 section 4): OSN, then the original payload. */
    private static byte[] rtx(int rtxSeq, int osn, long timestamp, int payloadLength) {
        byte[] p = rtp(VP8_RTX, rtxSeq, timestamp, CHROME_VIDEO_RTX_SSRC, payloadLength + 2);
        p[12] = (byte) (osn >> 8);
        p[13] = (byte) osn;
        return p;
    }

    @Test
    public void nacksWhatItMissedAndForwardsTheRtxRepairAsTheOriginal() throws Exception {
        RecordingSink sink = new RecordingSink();
        RoomFixtures.RecordingTransport transport = new RoomFixtures.RecordingTransport();
        Publisher p = publisher(RoomFixtures.chromeTracks(), transport, sink);
        receive(p, rtp(VP8, 65_534, 3000, CHROME_VIDEO_SSRC, 900));
        receive(p, rtp(VP8, 1, 6000, CHROME_VIDEO_SSRC, 900)); // 65535 and 0 lost on the way in
        Thread.sleep(Publisher.NACK_CHECK_MILLIS + 5);
        receive(p, rtp(VP8, 2, 6000, CHROME_VIDEO_SSRC, 900));
        List<Integer> nacked = new ArrayList<>();
        for (byte[] datagram : transport.rtcp) {
            RtcpCompoundIterator it = new RtcpCompoundIterator();
            it.reset(datagram, 0, datagram.length);
            while (it.next()) {
                GenericNack nack = new GenericNack();
                if (nack.reset(datagram, it.packetOffset(), it.packetLength())) {
                    assertEquals(nack.mediaSsrc(), CHROME_VIDEO_SSRC);
                    int[] lost = new int[32];
                    int n = nack.copyLost(lost, 0);
                    for (int i = 0; i < n; i++) {
                        nacked.add(lost[i]);
                    }
                }
            }
        }
        assertEquals(nacked, List.of(65_535, 0), "RFC 4585 generic NACK for the gap across the wrap");

        byte[] repair = rtx(500, 65_535, 6000, 300);
        receive(p, repair);
        receive(p, rtx(501, 65_535, 6000, 300)); // the publisher answered twice
        receive(p, rtx(502, 2, 6000, 300)); // an RTX copy of a packet we have (libwebrtc probes that way)
        assertEquals(sink.packets.size(), 4, "only the repair we needed is forwarded: " + sink.packets);
        assertEquals(sink.packets.get(3), "VIDEO " + CHROME_VIDEO_SSRC + " seq 65535 VP8/96",
                "unwrapped: media SSRC, OSN, apt payload type");
        assertEquals(p.debugState().get("retransmissionsReceived"), 3L);
        assertEquals(p.debugState().get("redundantRetransmissions"), 2L);
        byte[] cached = new byte[1500];
        int len = p.cachedPacket(CHROME_VIDEO_SSRC, 65_535, cached, 0, System.currentTimeMillis());
        assertEquals(len, 12 + 300, "the repaired original is cached for viewers' NACKs");
        assertEquals(cached[12], repair[14], "payload after the OSN");
    }

    private static List<Long> rembBitrates(List<byte[]> datagrams) {
        List<Long> out = new ArrayList<>();
        for (byte[] d : datagrams) {
            RtcpCompoundIterator it = new RtcpCompoundIterator();
            it.reset(d, 0, d.length);
            while (it.next()) {
                ReceiverEstimatedMaxBitrate remb = new ReceiverEstimatedMaxBitrate();
                if (remb.reset(d, it.packetOffset(), it.packetLength())) {
                    assertEquals(remb.ssrcCount(), 1);
                    assertEquals(remb.ssrc(0), CHROME_VIDEO_SSRC);
                    out.add(remb.bitrate());
                }
            }
        }
        return out;
    }

    @Test
    public void rembCarriesTheConfiguredBitrateOnlyToPublishersWithoutTransportCc() throws Exception {
        String noTransportCc = RoomFixtures.sdp("chrome-offer.sdp")
                .replaceAll("a=extmap:" + EXT_TRANSPORT_CC + " [^\\r\\n]*\\r?\\n", "")
                .replaceAll("a=rtcp-fb:(\\d+) transport-cc\\r?\\n", "");
        RoomFixtures.RecordingTransport remb = new RoomFixtures.RecordingTransport();
        Publisher p = publisher(RoomFixtures.tracks(noTransportCc), remb, new RecordingSink());
        p.setRembBitrate(2_500_000);
        receive(p, rtp(VP8, 1, 3000, CHROME_VIDEO_SSRC, 900));
        p.sendReceiverReport(System.nanoTime());
        List<Long> announced = rembBitrates(remb.rtcp);
        assertEquals(announced.size(), 2, "one REMB with each receiver report (the first packet's and ours)");
        for (long bps : announced) {
            assertTrue(bps <= 2_500_000 && bps > 2_490_000, "about 2.5 Mbit/s, never more: " + announced);
        }

        RoomFixtures.RecordingTransport twcc = new RoomFixtures.RecordingTransport();
        Publisher q = publisher(RoomFixtures.chromeTracks(), twcc, new RecordingSink());
        q.setRembBitrate(2_500_000);
        receive(q, rtp(VP8, 1, 3000, CHROME_VIDEO_SSRC, 900));
        q.sendReceiverReport(System.nanoTime());
        assertTrue(!twcc.rtcp.isEmpty());
        assertEquals(rembBitrates(twcc.rtcp), List.of(), "transport-cc publishers estimate on their own");
    }
}
