package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static io.relaycast.sfu.room.RoomFixtures.VP8;
import static io.relaycast.sfu.room.RoomFixtures.rtp;
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
import io.relaycast.sfu.transport.PacketTransport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.testng.annotations.AfterMethod;
import org.testng.annotations.BeforeMethod;
import org.testng.annotations.Test;

/**
 * The hand-off from the receive thread to the forwarding workers loses, duplicates and reorders nothing: many
 * viewers spread over several workers each get every packet sent while they are in the room, in order, with
 * continuous sequence numbers, while viewers join and leave during the run and one viewer's transport fails.
 */
public class ForwardingWorkersRoomTest {
    private static final int PACKETS = 6000;
    private ScheduledExecutorService timer;
    private ForwardingWorkers<MediaPacket> workers;

    @BeforeMethod
    public void setUp() {
        timer = Executors.newSingleThreadScheduledExecutor();
        // a small queue, so that a burst really fills it: the test paces itself to what the workers keep up with
        workers = new ForwardingWorkers<>(new ForwardingConfig(4, 1024, 2048), MediaPacket.MAX_LENGTH,
                MediaPacket::new);
    }

    @AfterMethod
    public void tearDown() {
        workers.close();
        timer.shutdownNow();
    }

    @Test
    public void everyViewerGetsEveryPacketInOrderWhileOthersJoinLeaveAndFail() throws Exception {
        Room room = new Room("s", timer, workers);
        PublishedTracks tracks = RoomFixtures.chromeTracks();
        Publisher publisher = new Publisher("p", new RoomFixtures.RecordingTransport(false), NO_SIGNALING, tracks, room);
        room.setPublisher(publisher);

        List<Viewer> steady = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            steady.add(join(room, tracks, "steady" + i));
        }
        Viewer failing = join(room, tracks, "failing");
        List<Viewer> leavers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            leavers.add(join(room, tracks, "leaver" + i));
        }
        List<Viewer> joiners = new ArrayList<>();
        List<Viewer> departed = new ArrayList<>();
        Random random = new Random(7);
        byte[] packet = Arrays.copyOf(rtp(VP8, 0, 0, CHROME_VIDEO_SSRC, 900), 1400);
        int length = 12 + 900;
        for (int n = 0; n < PACKETS; n++) {
            BigEndian.put16(packet, 2, n & 0xFFFF);
            BigEndian.put32(packet, 4, 3000L * n);
            BigEndian.put32(packet, 12, n); // the packet's index, first in the payload
            publisher.onRtp(packet, 0, length);
            // membership changes on this thread, between two packets: what was dispatched before goes to the old
            // members, what comes after to the new ones, while the workers are still busy with earlier packets
            if (n % 300 == 150) {
                Viewer v = join(room, tracks, "joiner" + n);
                v.first = n + 1;
                joiners.add(v);
            }
            if (n % 300 == 75 && !leavers.isEmpty()) {
                Viewer gone = leavers.remove(random.nextInt(leavers.size()));
                assertTrue(room.removeSubscriber(gone.subscriber));
                gone.last = n;
                departed.add(gone);
            }
            if (n == PACKETS / 2) {
                awaitDrained();
                failing.transport.fail = true; // its sends fail from now on
            }
            if (n % 64 == 63) {
                awaitDrained(); // pace the sender to what the workers take, so no queue overflows
            }
        }
        awaitDrained();

        assertTrue(joiners.size() >= 10 && departed.size() >= 10, "the run had joins and leaves");
        for (Viewer v : steady) {
            v.assertContiguous(0, PACKETS - 1);
        }
        for (Viewer v : leavers) {
            v.assertContiguous(0, PACKETS - 1);
        }
        for (Viewer v : joiners) {
            v.assertContiguous(v.first, PACKETS - 1);
        }
        for (Viewer v : departed) {
            v.assertContiguous(0, v.last);
        }
        // the failing viewer got the first half in order, then its transport refused everything
        failing.assertContiguous(0, PACKETS / 2);
        assertEquals(failing.transport.refused, PACKETS - PACKETS / 2 - 1, "refused sends after the failure");
        Map<String, Object> state = workers.debugState();
        assertEquals(workers.dropped(), 0L, "nothing dropped at the hand-off: " + state);
        int[] perWorker = (int[]) room.debugState().get("sinksPerWorker");
        for (int n : perWorker) {
            assertTrue(n > 0, "every worker serves some viewers: " + Arrays.toString(perWorker));
        }
    }

    private void awaitDrained() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> each = (List<Map<String, Object>>) workers.debugState().get("workers");
            boolean empty = each.stream().allMatch(w -> ((Number) w.get("queued")).intValue() == 0);
            Object available = workers.debugState().get("poolAvailable");
            if (empty && ((Number) available).intValue() == 2048) {
                return;
            }
            assertTrue(System.nanoTime() < deadline, "workers did not drain: " + workers.debugState());
            Thread.sleep(1);
        }
    }

    private static Viewer join(Room room, PublishedTracks tracks, String id) {
        CountingTransport t = new CountingTransport();
        Subscriber s = new Subscriber(id, t, NO_SIGNALING, room,
                new ViewerSsrcs(0, 1000 + Math.abs(id.hashCode() % 100000), 0, "c", "s"), null, tracks);
        s.negotiated(null, new ViewerTrack(MediaKind.VIDEO, "1",
                List.of(new ViewerCodec(98, ForwardedCodec.VP8, "")), List.<ExtMap>of()), tracks);
        room.addSubscriber(s);
        s.onTransportReady();
        return new Viewer(s, t);
    }

    private static final class Viewer {
        final Subscriber subscriber;
        final CountingTransport transport;
        int first;
        int last;

        Viewer(Subscriber subscriber, CountingTransport transport) {
            this.subscriber = subscriber;
            this.transport = transport;
        }

        /** Got exactly packets first..last, with its own sequence numbers advancing by one each time. */
        void assertContiguous(int first, int last) {
            int n = transport.count;
            assertEquals(n, last - first + 1, subscriber.peerId() + " packets");
            for (int i = 0; i < n; i++) {
                assertEquals(transport.index[i], first + i, subscriber.peerId() + " packet " + i);
                if (i > 0) {
                    assertEquals(transport.seq[i], (transport.seq[i - 1] + 1) & 0xFFFF, subscriber.peerId() + " seq " + i);
                }
            }
        }
    }

    /** Records each packet's index and rewritten sequence number; written by one worker, read after draining. */
    private static final class CountingTransport implements PacketTransport {
        final int[] index = new int[PACKETS];
        final int[] seq = new int[PACKETS];
        volatile int count;
        volatile boolean fail;
        volatile int refused;

        @Override
        public boolean sendRtp(byte[] buf, int off, int len) {
            if (fail) {
                refused++;
                return false;
            }
            int c = count;
            seq[c] = BigEndian.u16(buf, off + 2);
            index[c] = (int) BigEndian.u32(buf, off + 12);
            count = c + 1;
            return true;
        }

        @Override
        public boolean sendRtcp(byte[] buf, int off, int len) {
            return true;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public int rtpOverhead() {
            return 16;
        }

        @Override
        public int rtcpOverhead() {
            return 20;
        }

        @Override
        public void close() {
        }

        @Override
        public Map<String, Object> debugState() {
            return Map.of();
        }
    }
}
