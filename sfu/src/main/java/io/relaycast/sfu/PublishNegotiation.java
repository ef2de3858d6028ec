package io.relaycast.sfu;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane.CandidateSink;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.sdp.PublisherAnswer;
import io.relaycast.sfu.sdp.PublisherAnswerBuilder;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.transport.WebRtcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * A broadcaster's offer → our answer (browser over Socket.IO, or WHIP): a re-offer with a new ice-ufrag on the
 * live peer connection is an ICE restart ({@link IceRestarts}); anything else builds a transport and a
 * {@link Publisher}, installs it in the stream's room (replacing the previous publisher) and answers
 * {@code passive} with our host candidates.
 */
final class PublishNegotiation {
    private static final Logger LOG = LoggerFactory.getLogger(PublishNegotiation.class);

    private final RoomRegistry rooms;
    private final TransportBinding binding;
    private final IceRestarts restarts;
    private final PublisherAnswerBuilder publisherAnswers;
    private final long rembBitsPerSecond;

    PublishNegotiation(RoomRegistry rooms, TransportBinding binding, IceRestarts restarts,
                       PublisherAnswerBuilder publisherAnswers, int publisherMaxKbps) {
        this.rooms = rooms;
        this.binding = binding;
        this.restarts = restarts;
        this.publisherAnswers = publisherAnswers;
        this.rembBitsPerSecond = publisherMaxKbps * 1000L;
    }

    String publish(String streamId, String peerId, String sdpOffer, CandidateSink candidates)
            throws MediaException {
        String restarted = restarts.publisherReoffer(streamId, peerId, sdpOffer);
        if (restarted != null) {
            return restarted;
        }
        TransportBinding.PeerEvents events = binding.newEvents();
        WebRtcTransport transport = binding.newTransport(IceRole.forOfferer(false), events);
        Room room = null;
        try {
            PublisherAnswer answer = publisherAnswers.answer(sdpOffer, binding.local(transport));
            List<DtlsFingerprint> fingerprints = TransportBinding.fingerprints(answer.remote());
            Publisher publisher;
            Publisher replaced;
            while (true) {
                room = rooms.open(streamId);
                synchronized (room) {
                    if (room.isClosed()) {
                        continue;
                    }
                    publisher = new Publisher(peerId, transport, candidates, answer.tracks(), room);
                    publisher.setRembBitrate(rembBitsPerSecond);
                    events.bind(publisher, room);
                    transport.setMediaHandler(publisher);
                    TransportBinding.connect(transport, answer.remote(), fingerprints,
                            TransportBinding.dtlsRole(answer.isDtlsServer()));
                    replaced = room.setPublisher(publisher);
                }
                break;
            }
            if (replaced != null) {
                LOG.info("stream {}: publisher {} replaces {}", streamId, peerId, replaced.peerId());
                replaced.close();
            }
            LOG.info("stream {}: publisher {} with {}", streamId, peerId, publisher.debugState().get("tracks"));
            TransportBinding.trickleOwnCandidates(transport, answer.answer(), candidates);
            return answer.answerSdp();
        } catch (SdpException e) {
            failed(transport, room);
            throw new MediaException(e.code(), e.getMessage());
        } catch (MediaException | RuntimeException e) {
            failed(transport, room);
            throw e;
        }
    }

    /** Undoes a publish that failed half-way: the transport goes, and so does a room it left empty. */
    private void failed(WebRtcTransport transport, Room room) {
        transport.close();
        if (room != null) {
            rooms.dropIfEmpty(room);
        }
    }
}
