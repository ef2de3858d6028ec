package io.relaycast.signaling.gateway;

import io.relaycast.sfu.api.IceCandidate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Holds the SFU's own ICE candidates of one peer until the description they belong to has gone out, then passes
 * them on in order. The SFU hands its candidates to the sink synchronously inside {@code publish}/{@code subscribe},
 * that is before the gateway has sent {@code stream:offer:ack} or {@code stream:offer:received}; a client that adds
 * a candidate at once (RTCPeerConnection.addIceCandidate) before it has a remote description gets InvalidStateError
 * (W3C WebRTC section 4.4.1.6; RFC 8838 section 9 also orders trickled candidates after the description).
 *
 * <p>Thread-safe: the sink may be called from any thread; {@link #open()} runs on the connection's executor.
 * Candidates are dropped, not sent, if the description never goes out ({@link #discard()}).
 */
final class CandidateRelay {
    /** A peer's own candidates are a handful (host per address, TCP); bounds memory should a plane misbehave. */
    static final int MAX_HELD = 64;

    private final Consumer<IceCandidate> emit;
    private List<IceCandidate> held = new ArrayList<>();
    private boolean open;
    private boolean discarded;

    CandidateRelay(Consumer<IceCandidate> emit) {
        this.emit = emit;
    }

    /** A candidate from the SFU: sent now if the description is out, else held. */
    void offer(IceCandidate candidate) {
        synchronized (this) {
            if (discarded) {
                return;
            }
            if (!open) {
                if (held.size() < MAX_HELD) {
                    held.add(candidate);
                }
                return;
            }
            // sending under the monitor keeps the order of candidates that race with open()
            emit.accept(candidate);
        }
    }

    /** The description (or its ack) has been sent: flush what was held, in order, and pass the rest straight on. */
    synchronized void open() {
        if (open || discarded) {
            return;
        }
        open = true;
        List<IceCandidate> pending = held;
        held = List.of();
        for (IceCandidate c : pending) {
            emit.accept(c);
        }
    }

    /** The negotiation failed: nothing held is ever sent. */
    synchronized void discard() {
        discarded = true;
        held = List.of();
    }

    synchronized int heldCount() {
        return held.size();
    }
}
