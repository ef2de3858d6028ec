package io.relaycast.sfu.room;

import static io.relaycast.sfu.room.RoomFixtures.CHROME_VIDEO_SSRC;
import static io.relaycast.sfu.room.RoomFixtures.NO_SIGNALING;
import static io.relaycast.sfu.room.RoomFixtures.VP8;
import static io.relaycast.sfu.room.RoomFixtures.receive;
import static io.relaycast.sfu.room.RoomFixtures.rtp;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerSsrcs;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.testng.annotations.AfterClass;
import org.testng.annotations.Test;

public class RoomTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterClass(alwaysRun = true)
    public void stop() {
        timer.shutdownNow();
    }

    /** A tap for one kind, recording the sequence numbers it got. */
    static final class KindTap implements PacketSink {
        final MediaKind kind;
        final List<Integer> seqs = new ArrayList<>();
        PublishedTracks announced;

        KindTap(MediaKind kind) {
            this.kind = kind;
        }

        @Override
        public boolean wants(MediaPacket packet) {
            return packet.kind() == kind;
        }

        @Override
        public void send(MediaPacket packet) {
            seqs.add(packet.header().sequenceNumber());
        }

        @Override
        public void onPublisher(PublishedTracks tracks) {
            announced = tracks;
        }
    }

    @Test
    public void fansOutToEverySinkThatWantsThePacket() throws Exception {
        Room room = new Room("s", timer);
        PublishedTracks tracks = RoomFixtures.chromeTracks();
        Publisher publisher = new Publisher("p", new RoomFixtures.RecordingTransport(), NO_SIGNALING, tracks, room);
        KindTap video = new KindTap(MediaKind.VIDEO);
        KindTap audio = new KindTap(MediaKind.AUDIO);
        room.addSink(video);
        room.addSink(audio);
        room.setPublisher(publisher);
        assertSame(video.announced, tracks, "taps learn the publisher's tracks");
        receive(publisher, rtp(VP8, 1, 0, CHROME_VIDEO_SSRC, 100));
        room.removeSink(video);
        receive(publisher, rtp(VP8, 2, 0, CHROME_VIDEO_SSRC, 100));
        assertEquals(video.seqs, List.of(1), "removed sinks get nothing more");
        assertTrue(audio.seqs.isEmpty());
        assertEquals(room.debugState().get("packetsForwarded"), 2L);
    }

    @Test
    public void membershipByPeerIdReplacesAndRemovesExactly() throws Exception {
        Room room = new Room("s", timer);
        PublishedTracks tracks = RoomFixtures.chromeTracks();
        ViewerSsrcs ssrcs = new ViewerSsrcs(1, 2, 0, "c", "s");
        Subscriber first = new Subscriber("v", new RoomFixtures.RecordingTransport(), NO_SIGNALING, room, ssrcs, null, tracks);
        Subscriber again = new Subscriber("v", new RoomFixtures.RecordingTransport(), NO_SIGNALING, room, ssrcs, null, tracks);
        assertNull(room.addSubscriber(first));
        assertSame(room.addSubscriber(again), first, "a re-join under the same peer id replaces the old peer");
        assertEquals(room.subscriberCount(), 1);
        assertEquals(room.debugState().get("sinks"), 1);
        assertFalse(room.removeSubscriber(first), "the replaced one is no longer a member");
        assertTrue(room.removeSubscriber(again));
        assertTrue(room.isEmpty());

        Publisher p = new Publisher("p", new RoomFixtures.RecordingTransport(), NO_SIGNALING, tracks, room);
        room.setPublisher(p);
        room.addSubscriber(first);
        assertFalse(room.closeIfEmpty());
        List<Object> peers = room.close();
        assertEquals(peers.size(), 2);
        assertTrue(room.isClosed());
        assertNull(room.publisher());
        assertEquals(room.subscriberCount(), 0);
    }
}
