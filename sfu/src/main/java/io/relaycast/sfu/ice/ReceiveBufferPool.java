package io.relaycast.sfu.ice;

import org.ice4j.util.Buffer;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The buffers ice4j receives into when the push API is on. ice4j's default allocates a new array per datagram;
 * this keeps a bounded stack of MTU-sized ones instead. A buffer comes back as soon as the {@link DatagramHandler}
 * returns (or the STUN stack has read it), so a small pool covers a busy port.
 *
 * <p>{@link ArrayBlockingQueue} rather than a lock-free queue: it allocates no node per offer.
 */
final class ReceiveBufferPool {
    /** ice4j's receive loop reads at most this much per datagram. */
    static final int BUFFER_SIZE = 1500;

    private final ArrayBlockingQueue<Buffer> free;

    ReceiveBufferPool(int capacity) {
        this.free = new ArrayBlockingQueue<>(capacity);
    }

    Buffer acquire(int size) {
        if (size > BUFFER_SIZE) {
            // cannot happen with ice4j's 1500-byte receive packet; stay correct if that changes
            return new Buffer(new byte[size], 0, size);
        }
        Buffer b = free.poll();
        if (b == null) {
            b = new Buffer(new byte[BUFFER_SIZE], 0, size);
        }
        b.setOffset(0);
        b.setLength(size);
        return b;
    }

    void release(Buffer b) {
        if (b.getBuffer().length == BUFFER_SIZE) {
            b.setRemoteAddress(null);
            b.setLocalAddress(null);
            b.setReceivedTime(null);
            free.offer(b); // full: let the GC have it
        }
    }

    int available() {
        return free.size();
    }
}
