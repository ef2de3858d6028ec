package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_AUDIO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.EXT_ABS_SEND_TIME;
import static io.relaycast.sfu.room.RoomFixtures.EXT_AUDIO_LEVEL;
import static io.relaycast.sfu.room.RoomFixtures.EXT_MID;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static io.relaycast.sfu.room.RoomFixtures.OPUS;
import static io.relaycast.sfu.room.RoomFixtures.VP8;
import static io.relaycast.sfu.room.RoomFixtures.ascii;
import static io.relaycast.sfu.room.RoomFixtures.element;
import static io.relaycast.sfu.room.RoomFixtures.receive;
import static io.relaycast.sfu.room.RoomFixtures.rtp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerSsrcs;
import io.relaycast.sfu.media.ViewerTrack;
import io.relaycast.sfu.rtcp.GenericNack;
import io.relaycast.sfu.rtcp.NtpTime;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtcp.ReportBlock;
import io.relaycast.sfu.rtcp.RtcpPacketType;
import io.relaycast.sfu.rtcp.SenderReport;
import io.relaycast.sfu.rtcp.SourceDescription;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.rtp.SerialNumbers;
import io.relaycast.sfu.sdp.HeaderExtensions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

public class SubscriberTest {
    private static final ViewerSsrcs SSRCS = new ViewerSsrcs(0xA0A0L, 0xB0B0L, 0, "rc-test", "live1");
    /** A viewer that numbers things its own way (a WHEP player): opus 109, VP8 120, abs-send-time 9. */
    private static final ViewerTrack AUDIO = new ViewerTrack(MediaKind.AUDIO, "a", List.of(
            new ViewerCodec(109, ForwardedCodec.OPUS, "")), List.of(new ExtMap(5, HeaderExtensions.AUDIO_LEVEL)));
    private static final ViewerTrack VIDEO = new ViewerTrack(MediaKind.VIDEO, "v", List.of(
            new ViewerCodec(120, ForwardedCodec.VP8, "")), List.of(new ExtMap(9, HeaderExtensions.ABS_SEND_TIME)));

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
        Subscriber s = new Subscriber("view-" + System.nanoTime(), transport, NO_SIGNALING, room, SSRCS, null, tracks);
        s.negotiated(AUDIO, VIDEO, tracks);
        room.addSubscriber(s);
        s.onTransportReady();
        return s;
    }

    private static RtpHeaderReader read(byte[] packet) {
        RtpHeaderReader r = new RtpHeaderReader();
        assertTrue(r.reset(packet, 0, packet.length), "a valid RTP packet went out: " + r.status());
        return r;
    }

    @Test
    public void rewritesSsrcSequenceTimestampPayloadTypeAndExtensions() {
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        viewer(out);
        for (int i = 0; i < 5; i++) {
            receive(publisher, rtp(VP8, 65_533 + i, 4_294_960_000L + 3000L * i, CHROME_VIDEO_SSRC, 300,
                    element(EXT_ABS_SEND_TIME, (byte) 1, (byte) 2, (byte) 3), ascii(EXT_MID, "1")));
        }
        receive(publisher, rtp(OPUS, 40, 960, CHROME_AUDIO_SSRC, 60, element(EXT_AUDIO_LEVEL, (byte) 0x7F)));
        assertEquals(out.rtp.size(), 6);
        RtpHeaderReader first = read(out.rtp.get(0));
        for (int i = 0; i < 5; i++) {
            RtpHeaderReader r = read(out.rtp.get(i));
            assertEquals(r.ssrc(), 0xB0B0L, "the viewer's own video SSRC");
            assertEquals(r.payloadType(), 120, "VP8 in the viewer's numbering");
            assertEquals(r.sequenceNumber(), SerialNumbers.seqAdd(first.sequenceNumber(), i), "continuous across 65535 -> 0");
            assertEquals(SerialNumbers.tsDiff(r.timestamp(), first.timestamp()), 3000L * i, "spacing kept across the wrap");
            int abs = r.findExtension(9);
            assertTrue(abs > 0, "abs-send-time renumbered 2 -> 9");
            assertEquals(r.buffer()[abs], 1);
            assertEquals(r.findExtension(EXT_MID), -1, "the publisher's mid is erased");
            assertEquals(r.findExtension(EXT_ABS_SEND_TIME), -1);
            assertEquals(r.payloadLength(), 300);
        }
        RtpHeaderReader audio = read(out.rtp.get(5));
        assertEquals(audio.ssrc(), 0xA0A0L);
        assertEquals(audio.payloadType(), 109);
        assertTrue(audio.findExtension(5) > 0, "audio level renumbered 1 -> 5");
    }

    @Test
    public void aNewPublisherContinuesTheViewersStreams() throws Exception {
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        viewer(out);
        receive(publisher, rtp(VP8, 100, 50_000, CHROME_VIDEO_SSRC, 300));
        receive(publisher, rtp(VP8, 101, 53_000, CHROME_VIDEO_SSRC, 300));
        // the broadcaster reloads: a new publisher with other SSRCs, sequence numbers and timestamps
        String restarted = RoomFixtures.sdp("chrome-offer.sdp").replace(Long.toString(CHROME_VIDEO_SSRC), "777");
        Publisher next = new Publisher("pub2", new RoomFixtures.RecordingTransport(), NO_SIGNALING,
                RoomFixtures.tracks(restarted), room);
        room.setPublisher(next);
        Thread.sleep(40);
        receive(next, rtp(VP8, 9, 1_000_000, 777, 300));
        RtpHeaderReader before = read(out.rtp.get(1));
        RtpHeaderReader after = read(out.rtp.get(2));
        assertEquals(after.ssrc(), before.ssrc());
        assertEquals(after.sequenceNumber(), SerialNumbers.seqAdd(before.sequenceNumber(), 1), "no gap, no jump");
        long advance = SerialNumbers.tsDiff(after.timestamp(), before.timestamp());
        assertTrue(advance >= 40 * 90 && advance < 2_000 * 90, "timestamp moves on by the wall-clock time: " + advance);
    }

    @Test
    public void senderReportsAreMappedIntoTheViewersTimestampSpace() {
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        viewer(out);
        receive(publisher, rtp(VP8, 1, 90_000, CHROME_VIDEO_SSRC, 1000));
        receive(publisher, rtp(VP8, 2, 93_000, CHROME_VIDEO_SSRC, 1000));
        long firstViewerTimestamp = read(out.rtp.get(0)).timestamp();
        long ntp = NtpTime.fromUnixMillis(1_800_000_000_000L);
        byte[] sr = new byte[64];
        int len = SenderReport.write(sr, 0, CHROME_VIDEO_SSRC, ntp, 96_000, 2, 2000, new ReportBlock[0], 0);
        publisher.onRtcp(sr, 0, len);

        assertEquals(out.rtcp.size(), 1);
        byte[] datagram = out.rtcp.get(0);
        SenderReport reader = new SenderReport();
        assertTrue(reader.reset(datagram, 0, datagram.length));
        assertEquals(reader.senderSsrc(), 0xB0B0L);
        assertEquals(reader.ntpTimestamp(), ntp, "the publisher's wall clock, so audio and video line up");
        assertEquals(reader.rtpTimestamp(), (firstViewerTimestamp + 6_000) & 0xFFFF_FFFFL,
                "96000 is 6000 after the first packet's 90000, in the viewer's space too");
        assertEquals(reader.packetCount(), 2);
        assertEquals(reader.octetCount(), 2000);
        SourceDescription sdes = new SourceDescription();
        assertTrue(sdes.reset(datagram, reader.packetLength(), datagram.length - reader.packetLength()));
        assertTrue(sdes.nextChunk());
        assertEquals(sdes.cname(), "rc-test");

        // an SR of a source the viewer has not been sent yet means nothing to it
        out.rtcp.clear();
        len = SenderReport.write(sr, 0, CHROME_AUDIO_SSRC, ntp, 1, 1, 1, new ReportBlock[0], 0);
        publisher.onRtcp(sr, 0, len);
        assertTrue(out.rtcp.isEmpty());
    }

    @Test
    public void viewerKeyframeRequestsAreThrottledAcrossViewers() throws Exception {
        Subscriber a = viewer(new RoomFixtures.RecordingTransport()); // joining asks for a keyframe: sent at once
        Subscriber b = viewer(new RoomFixtures.RecordingTransport()); // within 500 ms: deferred
        byte[] pli = new byte[32];
        int len = PictureLossIndication.write(pli, 0, 0xB0B0L, 0xB0B0L);
        for (int i = 0; i < 10; i++) {
            (i % 2 == 0 ? a : b).onRtcp(pli, 0, len); // coalesced into the deferred one
        }
        assertEquals(keyframeRequestsTo(publisherTransport), 1);
        Thread.sleep(Room.KEYFRAME_INTERVAL_MILLIS + 300);
        assertEquals(keyframeRequestsTo(publisherTransport), 2, "one more at the end of the interval, not eleven");
    }

    private static long keyframeRequestsTo(RoomFixtures.RecordingTransport transport) {
        return transport.rtcp.stream().filter(d -> PublisherTest.rtcpTypes(d)
                .contains(RtcpPacketType.PAYLOAD_FEEDBACK + "/" + PictureLossIndication.FORMAT)).count();
    }

    @Test
    public void aFailingOrUnreadyViewerDoesNotDisturbTheOthers() {
        RoomFixtures.RecordingTransport healthy = new RoomFixtures.RecordingTransport();
        RoomFixtures.RecordingTransport broken = new RoomFixtures.RecordingTransport();
        broken.accept = false;
        viewer(broken);
        viewer(healthy);
        Subscriber notReady = new Subscriber("late", new RoomFixtures.RecordingTransport(), NO_SIGNALING, room, SSRCS,
                null, tracks);
        notReady.negotiated(AUDIO, VIDEO, tracks);
        room.addSubscriber(notReady); // DTLS not done: wants nothing yet
        room.addSink(new PacketSink() {
            @Override
            public boolean wants(MediaPacket packet) {
                return true;
            }

            @Override
            public void send(MediaPacket packet) {
                throw new IllegalStateException("a buggy tap");
            }
        });
        for (int i = 0; i < 20; i++) {
            receive(publisher, rtp(VP8, i, 3000L * i, CHROME_VIDEO_SSRC, 300));
        }
        assertEquals(healthy.rtp.size(), 20);
        assertFalse(notReady.isReady());
        assertEquals(room.debugState().get("sinkFailures"), 20L);
    }

    @Test
    public void payloadTypesTheViewerDidNotAcceptAreDropped() {
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        viewer(out);
        int h264 = tracks.video().codecs().stream().filter(c -> c.codec() == ForwardedCodec.H264).findFirst()
                .orElseThrow().payloadType();
        receive(publisher, rtp(h264, 1, 0, CHROME_VIDEO_SSRC, 300));
        assertTrue(out.rtp.isEmpty(), "this viewer took VP8 only");
    }

    // ---- retransmissions (RFC 4585 generic NACK, RFC 4588 RTX) ----

    private static final ViewerSsrcs RTX_SSRCS = new ViewerSsrcs(0xA0A0L, 0xB0B0L, 0xC0C0L, "rc-test", "live1");
    private static final ViewerTrack VIDEO_RTX = new ViewerTrack(MediaKind.VIDEO, "v", List.of(
            new ViewerCodec(120, ForwardedCodec.VP8, "", 121)), List.of());

    private Subscriber rtxViewer(RoomFixtures.RecordingTransport transport) {
        Subscriber s = new Subscriber("rtx-" + System.nanoTime(), transport, NO_SIGNALING, room, RTX_SSRCS, null,
                tracks);
        s.negotiated(AUDIO, VIDEO_RTX, tracks);
        room.addSubscriber(s);
        s.onTransportReady();
        return s;
    }

    private static void feed(Subscriber viewer, byte[] rtcp) {
        viewer.onRtcp(rtcp, 0, rtcp.length);
    }

    private static byte[] nack(long mediaSsrc, int... seqs) {
        byte[] buf = new byte[64];
        int len = GenericNack.write(buf, 0, 0x1234L, mediaSsrc, seqs, 0, seqs.length);
        return Arrays.copyOf(buf, len);
    }

    @Test
    public void nacksAreAnsweredWithRtxFromThePublishersCacheAcrossTheWrap() {
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        Subscriber viewer = rtxViewer(out);
        for (int i = 0; i < 6; i++) {
            receive(publisher, rtp(VP8, 65_532 + i, 9_000L * i, CHROME_VIDEO_SSRC, 200 + i,
                    element(EXT_ABS_SEND_TIME, (byte) 1, (byte) 2, (byte) 3)));
        }
        assertEquals(out.rtp.size(), 6);
        RtpHeaderReader third = read(out.rtp.get(3)); // publisher 65535
        RtpHeaderReader fifth = read(out.rtp.get(5)); // publisher 1
        feed(viewer, nack(0xB0B0L, third.sequenceNumber(), fifth.sequenceNumber()));
        assertEquals(out.rtp.size(), 8, "both answered");
        for (int k = 0; k < 2; k++) {
            RtpHeaderReader original = k == 0 ? third : fifth;
            RtpHeaderReader rtx = read(out.rtp.get(6 + k));
            assertEquals(rtx.ssrc(), 0xC0C0L, "the viewer's RTX SSRC");
            assertEquals(rtx.payloadType(), 121, "the viewer's RTX payload type");
            assertEquals(rtx.timestamp(), original.timestamp(), "the original's timestamp as the viewer got it");
            byte[] p = rtx.buffer();
            int at = rtx.payloadOffset();
            assertEquals(((p[at] & 0xFF) << 8) | (p[at + 1] & 0xFF), original.sequenceNumber(), "OSN first");
            assertEquals(rtx.payloadLength(), original.payloadLength() + 2);
            assertEquals(Arrays.copyOfRange(p, at + 2, at + 2 + original.payloadLength()),
                    Arrays.copyOfRange(original.buffer(), original.payloadOffset(),
                            original.payloadOffset() + original.payloadLength()), "the original payload");
            assertEquals(rtx.findExtension(EXT_ABS_SEND_TIME), -1, "extensions renumbered/erased as for the original");
        }
        RtpHeaderReader firstRtx = read(out.rtp.get(6));
        RtpHeaderReader secondRtx = read(out.rtp.get(7));
        assertEquals(secondRtx.sequenceNumber(), SerialNumbers.seqAdd(firstRtx.sequenceNumber(), 1),
                "RTX has its own sequence space (never the media's: SRTP replay protection)");

        feed(viewer, nack(0xB0B0L, third.sequenceNumber()));
        assertEquals(out.rtp.size(), 8, "a repeated NACK inside the guard interval is a duplicate");
        feed(viewer, nack(0xB0B0L, SerialNumbers.seqAdd(fifth.sequenceNumber(), 1)));
        assertEquals(out.rtp.size(), 8, "a number never sent is not answered");
        feed(viewer, nack(0xA0A0L, third.sequenceNumber()));
        assertEquals(out.rtp.size(), 8, "a NACK for another SSRC is not ours to answer");
        assertEquals(viewer.debugState().get("retransmittedRtx"), 2L);
        assertEquals(viewer.debugState().get("nackDuplicates"), 1L);
    }

    @Test
    public void withoutRtxTheProtectedBytesAreResentUnchanged() {
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        Subscriber viewer = viewer(out);
        for (int i = 0; i < 4; i++) {
            receive(publisher, rtp(VP8, 65_534 + i, 9_000L * i, CHROME_VIDEO_SSRC, 300));
        }
        RtpHeaderReader lost = read(out.rtp.get(2));
        feed(viewer, nack(0xB0B0L, lost.sequenceNumber()));
        assertEquals(out.resent.size(), 1);
        assertEquals(out.resent.get(0), out.rtp.get(2), "the very bytes sent the first time");
        feed(viewer, nack(0xB0B0L, lost.sequenceNumber()));
        assertEquals(out.resent.size(), 1, "duplicate ignored");
        assertEquals(viewer.debugState().get("retransmittedPlain"), 1L);
    }

    // ---- simulcast: one layer per viewer, switched on keyframes ----

    private static final int EXT_RID = 10;

    /** A VP8 packet of simulcast layer {@code rid}: a keyframe start (RFC 7741: S=1, PID=0, P=0) or a delta. */
    private static byte[] layerPacket(String rid, long ssrc, int seq, long timestamp, boolean keyframe) {
        byte[] p = rtp(VP8, seq, timestamp, ssrc, 200, ascii(EXT_MID, "1"), ascii(EXT_RID, rid));
        RtpHeaderReader r = read(p);
        p[r.payloadOffset()] = 0x10;
        p[r.payloadOffset() + 1] = (byte) (keyframe ? 0x00 : 0x01);
        return p;
    }

    @Test
    public void aSimulcastViewerGetsOneLayerAndSwitchesOnlyOnKeyframesWithoutAJump() throws Exception {
        PublishedTracks simulcast = RoomFixtures.tracks(RoomFixtures.sdp("chrome-simulcast-offer.sdp"));
        assertTrue(simulcast.video().isSimulcast());
        Publisher pub = new Publisher("pub-sc", new RoomFixtures.RecordingTransport(), NO_SIGNALING, simulcast, room);
        room.setPublisher(pub);
        long q = 1111, h = 2222, f = 3333;
        // the three layers are running before the viewer arrives
        receive(pub, layerPacket("q", q, 499, 7_000, false));
        receive(pub, layerPacket("h", h, 3_999, 37_000, false));
        receive(pub, layerPacket("f", f, 8_999, 67_000, false));
        RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport();
        Subscriber s = new Subscriber("sc-" + System.nanoTime(), out, NO_SIGNALING, room, SSRCS, null, simulcast);
        s.negotiated(AUDIO, VIDEO, simulcast);
        room.addSubscriber(s);
        s.onTransportReady();
        receive(pub, layerPacket("q", q, 500, 10_000, true));   // starts the viewer (any keyframe up to the target)
        receive(pub, layerPacket("f", f, 9_000, 70_000, false)); // the target layer, but a delta frame: dropped
        receive(pub, layerPacket("h", h, 4_000, 40_000, true));  // a keyframe of a layer that is not the target
        receive(pub, layerPacket("q", q, 501, 13_000, false));
        assertEquals(out.rtp.size(), 2, "layer q only, until the target's keyframe");
        Thread.sleep(20);
        receive(pub, layerPacket("f", f, 9_001, 73_000, true));  // the target's keyframe: switch
        receive(pub, layerPacket("q", q, 502, 16_000, false));   // the old layer stops
        receive(pub, layerPacket("f", f, 9_002, 73_000, false));
        assertEquals(out.rtp.size(), 4);
        RtpHeaderReader last = read(out.rtp.get(1));
        RtpHeaderReader switched = read(out.rtp.get(2));
        assertEquals(switched.ssrc(), last.ssrc(), "one stream for the viewer");
        assertEquals(switched.sequenceNumber(), SerialNumbers.seqAdd(last.sequenceNumber(), 1), "no sequence jump");
        long advance = SerialNumbers.tsDiff(switched.timestamp(), last.timestamp());
        assertTrue(advance > 0 && advance < 2_000 * 90, "timestamp moves on by the wall-clock time: " + advance);
        assertEquals(read(out.rtp.get(3)).sequenceNumber(), SerialNumbers.seqAdd(switched.sequenceNumber(), 1));

        s.setQuality(LayerSelector.Quality.LOW); // the viewer asks for the lowest layer
        receive(pub, layerPacket("q", q, 503, 19_000, false));
        receive(pub, layerPacket("f", f, 9_003, 76_000, false));
        receive(pub, layerPacket("q", q, 504, 22_000, true));
        receive(pub, layerPacket("f", f, 9_004, 79_000, false));
        assertEquals(out.rtp.size(), 6, "f until q's keyframe, then q");
        assertEquals(read(out.rtp.get(5)).sequenceNumber(), SerialNumbers.seqAdd(read(out.rtp.get(3)).sequenceNumber(), 2));
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> layer = (java.util.Map<String, Object>) s.debugState().get("simulcast");
        assertEquals(layer.get("current"), 0);
        assertEquals(layer.get("quality"), "low");
        assertEquals(layer.get("switches"), 3L);
    }
}
