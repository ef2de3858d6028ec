package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static io.relaycast.sfu.room.RoomFixtures.VP8;
import static io.relaycast.sfu.room.RoomFixtures.receive;
import static io.relaycast.sfu.room.RoomFixtures.rtp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.api.PublisherStats;
import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.api.ViewerStats;
import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerSsrcs;
import io.relaycast.sfu.media.ViewerTrack;
import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.ReceiverReport;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.sdp.HeaderExtensions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The per-publisher and per-viewer stats, from real RTP and RTCP bytes through {@link Publisher} and
 * {@link Subscriber}: rates over the last second, loss and jitter of RFC 3550 section 6.4.1, and the viewer's round
 * trip from the LSR/DLSR of its receiver reports.
 */
public class MediaStatsTest {
    private static final long VIEWER_VIDEO_SSRC = 0xB0B0L;
    private static final ViewerSsrcs SSRCS = new ViewerSsrcs(0xA0A0L, VIEWER_VIDEO_SSRC, 0, "rc-test", "live1");
    private static final ViewerTrack AUDIO = new ViewerTrack(MediaKind.AUDIO, "a", List.of(
            new ViewerCodec(111, ForwardedCodec.OPUS, "")), List.of(new ExtMap(1, HeaderExtensions.AUDIO_LEVEL)));
    private static final ViewerTrack VIDEO = new ViewerTrack(MediaKind.VIDEO, "v", List.of(
            new ViewerCodec(96, ForwardedCodec.VP8, "")), List.of());
    private static final int PAYLOAD = 1000;
    /** An RTP packet without extensions: 12 header octets and the payload. */
    private static final int PACKET = 12 + PAYLOAD;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private Room room;
    private PublishedTracks tracks;
    private RoomFixtures.RecordingTransport publisherTransport;
    private Publisher publisher;

    @AfterClass(alwaysRun = true)
    public void stop() {
        timer.shutdownNow();
    }

    @BeforeMethod
    public void room() throws Exception {
        room = new Room("s", timer);
        tracks = RoomFixtures.chromeTracks();
        publisherTransport = new RoomFixtures.RecordingTransport();
        publisher = new Publisher("pub", publisherTransport, NO_SIGNALING, tracks, room);
        room.setPublisher(publisher);
    }

    private Subscriber viewer(RoomFixtures.RecordingTransport transport) {
        Subscriber s = new Subscriber("viewer", transport, NO_SIGNALING, room, SSRCS, null, tracks);
        s.negotiated(AUDIO, VIDEO, tracks);
        room.addSubscriber(s);
        s.onTransportReady();
        return s;
    }

    /** Video packets 33 ms of media time apart (3000 at 90 kHz) but handed over at once. */
    private void video(int fromSeq, int toSeq, int skipEvery) {
        for (int seq = fromSeq; seq <= toSeq; seq++) {
            if (skipEvery > 0 && seq % skipEvery == 0) {
                continue;
            }
            receive(publisher, rtp(VP8, seq, 3000L * seq, CHROME_VIDEO_SSRC, PAYLOAD));
        }
    }

