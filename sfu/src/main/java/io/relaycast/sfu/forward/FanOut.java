package io.relaycast.sfu.forward;

/**
 * What a forwarding worker does with a packet: hand it to the receivers that worker owns. A room implements it per
 * membership snapshot, so the worker reads an immutable array of its shard and allocates nothing.
 *
 * @param <V> the view type of the pooled packets
 */
@FunctionalInterface
public interface FanOut<V> {

    /** Runs on worker {@code worker}'s thread; must not keep {@code packet} or block. */
    void deliver(PooledPacket<V> packet, int worker);
}
