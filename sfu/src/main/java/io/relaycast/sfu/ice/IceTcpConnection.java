package io.relaycast.sfu.ice;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One accepted ICE-TCP connection (RFC 6544 section 7.2: we are the passive end) and its RFC 4571 framing.
 *
 * <p>Everything but {@link #send} runs on the {@link IceTcpServer}'s selector thread. {@link #send} runs on any
 * media thread: it frames into this connection's own output buffer and writes without blocking, under a lock that
 * only senders of this connection and the selector's write-ready handling take (never signaling).
 */
final class IceTcpConnection {

    enum Phase {
        /** Accepted; the first frame must authenticate (RFC 6544 section 7.2, RFC 8445 section 7.3). */
        UNAUTHENTICATED,
        /** Its first frame was a valid check for {@link #session}. */
        BOUND,
        CLOSED
    }

    final SocketChannel channel;
    final SelectionKey key;
    final InetSocketAddress remote;
    final InetSocketAddress local;
    final long acceptedNanos;

    // selector thread only
    Phase phase = Phase.UNAUTHENTICATED;
    ByteBuffer in;
    IceSession session;
    /** Keyed with the session's local password: verifies requests, signs responses. */
    io.relaycast.sfu.stun.StunMessageIntegrity localVerifier;
    io.relaycast.sfu.stun.StunMessageWriter localSigner;
    /** Keyed with the peer's password (known once its answer arrived): signs our requests, verifies responses. */
    io.relaycast.sfu.stun.StunMessageIntegrity remoteVerifier;
    io.relaycast.sfu.stun.StunMessageWriter remoteSigner;
    byte[] username; // "peer:ours" for our requests
    byte[] remoteAddressBytes;
    long boundNanos;
    long lastStunNanos;
    long nextConsentCheckNanos;
    /** Our outstanding request (RFC 8489: over TCP no retransmission, one at a time is plenty). */
    final byte[] pendingTransaction = new byte[12];
    boolean pendingValid;
    boolean pendingNominates;
    long pendingSentNanos;
    boolean nominated;
    boolean closeNotified;

    // send side, guarded by sendLock
    private final Object sendLock = new Object();
    private ByteBuffer out; // allocated when bound: an unauthenticated connection never sends
    private boolean writeInterest;
    private boolean broken;
    private long framesDropped;

    IceTcpConnection(SocketChannel channel, SelectionKey key, InetSocketAddress remote, InetSocketAddress local,
                     int firstFrameLimit, int outputBuffer, long nowNanos) {
        this.channel = channel;
        this.key = key;
        this.remote = remote;
        this.local = local;
        this.acceptedNanos = nowNanos;
        this.in = ByteBuffer.allocate(2 + firstFrameLimit);
    }

    /**
     * On the selector thread, once the first frame authenticated: the buffers a bound connection needs (a frame of
     * up to {@code maxFrame}, and the output buffer, direct so that the JDK writes it without a copy). The
     * volatile write by which a session later publishes this connection to senders orders these before them.
     */
    void bind(IceSession s, int maxFrame, int outputBuffer, int keepFrom, int keepTo) {
        ByteBuffer grown = ByteBuffer.allocate(2 + maxFrame);
        grown.put(in.array(), keepFrom, keepTo - keepFrom);
        in = grown;
        synchronized (sendLock) {
            out = ByteBuffer.allocateDirect(outputBuffer);
        }
        session = s;
        phase = Phase.BOUND;
    }

    /**
     * Frames and writes one packet (RFC 4571 section 2: a 16-bit length, then the packet). Never blocks: what the
     * socket does not take now waits in the output buffer for the selector; a packet that does not fit there is
     * dropped whole (and counted), as a UDP socket would, so the framing never breaks.
     */
    SendStatus send(byte[] buf, int off, int len) {
        if (len > 0xFFFF) {
            return SendStatus.IO_ERROR;
        }
        synchronized (sendLock) {
            if (broken || out == null) {
                return SendStatus.NOT_CONNECTED;
            }
            if (out.remaining() < 2 + len) {
                framesDropped++;
                return SendStatus.IO_ERROR;
            }
            out.putShort((short) len);
            out.put(buf, off, len);
            return flushLocked() ? SendStatus.SENT : SendStatus.IO_ERROR;
        }
    }

    /** On the selector thread when the socket is writable again. */
    void onWritable() {
        synchronized (sendLock) {
            if (!broken && out != null) {
                flushLocked();
            }
        }
    }

    /** Writes what the socket takes; asks the selector for write-readiness while something is left. */
    private boolean flushLocked() {
        out.flip();
        try {
            channel.write(out);
        } catch (IOException e) {
            // the JDK's only way to say the peer is gone; the selector closes the connection on its next read
            broken = true;
            out.clear();
            key.selector().wakeup();
            return false;
        }
        out.compact();
        boolean pending = out.position() > 0;
        if (pending != writeInterest && key.isValid()) {
            writeInterest = pending;
            key.interestOps(pending ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            if (pending) {
                key.selector().wakeup();
            }
        }
        return true;
    }

    boolean isBroken() {
        synchronized (sendLock) {
            return broken;
        }
    }

    long framesDropped() {
        synchronized (sendLock) {
            return framesDropped;
        }
    }

    /** Before the key is cancelled: no sender touches the key after this. */
    void markBroken() {
        synchronized (sendLock) {
            broken = true;
        }
    }

    @Override
    public String toString() {
        return "tcp " + remote + " -> " + local + ' ' + phase;
    }
}
