package io.relaycast.sfu.room;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.transport.PacketTransport;

import java.util.Objects;

/** One peer connection in a room: the publisher or a viewer, with its transport and its signaling sink. */
public abstract sealed class Peer permits Publisher, Subscriber {
    private final String peerId;
    private final PacketTransport transport;
    private final MediaPlane.CandidateSink signaling;
    private final long createdMillis = System.currentTimeMillis();

    Peer(String peerId, PacketTransport transport, MediaPlane.CandidateSink signaling) {
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.signaling = Objects.requireNonNull(signaling, "signaling");
    }

    public String peerId() {
        return peerId;
    }

    /** The peer's transport: a {@link io.relaycast.sfu.transport.WebRtcTransport} in the SFU. */
    public PacketTransport transport() {
        return transport;
    }

    /** Where to say that the peer went away on its own (ICE failed, consent lost, DTLS closed). */
    public MediaPlane.CandidateSink signaling() {
        return signaling;
    }

    long createdMillis() {
        return createdMillis;
    }

    /** The transport is up: media may flow. Called once, on the DTLS handshake thread. */
    public abstract void onTransportReady();

    /** Closes the transport (DTLS close_notify, keys wiped, ICE session freed). Idempotent. */
    public void close() {
        transport.close();
    }
}