    @Test
    public void thePublishersRateLossJitterNacksAndKeyframeRequests() throws Exception {
        long start = System.currentTimeMillis();
        video(1, 39, 10); // 10, 20 and 30 never arrive: 36 packets
        Thread.sleep(30);
        video(40, 40, 0); // the next NACK check (every 10 ms) asks for the gaps
        Thread.sleep(1020);
        video(41, 41, 0); // closes the rate window and sends the next receiver report (one a second)
        long elapsed = System.currentTimeMillis() - start;
        room.requestKeyframe();

        PublisherStats s = publisher.stats();
        // the window holds packets 1-40 (37 of them) and closed at packet 41
        double expectedPps = 37 * 1000.0 / elapsed;
        assertTrue(Math.abs(s.packetsPerSecond() - expectedPps) < 2, s + " against " + expectedPps);
        long expectedBps = 37L * PACKET * 8 * 1000 / elapsed;
        assertTrue(Math.abs(s.bitrateBps() - expectedBps) < expectedBps / 20, s + " against " + expectedBps);
        // the second report's interval: 2-41 expected (40), 37 received -> 3/40 = 19/256 (RFC 3550 A.3)
        assertEquals(s.packetsLost(), 3);
        assertEquals(s.lossPercent(), Math.round(19 * 100.0 / 256 * 100) / 100.0, s.toString());
        // media time says 33 ms apart, they arrived together: interarrival jitter (A.8) climbs toward 33 ms
        assertTrue(s.jitterMs() > 20 && s.jitterMs() < 1100, s.toString());
        assertNull(s.rttMs(), "no DLRR answered our receiver reference time (RFC 3611) here");
        assertTrue(s.nacksSent() >= 1, "the gaps were NACKed (RFC 4585 section 6.2.1): " + s);
        assertEquals(s.keyframeRequestsSent(), 1);

        @SuppressWarnings("unchecked")
        Map<String, Object> source = ((List<Map<String, Object>>) publisher.debugState().get("sources")).stream()
                .filter(d -> d.get("ssrc").equals(CHROME_VIDEO_SSRC)).findFirst().orElseThrow();
        assertEquals(source.get("bitrateBps"), s.bitrateBps(), "one video source: its rate is the total");
        assertEquals(source.get("lost"), 3);
    }

    @Test
    public void theViewersOutgoingRateLossJitterAndRoundTripFromItsReceiverReports() throws Exception {
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        Subscriber viewer = viewer(out);
        long start = System.currentTimeMillis();
        video(1, 30, 0);
        Thread.sleep(1050);
        video(31, 31, 0);
        long elapsed = System.currentTimeMillis() - start;
        ViewerStats before = viewer.stats();
        double expectedPps = 30 * 1000.0 / elapsed;
        assertTrue(Math.abs(before.packetsPerSecond() - expectedPps) < 2, before + " against " + expectedPps);
        long expectedBps = 30L * PACKET * 8 * 1000 / elapsed;
        assertTrue(Math.abs(before.bitrateBps() - expectedBps) < expectedBps / 20, before + " against " + expectedBps);
        assertTrue(before.receiving());
        assertNull(before.rttMs(), "no receiver report yet");
        assertNull(before.lossPercent());
        assertEquals(before.layer(), -1, "not simulcast");

        // the publisher's SR goes to the viewer with the publisher's NTP time (RFC 3550 section 6.4.1)
        long ntp = NtpTime.fromUnixMillis(1_800_000_000_000L);
        byte[] buf = new byte[128];
        int len = SenderReport.write(buf, 0, CHROME_VIDEO_SSRC, ntp, 93_000, 31, 31 * PAYLOAD, new ReportBlock[0], 0);
        publisher.onRtcp(buf, 0, len);
        long srSent = System.nanoTime();
        assertEquals(out.rtcp.size(), 1, "the viewer got its SR");

        // a report naming no SR of ours (LSR 0) carries loss and jitter but no round trip
        viewer.onRtcp(buf, 0, receiverReport(buf, 26, 5, 900, 0, 0));
        ViewerStats noRtt = viewer.stats();
        assertNull(noRtt.rttMs());
        assertEquals(noRtt.lossPercent(), 10.16, "26/256");
        assertEquals(noRtt.packetsLost(), 5);
        assertEquals(noRtt.jitterMs(), 10.0, "900 at 90 kHz");

        // the viewer held the SR 10 ms (DLSR) before reporting; the report arrives 40+ ms after the SR left
        Thread.sleep(40);
        len = receiverReport(buf, 0, 5, 900, NtpTime.toCompact(ntp), NtpTime.millisToCompact(10));
        long arrival = System.nanoTime();
        viewer.onRtcp(buf, 0, len);
        double upper = (System.nanoTime() - srSent) / 1e6 - 10;
        double lower = (arrival - srSent) / 1e6 - 10 - 0.1; // 1/65536 s rounding
        ViewerStats s = viewer.stats();
        assertNotNull(s.rttMs(), s.toString());
        assertTrue(s.rttMs() >= lower && s.rttMs() <= upper + 0.1, s.rttMs() + " ms, not in " + lower + ".." + upper);
        assertEquals(s.lossPercent(), 0.0, "the newest report counts");

        StreamStats stream = room.stats();
        assertEquals(stream.viewers(), List.of(stream.viewers().get(0)));
        assertEquals(stream.viewers().get(0).rttMs(), s.rttMs());
        @SuppressWarnings("unchecked")
        Map<String, Object> video = (Map<String, Object>) viewer.debugState().get("video");
        assertEquals(video.get("rttMs"), s.rttMs());
        assertTrue(((Number) video.get("packetsPerSecond")).doubleValue() > 0, video.toString());
    }

