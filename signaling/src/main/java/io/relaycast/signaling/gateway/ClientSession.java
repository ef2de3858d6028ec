package io.relaycast.signaling.gateway;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.peer.PeerAdmission;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** What the gateway knows about one Socket.IO connection. {@code principal} is null for an anonymous viewer. */
final class ClientSession {
    final UUID id;
    final Principal principal;
    final SerialExecutor executor;
    /** streamId → viewer session id, for streams this connection watches over WebRTC. */
    final Map<String, String> watching = new ConcurrentHashMap<>();
    /** Streams this connection publishes. */
    final Set<String> publishing = ConcurrentHashMap.newKeySet();
    /** The peer-limit tickets of this connection's SFU peers, by {@link #publisherKey} / {@link #viewerKey}. */
    final Map<String, PeerAdmission.Ticket> peerTickets = new ConcurrentHashMap<>();

    ClientSession(UUID id, Principal principal, SerialExecutor executor) {
        this.id = id;
        this.principal = principal;
        this.executor = executor;
    }

    static String publisherKey(String streamId) {
        return "pub:" + streamId;
    }

    static String viewerKey(String streamId) {
        return "view:" + streamId;
    }

    /** Gives a closed peer's slot back; idempotent (several clean-up paths may see the same peer end). */
    void releasePeer(String key) {
        PeerAdmission.Ticket t = peerTickets.remove(key);
        if (t != null) {
            t.release();
        }
    }

    boolean anonymous() {
        return principal == null;
    }

    String publisherPeer() {
        return "pub:" + id;
    }

    String viewerPeer() {
        return "view:" + id;
    }

    /** Who this viewer is to a broadcaster: the user id, or "anonymous". */
    String viewerId() {
        return principal == null ? "anonymous" : principal.userId();
    }
}
