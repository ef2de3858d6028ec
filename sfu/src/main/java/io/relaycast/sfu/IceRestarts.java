package io.relaycast.sfu;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane.IceRestartAnswer;
import io.relaycast.sfu.ice.IceSession;
import io.relaycast.sfu.room.Peer;
import io.relaycast.sfu.room.Publisher;
import io.relaycast.sfu.room.Room;
import io.relaycast.sfu.room.Subscriber;
import io.relaycast.sfu.sdp.IceRestartSdp;
import io.relaycast.sfu.sdp.PublisherAnswer;
import io.relaycast.sfu.sdp.PublisherAnswerBuilder;
import io.relaycast.sfu.sdp.RemoteTransport;
import io.relaycast.sfu.sdp.SdpException;
import io.relaycast.sfu.sdp.SdpParser;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.SubscriberAnswer;
import io.relaycast.sfu.sdp.SubscriberAnswerReader;
import io.relaycast.sfu.transport.RestartRefusal;
import io.relaycast.sfu.transport.RestartRefusedException;
import io.relaycast.sfu.transport.WebRtcTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * ICE restarts (RFC 8445 section 9, RFC 8839 section 4.4.1.1.1; decisions 63-65) on a live transport, keeping its
 * DTLS association, SRTP keys and room membership: a publisher's re-offer with a new ice-ufrag, our restart offer
 * to a Socket.IO viewer and its answer, and WHIP/WHEP {@code PATCH} with the peer's new credentials.
 */
final class IceRestarts {
    private static final Logger LOG = LoggerFactory.getLogger(IceRestarts.class);

    private final RoomRegistry rooms;
    private final TransportBinding binding;
    private final PublisherAnswerBuilder publisherAnswers;
    private final SubscriberAnswerReader subscriberAnswers;

    IceRestarts(RoomRegistry rooms, TransportBinding binding, PublisherAnswerBuilder publisherAnswers,
                SubscriberAnswerReader subscriberAnswers) {
        this.rooms = rooms;
        this.binding = binding;
        this.publisherAnswers = publisherAnswers;
        this.subscriberAnswers = subscriberAnswers;
    }

    /**
     * A publisher's re-offer on its live peer connection with a new ice-ufrag (the browser's {@code
     * pc.restartIce()}): answered with new ICE credentials of ours, on the same transport, DTLS association and
     * publication. Null when the offer is not that (another peer, the same ufrag, or a new certificate, i.e. a new
     * peer connection): it is then published as usual, replacing the old publication.
     */
    String publisherReoffer(String streamId, String peerId, String sdpOffer) throws MediaException {
        Room room = rooms.get(streamId);
        Publisher current = room == null ? null : room.publisher();
        if (current == null || !current.peerId().equals(peerId)) {
            return null;
        }
        WebRtcTransport transport = TransportBinding.webRtc(current);
        String oldUfrag = transport.remoteUfrag();
        String offeredUfrag;
        try {
            SessionDescription offer = new SdpParser().parse(sdpOffer);
            offeredUfrag = offer.media().isEmpty() ? null : offer.media().get(0).attribute("ice-ufrag")
                    .orElse(offer.attribute("ice-ufrag").orElse(null));
        } catch (SdpException | RuntimeException e) {
            return null; // the usual path reports what is wrong with it
        }
        if (oldUfrag == null || offeredUfrag == null || offeredUfrag.equals(oldUfrag)
                || offeredUfrag.equals(transport.restartingRemoteUfrag()) || transport.isEnded()) {
            return null;
        }
        IceSession next = restart(transport, streamId, peerId);
        try {
            PublisherAnswer answer = publisherAnswers.answer(sdpOffer, binding.local(next));
            transport.completeIceRestart(answer.remote().iceUfrag(), answer.remote().icePwd(),
                    TransportBinding.candidateLines(answer.remote()), answer.remote().endOfCandidates(),
                    TransportBinding.fingerprints(answer.remote()));
            LOG.info("stream {}: publisher {} restarts ICE ({} -> {})", streamId, peerId, transport.localUfrag(),
                    next.localUfrag());
            return answer.answerSdp();
        } catch (RestartRefusedException e) {
            transport.cancelIceRestart(next);
            if (e.refusal() == RestartRefusal.FINGERPRINT_CHANGED) {
                return null; // a new peer connection from the same socket: a new publication
            }
            throw refused(e, streamId, peerId);
        } catch (SdpException e) {
            transport.cancelIceRestart(next);
            throw new MediaException(e.code(), e.getMessage());
        } catch (MediaException | RuntimeException e) {
            transport.cancelIceRestart(next);
            throw e;
        }
    }

