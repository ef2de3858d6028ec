package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_AUDIO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.EXT_ABS_SEND_TIME;
import static io.relaycast.sfu.room.RoomFixtures.EXT_MID;
import static io.relaycast.sfu.room.RoomFixtures.EXT_TRANSPORT_CC;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static io.relaycast.sfu.room.RoomFixtures.OPUS;
import static io.relaycast.sfu.room.RoomFixtures.VP8;
import static io.relaycast.sfu.room.RoomFixtures.ascii;
import static io.relaycast.sfu.room.RoomFixtures.element;
import static io.relaycast.sfu.room.RoomFixtures.rtp;
import static io.relaycast.sfu.room.RoomFixtures.seq16;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.forward.ForwardingConfig;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.media.ExtMap;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerCodec;
import io.relaycast.sfu.media.ViewerSsrcs;
import io.relaycast.sfu.media.ViewerTrack;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.sdp.HeaderExtensions;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.testng.annotations.Test;

/**
 * The forwarding path allocates nothing per packet (architecture: "allocates nothing it can pool"): publisher
 * receive → room fan-out → per-viewer copy, rewrite and send, with receiver reports and transport-cc feedback going
 * out on the way. Measured with the JVM's per-thread allocation counter, after a warm-up; SRTP is outside this
 * seam (the transports here are fakes that keep nothing).
 */
public class ForwardingAllocationTest {

