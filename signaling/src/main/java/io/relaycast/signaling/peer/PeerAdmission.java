package io.relaycast.signaling.peer;

import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Admits WebRTC peers against {@link PeerLimits} before the SFU is asked for one: the Socket.IO gateway (publish,
 * join) and the WHIP/WHEP routes take a {@link Ticket} first and give it back when the peer is closed (leave,
 * DELETE, disconnect, ICE/DTLS failure, stream end, replacement). A refusal is {@code PEER_LIMIT_REACHED} (429)
 * naming the limit, so a client knows to close a peer it holds rather than retry.
 *
 * <p>Counts are this node's (peers live on one node's SFU); one lock guards them, taken once per peer opened or
 * closed, never per packet.
 */
public final class PeerAdmission {
    private final PeerLimits limits;
    private final Map<String, Integer> perUser = new HashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private int total;

    public PeerAdmission(PeerLimits limits) {
        this.limits = limits;
    }

    public PeerLimits limits() {
        return limits;
    }

    /**
     * Counts one more peer of {@code userId} (null: anonymous) from {@code address} (null: unknown, counted per user
     * and node only).
     *
     * @throws ServiceException {@code PEER_LIMIT_REACHED} when any of the three limits is reached
     */
    public synchronized Ticket admit(String userId, String address) {
        if (total >= limits.maxPerNode()) {
            throw refused("this server is at its limit of " + limits.maxPerNode() + " peer connections; try again later");
        }
        if (userId != null && perUser.getOrDefault(userId, 0) >= limits.maxPerUser()) {
            throw refused("this account already has " + limits.maxPerUser()
                    + " peer connections open; close one (leave a stream, end a publication) first");
        }
        if (address != null && perAddress.getOrDefault(address, 0) >= limits.maxPerAddress()) {
            throw refused("your address already has " + limits.maxPerAddress() + " peer connections open");
        }
        total++;
        if (userId != null) {
            perUser.merge(userId, 1, Integer::sum);
        }
        if (address != null) {
            perAddress.merge(address, 1, Integer::sum);
        }
        return new Ticket(userId, address);
    }

    /** Peers admitted and not yet released on this node. */
    public synchronized int open() {
        return total;
    }

    private synchronized void release(Ticket t) {
        total--;
        if (t.userId != null) {
            perUser.computeIfPresent(t.userId, (k, n) -> n > 1 ? n - 1 : null);
        }
        if (t.address != null) {
            perAddress.computeIfPresent(t.address, (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    private static ServiceException refused(String message) {
        return new ServiceException(ErrorCode.PEER_LIMIT_REACHED, message);
    }

    /** One admitted peer; {@link #release()} is idempotent, so every clean-up path may call it. */
    public final class Ticket {
        private final String userId;
        private final String address;
        private final AtomicBoolean released = new AtomicBoolean();

        private Ticket(String userId, String address) {
            this.userId = userId;
            this.address = address;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                PeerAdmission.this.release(this);
            }
        }
    }
}
