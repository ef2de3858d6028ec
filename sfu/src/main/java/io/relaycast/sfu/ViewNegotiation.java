package io.relaycast.sfu;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane.CandidateSink;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.DtlsRole;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.media.MediaKind;
import io.relaycast.sfu.media.PublishedTracks;
import io.relaycast.sfu.media.ViewerSsrcs;
import io.relaycast.sfu.media.ViewerTrack;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.Subscriber;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.SubscriberAnswer;
import io.relaycast.sfu.sdp.SubscriberAnswerReader;
import io.relaycast.sfu.sdp.SubscriberOfferBuilder;
import io.relaycast.sfu.sdp.ViewerAnswer;
import io.relaycast.sfu.sdp.ViewerAnswerBuilder;
import io.relaycast.sfu.transport.WebRtcTransport;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A viewer joins: over Socket.IO we offer (the publisher's payload types, the viewer's own SSRCs) and read its
 * answer; over WHEP we answer the player's recvonly offer in the player's numbering. Either way a
 * {@code ViewerTrack} per kind is mapped onto the current publisher's tracks by codec, so a publisher that
 * reconnects with other numbers keeps its viewers.
 */
final class ViewNegotiation {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RoomRegistry rooms;
    private final TransportBinding binding;
    private final IceRestarts restarts;
    private final SubscriberOfferBuilder subscriberOffers = new SubscriberOfferBuilder();
    private final SubscriberAnswerReader subscriberAnswers;
    private final ViewerAnswerBuilder viewerAnswers;

    ViewNegotiation(RoomRegistry rooms, TransportBinding binding, IceRestarts restarts,
                    SubscriberAnswerReader subscriberAnswers, ViewerAnswerBuilder viewerAnswers) {
        this.rooms = rooms;
        this.binding = binding;
        this.restarts = restarts;
        this.subscriberAnswers = subscriberAnswers;
        this.viewerAnswers = viewerAnswers;
    }

    /** Socket.IO: our offer to a new viewer. */
    String offer(String streamId, String peerId, CandidateSink candidates) throws MediaException {
        Room room = rooms.published(streamId);
        Publisher publisher = room.publisher();
        if (publisher == null) {
            throw RoomRegistry.notPublished(streamId);
        }
        TransportBinding.PeerEvents events = binding.newEvents();
        WebRtcTransport transport = binding.newTransport(IceRole.forOfferer(true), events);
        try {
            PublishedTracks tracks = publisher.tracks();
            ViewerSsrcs ssrcs = viewerSsrcs(tracks);
            SessionDescription offer = subscriberOffers.offer(tracks, binding.local(transport), ssrcs);
            Subscriber subscriber = new Subscriber(peerId, transport, candidates, room, ssrcs, offer, tracks);
            events.bind(subscriber, room);
            transport.setMediaHandler(subscriber);
            rooms.addSubscriber(room, subscriber, streamId);
            TransportBinding.trickleOwnCandidates(transport, offer, candidates);
            return offer.serialize();
        } catch (MediaException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** WHEP: our answer to a player's recvonly offer. */
    String answer(String streamId, String peerId, String sdpOffer, CandidateSink candidates) throws MediaException {
        Room room = rooms.published(streamId);
        Publisher publisher = room.publisher();
        if (publisher == null) {
            throw RoomRegistry.notPublished(streamId);
        }
        TransportBinding.PeerEvents events = binding.newEvents();
        WebRtcTransport transport = binding.newTransport(IceRole.forOfferer(false), events);
        try {
            PublishedTracks tracks = publisher.tracks();
            ViewerSsrcs ssrcs = viewerSsrcs(tracks);
            ViewerAnswer answer = viewerAnswers.answer(sdpOffer, tracks, binding.local(transport), ssrcs);
            List<DtlsFingerprint> fingerprints = TransportBinding.fingerprints(answer.remote());
            Subscriber subscriber = new Subscriber(peerId, transport, candidates, room, ssrcs, null, tracks);
            subscriber.negotiated(answer.track(MediaKind.AUDIO).orElse(null),
                    answer.track(MediaKind.VIDEO).orElse(null), tracks);
            events.bind(subscriber, room);
            transport.setMediaHandler(subscriber);
            TransportBinding.connect(transport, answer.remote(), fingerprints,
                    TransportBinding.dtlsRole(answer.isDtlsServer()));
            rooms.addSubscriber(room, subscriber, streamId);
            TransportBinding.trickleOwnCandidates(transport, answer.answer(), candidates);
            return answer.answerSdp();
        } catch (SdpException e) {
            transport.close();
            throw new MediaException(e.code(), e.getMessage());
        } catch (MediaException | RuntimeException e) {
            transport.close();
            throw e;
        }
    }

    /** Socket.IO: the viewer's answer to our offer (or to our ICE restart offer). */
    void acceptAnswer(String streamId, String peerId, String sdpAnswer) throws MediaException {
        Subscriber subscriber = rooms.viewer(streamId, peerId);
        if (IceRestarts.awaitsRestartAnswer(subscriber)) {
            restarts.acceptViewerAnswer(subscriber, sdpAnswer);
            return;
        }
        WebRtcTransport transport = TransportBinding.webRtc(subscriber);
        if (subscriber.offer() == null || transport.hasRemoteDescription()) {
            throw new MediaException("INVALID_STATE", "this viewer has no offer of ours waiting for an answer");
        }
        SubscriberAnswer answer;
        try {
            answer = subscriberAnswers.read(subscriber.offer(), sdpAnswer);
        } catch (SdpException e) {
            throw new MediaException(e.code(), e.getMessage());
        }
        PublishedTracks offered = subscriber.offeredTracks();
        ViewerTrack audio = answer.track(MediaKind.AUDIO).filter(t -> offered.audio() != null)
                .map(t -> t.toViewerTrack(offered.audio())).orElse(null);
        ViewerTrack video = answer.track(MediaKind.VIDEO).filter(t -> offered.video() != null)
                .map(t -> t.toViewerTrack(offered.video())).orElse(null);
        Room room = rooms.get(streamId);
        Publisher current = room == null ? null : room.publisher();
        subscriber.negotiated(audio, video, current != null ? current.tracks() : offered);
        // the viewer answered a=setup:active to our actpass (SubscriberAnswerReader insists): we are the server
        TransportBinding.connect(transport, answer.remote(), TransportBinding.fingerprints(answer.remote()),
                DtlsRole.SERVER);
    }

    private static ViewerSsrcs viewerSsrcs(PublishedTracks tracks) {
        long audio = tracks.audio() == null ? 0 : randomSsrc();
        long video;
        do {
            video = tracks.video() == null ? 0 : randomSsrc();
        } while (video != 0 && video == audio);
        byte[] id = new byte[8];
        RANDOM.nextBytes(id);
        String token = HexFormat.of().formatHex(id);
        long rtx;
        do {
            // RFC 4588 section 5: retransmissions to the viewer go on their own SSRC (session multiplexing)
            rtx = video == 0 ? 0 : randomSsrc();
        } while (rtx != 0 && (rtx == video || rtx == audio));
        return new ViewerSsrcs(audio, video, rtx, "rc-" + token, "relaycast-" + token);
    }

    private static long randomSsrc() {
        return 1 + (RANDOM.nextInt() & 0xFFFF_FFFFL) % 0xFFFF_FFFEL;
    }
}
