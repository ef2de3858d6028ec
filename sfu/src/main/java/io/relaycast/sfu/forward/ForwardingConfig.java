package io.relaycast.sfu.forward;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * {@code relaycast.media.forwarding-*}: how many threads fan a stream out to its viewers, and how many packets may
 * wait for them.
 *
 * @param threads      forwarding workers; each owns a shard of every room's viewers (0 in the file: one per
 *                     available core)
 * @param queuePackets packets one worker may have waiting; beyond it the packet is dropped for that worker's viewers
 *                     and counted, so a stalled worker never holds the receive thread
 * @param poolPackets  pooled packet buffers shared by all workers (each in-flight packet holds one until every worker
 *                     that takes it is done)
 * @param maxQueueDelayNanos a packet that waited longer than this for its worker is dropped for that worker's viewers
 *                     and counted ({@code late}); 0 turns the bound off. A queue bounded by count alone let an
 *                     overloaded SFU forward media seconds old (bench/README.md); late media is worse than lost
 *                     media for a live viewer, who recovers a loss by NACK or keyframe but never a delay.
 */
public record ForwardingConfig(int threads, int queuePackets, int poolPackets, long maxQueueDelayNanos) {

    public static final int DEFAULT_QUEUE_PACKETS = 4096;
    public static final int DEFAULT_POOL_PACKETS = 8192;
    public static final int MAX_THREADS = 256;
    public static final long DEFAULT_MAX_QUEUE_DELAY_NANOS = 200_000_000L;

    public ForwardingConfig {
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("forwarding threads must be 1-" + MAX_THREADS + ", was " + threads);
        }
        if (queuePackets < 16 || Integer.bitCount(queuePackets) != 1) {
            throw new IllegalArgumentException("forwarding queue must be a power of two >= 16, was " + queuePackets);
        }
        if (poolPackets < queuePackets) {
            throw new IllegalArgumentException("forwarding pool (" + poolPackets + ") must hold at least one full queue ("
                    + queuePackets + ")");
        }
        if (maxQueueDelayNanos < 0) {
            throw new IllegalArgumentException("forwarding max queue delay must be >= 0, was " + maxQueueDelayNanos);
        }
    }

    /** {@code threads}, {@code queuePackets} and {@code poolPackets} with the default queue delay bound. */
    public ForwardingConfig(int threads, int queuePackets, int poolPackets) {
        this(threads, queuePackets, poolPackets, DEFAULT_MAX_QUEUE_DELAY_NANOS);
    }

    /** One worker per available core, default queue and pool. */
    public static ForwardingConfig defaults() {
        return new ForwardingConfig(cores(), DEFAULT_QUEUE_PACKETS, DEFAULT_POOL_PACKETS);
    }

    /** {@code threads} workers, default queue and pool (tests, the bench). */
    public static ForwardingConfig withThreads(int threads) {
        return new ForwardingConfig(threads, DEFAULT_QUEUE_PACKETS, DEFAULT_POOL_PACKETS);
    }

    /** Reads the {@code relaycast.media} section; absent keys take the defaults. */
    public static ForwardingConfig from(Config media) {
        int threads = media.hasPath("forwarding-threads") ? media.getInt("forwarding-threads") : 0;
        if (threads < 0 || threads > MAX_THREADS) {
            throw new ConfigException.BadValue(media.origin(), "forwarding-threads",
                    "must be 0 (one per core) to " + MAX_THREADS + ", was " + threads);
        }
        int queue = media.hasPath("forwarding-queue-packets") ? media.getInt("forwarding-queue-packets")
                : DEFAULT_QUEUE_PACKETS;
        if (queue < 16 || queue > 1 << 20 || Integer.bitCount(queue) != 1) {
            throw new ConfigException.BadValue(media.origin(), "forwarding-queue-packets",
                    "must be a power of two from 16 to 1048576, was " + queue);
        }
        int pool = media.hasPath("forwarding-pool-packets") ? media.getInt("forwarding-pool-packets")
                : DEFAULT_POOL_PACKETS;
        if (pool < queue || pool > 1 << 22) {
            throw new ConfigException.BadValue(media.origin(), "forwarding-pool-packets",
                    "must be at least forwarding-queue-packets (" + queue + ") and at most 4194304, was " + pool);
        }
        long delay = media.hasPath("forwarding-max-queue-delay")
                ? media.getDuration("forwarding-max-queue-delay").toNanos() : DEFAULT_MAX_QUEUE_DELAY_NANOS;
        if (delay < 0 || delay > 10_000_000_000L) {
            throw new ConfigException.BadValue(media.origin(), "forwarding-max-queue-delay",
                    "must be 0 (no bound) to 10s, was " + delay + " ns");
        }
        return new ForwardingConfig(threads == 0 ? cores() : threads, queue, pool, delay);
    }

    private static int cores() {
        return Math.max(1, Math.min(MAX_THREADS, Runtime.getRuntime().availableProcessors()));
    }
}
