package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_AUDIO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_RTX_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static io.relaycast.sfu.room.RoomFixtures.OPUS;
import static io.relaycast.sfu.room.RoomFixtures.VP8;
import static io.relaycast.sfu.room.RoomFixtures.VP8_RTX;
import static io.relaycast.sfu.room.RoomFixtures.receive;
import static io.relaycast.sfu.room.RoomFixtures.rtp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.rtp.RtpHeaderReader;
import io.relaycast.sfu.tap.RoomTaps;
import io.relaycast.sfu.tap.RtpTap;
import io.relaycast.sfu.tap.TapPorts;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

/** The tap as a room sink: what reaches the local consumer, and what happens when the consumer is slow. */
public class RtpTapTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterClass(alwaysRun = true)
    public void stop() {
        timer.shutdownNow();
    }

    private static DatagramSocket bind(int port) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, port));
        s.setSoTimeout(2000);
        return s;
    }

    private static byte[] next(DatagramSocket s) throws Exception {
        DatagramPacket p = new DatagramPacket(new byte[2000], 2000);
        s.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    private static void assertNothing(DatagramSocket s) throws Exception {
        s.setSoTimeout(300);
        try {
            byte[] got = next(s);
            throw new AssertionError("expected nothing, got " + got.length + " bytes");
        } catch (SocketTimeoutException expected) {
            // good
        }
    }

    /**
     * A browser starts simulcast with its lower layers while its bandwidth estimate grows: the tap (HLS, recording)
     * waits for the top layer instead of locking onto the first one it sees, and then keeps it. Taking it is told
     * once (the tool joins mid-GOP: its owner asks for a keyframe), not for the layers passed over.
     */
    @Test
    public void aSimulcastPublisherIsTappedOnItsTopLayer() throws Exception {
        int audioPort = TapPorts.evenPair(LOOPBACK);
        int videoPort = TapPorts.evenPair(LOOPBACK);
        Room room = new Room("s", timer);
        io.relaycast.sfu.media.PublishedTracks simulcast = RoomFixtures.tracks(RoomFixtures.sdp("chrome-simulcast-offer.sdp"));
        Publisher publisher = new Publisher("p", new RoomFixtures.RecordingTransport(), NO_SIGNALING, simulcast, room);
        try (DatagramSocket video = bind(videoPort);
             RtpTap tap = new RtpTap("t", LOOPBACK, audioPort, videoPort, 64)) {
            java.util.concurrent.atomic.AtomicInteger sourceChanges = new java.util.concurrent.atomic.AtomicInteger();
            tap.onVideoSourceChanged(sourceChanges::incrementAndGet);
            room.addSink(tap);
            room.setPublisher(publisher);
            receive(publisher, rtp(VP8, 500, 7_000, 1111, 200, RoomFixtures.ascii(RoomFixtures.EXT_MID, "1"),
                    RoomFixtures.ascii(RID_EXTENSION, "q")));
            receive(publisher, rtp(VP8, 900, 37_000, 2222, 200, RoomFixtures.ascii(RoomFixtures.EXT_MID, "1"),
                    RoomFixtures.ascii(RID_EXTENSION, "h")));
            assertNothing(video);
            assertEquals(sourceChanges.get(), 0, "no source taken yet");
            byte[] top = rtp(VP8, 4000, 67_000, 3333, 200, RoomFixtures.ascii(RoomFixtures.EXT_MID, "1"),
                    RoomFixtures.ascii(RID_EXTENSION, "f"));
            receive(publisher, top);
            assertEquals(next(video), top, "the top layer goes out");
            assertEquals(sourceChanges.get(), 1, "taking the top layer is told (a keyframe is asked for)");
            receive(publisher, rtp(VP8, 4001, 67_000, 3333, 200, RoomFixtures.ascii(RoomFixtures.EXT_MID, "1"),
                    RoomFixtures.ascii(RID_EXTENSION, "f")));
            next(video);
            receive(publisher, rtp(VP8, 501, 10_000, 1111, 200, RoomFixtures.ascii(RoomFixtures.EXT_MID, "1"),
                    RoomFixtures.ascii(RID_EXTENSION, "q")));
            assertNothing(video);
            assertEquals(sourceChanges.get(), 1, "the same source again, or a layer passed over, is not a change");
        }
    }

    /** The rtp-stream-id extension's id in chrome-simulcast-offer.sdp. */
    private static final int RID_EXTENSION = 10;

    @Test
    public void deliversAudioAndOneVideoLayerAsPlainRtpDescribedByItsSdp() throws Exception {
        int audioPort = TapPorts.evenPair(LOOPBACK);
        int videoPort = TapPorts.evenPair(LOOPBACK);
        assertEquals(audioPort % 2, 0);
        Room room = new Room("s", timer);
        Publisher publisher = new Publisher("p", new RoomFixtures.RecordingTransport(), NO_SIGNALING,
                RoomFixtures.chromeTracks(), room);
        try (DatagramSocket audio = bind(audioPort); DatagramSocket video = bind(videoPort);
             DatagramSocket videoRtcp = bind(videoPort + 1);
             RtpTap tap = new RtpTap("t", LOOPBACK, audioPort, videoPort, 64)) {
            assertNull(tap.sdp(), "no SDP before a publisher is known");
            room.addSink(tap);
            room.setPublisher(publisher);
            String sdp = tap.sdp();
            assertTrue(sdp.contains("m=audio " + audioPort + " RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n"), sdp);
            assertTrue(sdp.contains("m=video " + videoPort + " RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n"), sdp);
            assertTrue(sdp.contains("c=IN IP4 127.0.0.1"), sdp);

            byte[] a = rtp(OPUS, 7, 960, CHROME_AUDIO_SSRC, 50);
            receive(publisher, a);
            assertEquals(next(audio), a, "audio goes out unmodified");
            byte[] v = rtp(VP8, 100, 3000, CHROME_VIDEO_SSRC, 900);
            receive(publisher, v);
            assertEquals(next(video), v, "video goes out unmodified");
            receive(publisher, rtp(VP8_RTX, 5, 3000, CHROME_VIDEO_RTX_SSRC, 900));
            receive(publisher, rtp(VP8, 1, 3000, 123456L, 900)); // a second layer while the first one is alive
            assertNothing(video);

            tap.onSenderReport(MediaKind.VIDEO, CHROME_VIDEO_SSRC, 0x1234_5678_9ABC_DEF0L, 3000);
            byte[] sr = next(videoRtcp);
            assertEquals(sr[1] & 0xFF, 200, "an RTCP sender report on the RTCP port");
            assertEquals(tap.dropped(), 0);
        }
    }

    /** A VP8 packet of simulcast layer {@code rid} (mid 1, rid extension 10 as in chrome-simulcast-offer.sdp). */
    private static byte[] layerPacket(String rid, long ssrc, int seq, boolean keyframe) {
        byte[] p = rtp(VP8, seq, seq * 3000L, ssrc, 200, RoomFixtures.ascii(RoomFixtures.EXT_MID, "1"),
                RoomFixtures.ascii(10, rid));
        RtpHeaderReader r = new RtpHeaderReader();
        r.reset(p, 0, p.length);
        p[r.payloadOffset()] = 0x10;
        p[r.payloadOffset() + 1] = (byte) (keyframe ? 0x00 : 0x01);
        return p;
    }

    /** Issue 18 item 3: split, every simulcast layer goes to a port of its own, one m-line each, lowest first. */
    @Test
    public void splitLayersSendEachSimulcastLayerToItsOwnPort() throws Exception {
        io.relaycast.sfu.media.PublishedTracks simulcast = RoomFixtures.tracks(RoomFixtures.sdp("chrome-simulcast-offer.sdp"));
        Room room = new Room("s", timer);
        Publisher pub = new Publisher("pub-sc", new RoomFixtures.RecordingTransport(), NO_SIGNALING, simulcast, room);
        int audioPort = TapPorts.evenPair(LOOPBACK);
        int videoPort = TapPorts.evenPair(LOOPBACK);
        int[] layers = {TapPorts.evenPair(LOOPBACK), TapPorts.evenPair(LOOPBACK), TapPorts.evenPair(LOOPBACK)};
        try (DatagramSocket video = bind(videoPort); DatagramSocket low = bind(layers[0]);
             DatagramSocket mid = bind(layers[1]); DatagramSocket high = bind(layers[2]);
             DatagramSocket midRtcp = bind(layers[1] + 1);
             RtpTap tap = new RtpTap("t", LOOPBACK, audioPort, videoPort, 64)) {
            room.addSink(tap);
            room.setPublisher(pub);
            tap.splitLayers(layers);
            String sdp = tap.sdp();
            int a = sdp.indexOf("m=video " + layers[0] + " ");
            int b = sdp.indexOf("m=video " + layers[1] + " ");
            int c = sdp.indexOf("m=video " + layers[2] + " ");
            assertTrue(a > 0 && b > a && c > b, "one video m-line per layer, lowest first:\n" + sdp);
            assertTrue(!sdp.contains("m=video " + videoPort + " "), sdp);
            byte[] q = layerPacket("q", 1111, 10, true);
            byte[] h = layerPacket("h", 2222, 20, true);
            byte[] f = layerPacket("f", 3333, 30, true);
            receive(pub, q);
            receive(pub, h);
            receive(pub, f);
            assertEquals(next(low), q, "layer 0 (q) on the first port, unmodified");
            assertEquals(next(mid), h);
            assertEquals(next(high), f);
            tap.onSenderReport(MediaKind.VIDEO, 2222, 0x1234_5678_9ABC_DEF0L, 60_000);
            assertEquals(next(midRtcp)[1] & 0xFF, 200, "a layer's sender report goes to its RTCP port");
            assertNothing(video);

            tap.splitLayers(null); // back to one layer on the video port
            receive(pub, layerPacket("h", 2222, 21, false));
            receive(pub, layerPacket("f", 3333, 31, false));
            assertEquals(next(video).length > 0, true);
            assertNothing(high);
            assertEquals(tap.dropped(), 0);
        }
    }

    @Test
    public void aStalledConsumerCostsDroppedPacketsNotAStalledFanOut() throws Exception {
        int audioPort = TapPorts.evenPair(LOOPBACK);
        Room room = new Room("s", timer);
        Publisher publisher = new Publisher("p", new RoomFixtures.RecordingTransport(), NO_SIGNALING,
                RoomFixtures.chromeTracks(), room);
        CountDownLatch release = new CountDownLatch(1);
        try (DatagramSocket audio = bind(audioPort);
             RtpTap tap = new RtpTap("slow", LOOPBACK, audioPort, audioPort + 2, 8, r -> new Thread(() -> {
                 try {
                     release.await(); // the sender is stuck: the queue can only fill up
                 } catch (InterruptedException e) {
                     return;
                 }
                 r.run();
             }))) {
            room.addSink(tap);
            room.setPublisher(publisher);
            long start = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                receive(publisher, rtp(OPUS, i, i * 960L, CHROME_AUDIO_SSRC, 100));
            }
            long micros = (System.nanoTime() - start) / 1000;
            assertEquals(tap.dropped(), 992, "all but the 8 queued packets are dropped and counted");
            assertTrue(micros < 500_000, "1000 packets through a stalled tap took " + micros + " us");
            release.countDown();
            RtpHeaderReader h = new RtpHeaderReader();
            for (int i = 0; i < 8; i++) {
                byte[] got = next(audio);
                assertTrue(h.reset(got, 0, got.length));
                assertEquals(h.sequenceNumber(), i, "the oldest packets were kept, in order");
            }
            // the sender counts a packet after its send returns, which can be just after we received it
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (tap.sent() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(tap.sent(), 8);
        }
    }

    @Test
    public void roomTapsFollowTheStreamFromRoomToRoomOnRoomEventsAndAskForAKeyframe() throws Exception {
        AtomicReference<Room> current = new AtomicReference<>();
        Room barrier = new Room("barrier", timer);
        RoomEvents events = new RoomEvents();
        RoomDirectory directory = new RoomDirectory() {
            public Room room(String streamId) {
                return streamId.equals("s") ? current.get() : streamId.equals("barrier") ? barrier : null;
            }

            public void addRoomListener(RoomListener listener) {
                events.add(listener);
            }

            public void removeRoomListener(RoomListener listener) {
                events.remove(listener);
            }
        };
        RoomFixtures.RecordingTransport transport = new RoomFixtures.RecordingTransport();
        try (RoomTaps taps = new RoomTaps(directory)) {
            RoomTest.KindTap tap = new RoomTest.KindTap(MediaKind.VIDEO);
            taps.attach("s", tap);
            // what the SFU's room registry does: publish the room, then announce it
            Room first = new Room("s", timer, null, events);
            current.set(first);
            events.onRoomOpened(first);
            first.setPublisher(new Publisher("p", transport, NO_SIGNALING, RoomFixtures.chromeTracks(), first));
            waitFor(() -> tap.announced != null);
            // the publisher reconnects into a new room; the old one closes
            Room second = new Room("s", timer, null, events);
            Publisher p2 = new Publisher("p2", transport, NO_SIGNALING, RoomFixtures.chromeTracks(), second);
            second.setPublisher(p2);
            current.set(second);
            events.onRoomOpened(second);
            first.close();
            waitFor(() -> (Integer) second.debugState().get("sinks") == 1);
            assertEquals(first.debugState().get("sinks"), 0, "the tap left the old room");
            receive(p2, rtp(VP8, 42, 0, CHROME_VIDEO_SSRC, 100));
            assertEquals(tap.seqs, java.util.List.of(42));
            assertTrue((Long) second.debugState().get("keyframeRequests") >= 1, "a keyframe was asked for on attach");
            // every cue queued so far has been handled once a later attach is (one room-taps thread, in order)
            taps.attach("barrier", new RoomTest.KindTap(MediaKind.AUDIO));
            waitFor(() -> (Integer) barrier.debugState().get("sinks") == 1);
            // a room that changes without an event is not seen: nothing polls
            Room unannounced = new Room("s", timer, null, new RoomEvents());
            current.set(unannounced);
            Thread.sleep(300);
            assertEquals(second.debugState().get("sinks"), 1, "no event, no move");
            assertEquals(unannounced.debugState().get("sinks"), 0);
            current.set(second);
            taps.detach(tap);
            waitFor(() -> (Integer) second.debugState().get("sinks") == 0);
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 3 s");
            }
            Thread.sleep(20);
        }
    }
}