    /** Our restart offer to a viewer we made the offer to (Socket.IO); its answer comes through acceptAnswer. */
    String viewerOffer(String streamId, String peerId) throws MediaException {
        Subscriber subscriber = rooms.viewer(streamId, peerId);
        if (subscriber.offer() == null) {
            throw new MediaException("INVALID_STATE", "this viewer made the offer (WHEP): it restarts ICE itself,"
                    + " with a PATCH carrying its new ice-ufrag and ice-pwd (RFC 9725 section 4.4.1)");
        }
        WebRtcTransport transport = TransportBinding.webRtc(subscriber);
        IceSession next = restart(transport, streamId, peerId);
        // the same offer, m-lines, codecs, SSRCs, fingerprint and setup; only the ICE credentials and the session
        // version change (RFC 8839 section 4.4.1.1.1, RFC 3264 section 8). Our candidates are the same addresses on
        // the same shared port and are in the SDP; they are not trickled again: trickled before the browser has the
        // new offer, they would land in the old generation
        String sdp = IceRestartSdp.withNewCredentials(subscriber.offer().serialize(), next.localUfrag(),
                next.localPassword(), transport.iceRestartsRequested());
        LOG.info("stream {}: viewer {} restarts ICE ({} -> {})", streamId, peerId, transport.localUfrag(),
                next.localUfrag());
        return sdp;
    }

    /** True when {@code subscriber}'s answer is to a restart offer of ours rather than to the first offer. */
    static boolean awaitsRestartAnswer(Subscriber subscriber) {
        WebRtcTransport transport = TransportBinding.webRtc(subscriber);
        return subscriber.offer() != null && transport.hasRemoteDescription() && transport.isRestartingIce();
    }

    /** The viewer's answer to a restart offer: only its new ICE credentials and candidates are taken. */
    void acceptViewerAnswer(Subscriber subscriber, String sdpAnswer) throws MediaException {
        SubscriberAnswer answer;
        try {
            // the restart offer differs from the first only in ICE credentials and version: same checks apply
            answer = subscriberAnswers.read(subscriber.offer(), sdpAnswer);
        } catch (SdpException e) {
            throw new MediaException(e.code(), e.getMessage());
        }
        RemoteTransport remote = answer.remote();
        try {
            TransportBinding.webRtc(subscriber).completeIceRestart(remote.iceUfrag(), remote.icePwd(),
                    TransportBinding.candidateLines(remote), remote.endOfCandidates(),
                    TransportBinding.fingerprints(remote));
        } catch (RestartRefusedException e) {
            throw refused(e, "", subscriber.peerId());
        }
    }

    /** A WHIP/WHEP {@code PATCH} with the peer's new credentials: answered with ours (RFC 9725 section 4.4.1). */
    IceRestartAnswer answering(String streamId, String peerId, String remoteUfrag, String remotePassword,
                               List<String> remoteCandidates, boolean endOfCandidates) throws MediaException {
        Peer peer = rooms.peer(streamId, peerId);
        if (peer == null) {
            throw RoomRegistry.unknownPeer(streamId, peerId);
        }
        if (peer instanceof Subscriber s && s.offer() != null) {
            throw new MediaException("INVALID_STATE", "we made this viewer's offer: ask for a restart offer instead");
        }
        WebRtcTransport transport = TransportBinding.webRtc(peer);
        IceSession next = restart(transport, streamId, peerId);
        try {
            transport.completeIceRestart(remoteUfrag, remotePassword, remoteCandidates, endOfCandidates,
                    transport.remoteFingerprints());
        } catch (RestartRefusedException e) {
            transport.cancelIceRestart(next);
            throw refused(e, streamId, peerId);
        }
        LOG.info("stream {}: peer {} restarts ICE ({} -> {})", streamId, peerId, transport.localUfrag(),
                next.localUfrag());
        return new IceRestartAnswer(next.localUfrag(), next.localPassword(), next.localCandidates());
    }

    private static IceSession restart(WebRtcTransport transport, String streamId, String peerId)
            throws MediaException {
        try {
            return transport.restartIce();
        } catch (IOException e) {
            throw new MediaException("MEDIA_UNAVAILABLE", "no ICE candidate on the media port: " + e.getMessage());
        } catch (RestartRefusedException e) {
            throw refused(e, streamId, peerId);
        }
    }

    private static MediaException refused(RestartRefusedException e, String streamId,
                                          String peerId) {
        String code = switch (e.refusal()) {
            case ENDED -> "UNKNOWN_PEER";
            case NOT_NEGOTIATED, NO_RESTART_PENDING -> "INVALID_STATE";
            case INVALID_CREDENTIALS -> "INVALID_ICE_CREDENTIALS";
            case CREDENTIALS_UNCHANGED -> "ICE_CREDENTIALS_UNCHANGED";
            case FINGERPRINT_CHANGED -> "FINGERPRINT_CHANGED";
        };
        String message = e.refusal() == RestartRefusal.ENDED
                ? "peer " + peerId + " in stream " + streamId + " has ended: " + e.getMessage() : e.getMessage();
        return new MediaException(code, message);
    }
}
