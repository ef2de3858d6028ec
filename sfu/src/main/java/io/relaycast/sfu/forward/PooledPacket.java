package io.relaycast.sfu.forward;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One packet handed from a receive thread to the forwarding workers: a pooled buffer with a pre-allocated view of
 * it (for the room: a parsed {@code MediaPacket}), reference-counted by the workers that take it.
 *
 * <p>The receive thread fills {@link #data} and {@link #view} completely before {@link ForwardingWorkers#dispatch};
 * from then on every worker only reads them (the queue hand-off orders those writes before the workers' reads), so
 * one copy serves every worker. The last worker to {@link #release} returns it to its pool.
 *
 * @param <V> the view type (one instance per pooled packet, never shared between packets)
 */
public final class PooledPacket<V> {
    private static final AtomicIntegerFieldUpdater<PooledPacket> REFS =
            AtomicIntegerFieldUpdater.newUpdater(PooledPacket.class, "refs");

    /** The packet's bytes, from offset 0. */
    public final byte[] data;
    /** The view the receive thread prepared over {@link #data}; read-only for the workers. */
    public final V view;
    private final PacketPool<V> pool;
    private volatile int refs;
    /** Set by the dispatch, read by the workers after the queue hand-off. */
    FanOut<V> target;
    /** Bytes of {@link #data} in use. */
    public int length;
    /** {@link System#nanoTime()} at the dispatch, for {@link ForwardingLatency}. */
    long dispatchedNanos;

    PooledPacket(PacketPool<V> pool, int capacity, V view) {
        this.pool = pool;
        this.data = new byte[capacity];
        this.view = view;
    }

    void retain(int count) {
        REFS.set(this, count);
    }

    /** One taker is done; the last one returns the packet to the pool. */
    public void release() {
        if (REFS.decrementAndGet(this) == 0) {
            target = null;
            pool.free(this);
        }
    }

    int refs() {
        return refs;
    }
}
