package io.relaycast.sfu.ingest;

import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.sdp.Fingerprint;
import io.relaycast.sfu.sdp.LocalTransport;
import io.relaycast.sfu.sdp.PublisherAnswer;
import io.relaycast.sfu.sdp.PublisherAnswerBuilder;
import io.relaycast.sfu.sdp.SdpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Puts local publications into rooms: the offer (see {@link LocalOffer}) is read by the SFU's own answer builder,
 * so the tracks are exactly what a WebRTC publisher with that offer would get, and the room's {@link Publisher}
 * runs unchanged on a {@link LoopbackTransport}.
 */
public final class LocalIngest {
    private static final Logger LOG = LoggerFactory.getLogger(LocalIngest.class);

    /** The SFU's room table, as far as a publication needs it. */
    public interface Rooms {
        /** The stream's open room, created when missing. */
        Room open(String streamId);

        /** Frees the room when nobody is in it any more. */
        void dropIfEmpty(Room room);
    }

    private final PublisherAnswerBuilder answers;
    private final Fingerprint fingerprint;
    private final Rooms rooms;

    public LocalIngest(PublisherAnswerBuilder answers, Fingerprint fingerprint, Rooms rooms) {
        this.answers = answers;
        this.fingerprint = fingerprint;
        this.rooms = rooms;
    }

    /** Replaces an earlier publication of the stream, as {@link MediaPlane#publish} does. */
    public LocalPublication publish(String streamId, String peerId, String offer, MediaPlane.CandidateSink sink)
            throws MediaException {
        PublisherAnswer answer;
        try {
            answer = answers.answer(offer, new LocalTransport("local", "localpublicationnoice00", fingerprint,
                    List.of()));
        } catch (SdpException e) {
            throw new MediaException(e.code(), e.getMessage());
        }
        LoopbackTransport transport = new LoopbackTransport();
        while (true) {
            Room room = rooms.open(streamId);
            Publisher publisher;
            Publisher replaced;
            synchronized (room) {
                if (room.isClosed()) {
                    continue;
                }
                publisher = new Publisher(peerId, transport, sink, answer.tracks(), room);
                replaced = room.setPublisher(publisher);
            }
            if (replaced != null) {
                LOG.info("stream {}: local publisher {} replaces {}", streamId, peerId, replaced.peerId());
                replaced.close();
            }
            LOG.info("stream {}: local publisher {} with {}", streamId, peerId, publisher.debugState().get("tracks"));
            return new Publication(publisher, room, transport);
        }
    }

    /** One local publication; packets are serialised because the Publisher expects one receive thread. */
    private final class Publication implements LocalPublication {
        private final Publisher publisher;
        private final Room room;
        private final LoopbackTransport transport;

        Publication(Publisher publisher, Room room, LoopbackTransport transport) {
            this.publisher = publisher;
            this.room = room;
            this.transport = transport;
        }

        @Override
        public void sendRtp(byte[] buf, int off, int len) {
            synchronized (this) {
                if (!transport.isClosed()) {
                    publisher.onRtp(buf, off, len);
                }
            }
        }

        @Override
        public void sendRtcp(byte[] buf, int off, int len) {
            synchronized (this) {
                if (!transport.isClosed()) {
                    publisher.onRtcp(buf, off, len);
                }
            }
        }

        @Override
        public void onKeyframeRequest(Runnable callback) {
            transport.onKeyframeRequest(callback);
        }

        @Override
        public boolean isOpen() {
            return !transport.isClosed() && room.publisher() == publisher;
        }

        @Override
        public void close() {
            boolean wasMember = room.removePublisher(publisher);
            publisher.close();
            rooms.dropIfEmpty(room);
            if (wasMember) {
                LOG.info("stream {}: local publisher {} left", room.streamId(), publisher.peerId());
            }
        }
    }
}