    @Test
    public void forwardingToViewersAllocatesNothingPerPacket() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            Room room = new Room("s", timer);
            PublishedTracks tracks = RoomFixtures.chromeTracks();
            Publisher publisher = new Publisher("p", new RoomFixtures.RecordingTransport(false), NO_SIGNALING, tracks,
                    room);
            room.setPublisher(publisher);
            List<RoomFixtures.RecordingTransport> outs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RoomFixtures.RecordingTransport out = new RoomFixtures.RecordingTransport(false);
                outs.add(out);
                addViewer(room, tracks, i, out);
            }
            byte[] video = videoPacket();
            byte[] audio = audioPacket();
            int[] counter = {0};
            Runnable oneRound = () -> {
                int n = counter[0]++;
                sendRound(publisher, video, audio, n);
            };
            for (int i = 0; i < 30_000; i++) {
                oneRound.run(); // warm-up: JIT, lazily created state
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            int rounds = 20_000;
            for (int i = 0; i < rounds; i++) {
                oneRound.run();
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            for (RoomFixtures.RecordingTransport out : outs) {
                assertEquals(out.rtpCount, 2L * (30_000 + rounds), "every packet reached every viewer");
            }
            System.out.println("forwarding allocated " + allocated + " bytes for " + 2 * rounds + " packets in");
            // 40,000 packets in, 120,000 out: even 1 byte per packet would be 40 kB; allow the counter's own noise
            assertTrue(allocated < 16 * 1024, "forwarding allocated " + allocated + " bytes for " + 2 * rounds
                    + " packets");
        } finally {
            timer.shutdownNow();
        }
    }

    /**
     * The same with the forwarding workers (the SFU's configuration): the receive thread copies each packet into a
     * pooled buffer and queues it, two workers copy, rewrite and send for their own viewers. Neither the receive
     * thread nor a worker allocates per packet; the pool and the queues are made once.
     */
    @Test
    public void forwardingThroughWorkersAllocatesNothingPerPacket() throws Exception {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        // no queue-delay bound: a worker descheduled for 200 ms on a busy machine would shed a packet, and this test
        // counts allocations, not shedding (ForwardingQueueDelayTest covers that)
        ForwardingWorkers<MediaPacket> workers = new ForwardingWorkers<>(new ForwardingConfig(2,
                ForwardingConfig.DEFAULT_QUEUE_PACKETS, ForwardingConfig.DEFAULT_POOL_PACKETS, 0),
                MediaPacket.MAX_LENGTH, MediaPacket::new);
        try {
            Room room = new Room("s", timer, workers);
            PublishedTracks tracks = RoomFixtures.chromeTracks();
            Publisher publisher = new Publisher("p", new RoomFixtures.RecordingTransport(false), NO_SIGNALING, tracks,
                    room);
            room.setPublisher(publisher);
            List<CountedTransport> outs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                CountedTransport out = new CountedTransport();
                outs.add(out);
                addViewer(room, tracks, i, out);
            }
            byte[] video = videoPacket();
            byte[] audio = audioPacket();
            int[] counter = {0};
            CountedTransport[] waitFor = outs.toArray(new CountedTransport[0]);
            Runnable oneRound = () -> {
                int n = counter[0]++;
                sendRound(publisher, video, audio, n);
                long expected = 2L * counter[0];
                // indexed, over an array: a for-each here made one ArrayList iterator per round on this thread
                // whenever the JIT did not scalar-replace it (32 bytes per round, counted against forwarding)
                long deadline = System.nanoTime() + 30_000_000_000L;
                for (int i = 0; i < waitFor.length; i++) {
                    while (waitFor[i].count < expected) {
                        if (System.nanoTime() > deadline) { // a lost packet fails the test instead of hanging it
                            throw new AssertionError("viewer " + i + " got " + waitFor[i].count + " of " + expected
                                    + " packets in 30 s; workers dropped " + workers.dropped());
                        }
                        Thread.onSpinWait(); // in step with the workers: no queue ever overflows
                    }
                }
            };
            for (int i = 0; i < 20_000; i++) {
                oneRound.run();
            }
            long[] ids = {Thread.currentThread().getId(), workers.thread(0).getId(), workers.thread(1).getId()};
            long[] before = threads.getThreadAllocatedBytes(ids);
            int rounds = 20_000;
            for (int i = 0; i < rounds; i++) {
                oneRound.run();
            }
            long[] after = threads.getThreadAllocatedBytes(ids);
            for (CountedTransport out : outs) {
                assertEquals(out.count, 2L * (20_000 + rounds), "every packet reached every viewer");
            }
            String[] names = {"receive thread", "worker 0", "worker 1"};
            for (int i = 0; i < ids.length; i++) {
                long allocated = after[i] - before[i];
                System.out.println(names[i] + " allocated " + allocated + " bytes for " + 2 * rounds + " packets");
                assertTrue(allocated < 16 * 1024, names[i] + " allocated " + allocated + " bytes for "
                        + 2 * rounds + " packets");
            }
            assertEquals(workers.dropped(), 0L);
        } finally {
            workers.close();
            timer.shutdownNow();
        }
    }

    /** Counts what a worker sends; keeps nothing. */
    private static final class CountedTransport extends RoomFixtures.RecordingTransport {
        volatile long count;

        CountedTransport() {
            super(false);
        }

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            count++;
            return true;
        }
    }

    private static final int VIDEO_LENGTH = 12 + 4 + 12 + 1100;
    private static final int AUDIO_LENGTH = 12 + 4 + 4 + 80;

    /** A Chrome-like VP8 packet (abs-send-time, transport-cc, mid) with room behind it. */
    private static byte[] videoPacket() {
        return Arrays.copyOf(rtp(VP8, 0, 0, CHROME_VIDEO_SSRC, 1100,
                element(EXT_ABS_SEND_TIME, (byte) 1, (byte) 2, (byte) 3), seq16(EXT_TRANSPORT_CC, 0),
                ascii(EXT_MID, "1")), 1300);
    }

    private static byte[] audioPacket() {
        return Arrays.copyOf(rtp(OPUS, 0, 0, CHROME_AUDIO_SSRC, 80, seq16(EXT_TRANSPORT_CC, 0)), 200);
    }

    /** Round n: one video and one audio packet with their sequence numbers, timestamps and transport-wide seqs. */
    private static void sendRound(Publisher publisher, byte[] video, byte[] audio, int n) {
        BigEndian.put16(video, 2, n & 0xFFFF);
        BigEndian.put32(video, 4, 3000L * n);
        BigEndian.put16(audio, 2, n & 0xFFFF);
        BigEndian.put32(audio, 4, 960L * n);
        BigEndian.put16(video, 12 + 4 + 4 + 1, (2 * n) & 0xFFFF); // transport-wide seq (after abs-send-time)
        BigEndian.put16(audio, 12 + 4 + 1, (2 * n + 1) & 0xFFFF);
        publisher.onRtp(video, 0, VIDEO_LENGTH);
        publisher.onRtp(audio, 0, AUDIO_LENGTH);
    }

    /** Viewer i with Opus and VP8 in its own numbering, ready. */
    private static void addViewer(Room room, PublishedTracks tracks, int i, io.relaycast.sfu.transport.PacketTransport out) {
        Subscriber s = new Subscriber("v" + i, out, NO_SIGNALING, room,
                new ViewerSsrcs(100 + i, 200 + i, 0, "c", "s"), null, tracks);
        s.negotiated(new ViewerTrack(MediaKind.AUDIO, "0", List.of(new ViewerCodec(111, ForwardedCodec.OPUS, "")),
                        List.of(new ExtMap(1, HeaderExtensions.AUDIO_LEVEL))),
                new ViewerTrack(MediaKind.VIDEO, "1", List.of(new ViewerCodec(98, ForwardedCodec.VP8, "")),
                        List.of(new ExtMap(7, HeaderExtensions.ABS_SEND_TIME))), tracks);
        room.addSubscriber(s);
        s.onTransportReady();
    }
}
