package io.relaycast.sfu.forward;

import java.util.function.Supplier;
import org.jctools.queues.MpmcArrayQueue;

/**
 * A fixed set of {@link PooledPacket}s, allocated once: receive threads take them, the last worker done with a packet
 * gives it back. When every packet is in flight (workers far behind), {@link #acquire} returns null and the caller
 * drops and counts the packet rather than allocating or waiting.
 */
final class PacketPool<V> {
    private final MpmcArrayQueue<PooledPacket<V>> free;
    private final int size;

    PacketPool(int size, int capacity, Supplier<V> views) {
        this.size = size;
        this.free = new MpmcArrayQueue<>(size);
        for (int i = 0; i < size; i++) {
            free.offer(new PooledPacket<>(this, capacity, views.get()));
        }
    }

    /** A free packet, or null when all are in flight. */
    PooledPacket<V> acquire() {
        return free.poll();
    }

    void free(PooledPacket<V> packet) {
        free.offer(packet);
    }

    int available() {
        return free.size();
    }

    int size() {
        return size;
    }
}