    @Test
    public void thePublishersRoundTripFromTheDlrrAnsweringOurReceiverReferenceTime() throws Exception {
        video(1, 1, 0); // the first packet sends a receiver report at once
        assertEquals(publisherTransport.rtcp.size(), 1);
        byte[] compound = publisherTransport.rtcp.get(0);
        long ourSsrc = BigEndian.u32(compound, 4); // the RR's sender SSRC
        // find the XR with the RRTR block (RFC 3611 section 4.4) in the compound packet
        long ntp = 0;
        boolean found = false;
        for (int at = 0; at < compound.length; at += (BigEndian.u16(compound, at + 2) + 1) * 4) {
            if ((compound[at + 1] & 0xFF) == 207 && compound[at + 8] == 4) {
                assertEquals(BigEndian.u32(compound, at + 4), ourSsrc);
                ntp = BigEndian.u64(compound, at + 12);
                found = true;
            }
        }
        assertTrue(found, "an RRTR went out with the receiver report");
        long sent = System.nanoTime();
        assertNull(publisher.stats().rttMs());

        Thread.sleep(40);
        // the publisher's XR (RFC 3611 section 4.5): a DLRR block about us, held 10 ms
        byte[] xr = new byte[24];
        xr[0] = (byte) 0x80;
        xr[1] = (byte) 207;
        BigEndian.put16(xr, 2, 5);
        BigEndian.put32(xr, 4, CHROME_VIDEO_SSRC);
        xr[8] = 5;
        BigEndian.put16(xr, 10, 3);
        BigEndian.put32(xr, 12, ourSsrc);
        BigEndian.put32(xr, 16, NtpTime.toCompact(ntp));
        BigEndian.put32(xr, 20, NtpTime.millisToCompact(10));
        long arrival = System.nanoTime();
        publisher.onRtcp(xr, 0, xr.length);
        double upper = (System.nanoTime() - sent) / 1e6 - 10;
        double lower = (arrival - sent) / 1e6 - 10 - 0.1;
        Double rtt = publisher.stats().rttMs();
        assertNotNull(rtt);
        assertTrue(rtt >= lower && rtt <= upper + 0.1, rtt + " ms, not in " + lower + ".." + upper);

        // a DLRR about someone else, or naming a time we never sent, changes nothing
        BigEndian.put32(xr, 16, NtpTime.toCompact(ntp) + 1);
        publisher.onRtcp(xr, 0, xr.length);
        assertEquals(publisher.stats().rttMs(), rtt);
    }

    /** A viewer's RR (RFC 3550 section 6.4.2) with one block about its video stream. */
    private static int receiverReport(byte[] buf, int fraction, int lost, long jitter, long lsr, long dlsr) {
        ReportBlock block = new ReportBlock().set(VIEWER_VIDEO_SSRC, fraction, lost, 0x1_0000L + 31, jitter, lsr, dlsr);
        return ReceiverReport.write(buf, 0, 0x1234L, new ReportBlock[] {block}, 1);
    }
}
