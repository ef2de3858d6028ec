package io.relaycast.sfu.forward;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The SFU's forwarding threads: every room's receivers are spread over them, so one stream's fan-out uses every core
 * (decision 74). A receive thread copies each packet once into a pooled, reference-counted buffer and queues that
 * one buffer to each worker that owns at least one receiver of the room; each worker then copies, rewrites, protects
 * and sends for its own receivers only. A receiver stays on the worker it was given for its whole life, so its
 * packets keep their order.
 *
 * @param <V> the per-packet view the rooms prepare (see {@link PooledPacket})
 */
public final class ForwardingWorkers<V> implements AutoCloseable {
    private final List<ForwardingWorker<V>> workers;
    private final PacketPool<V> pool;
    /** Receivers assigned to each worker, across all rooms: new receivers go to the least loaded. */
    private final AtomicIntegerArray assigned;
    private final LongAdder poolExhausted = new LongAdder();
    private final LongAdder tooLong = new LongAdder();
    private final int packetCapacity;
    private final ForwardingLatency latency;

    /**
     * @param packetCapacity the largest packet a pooled buffer holds (longer ones are dropped and counted)
     * @param views          makes the view of each pooled packet
     */
    public ForwardingWorkers(ForwardingConfig config, int packetCapacity, Supplier<V> views) {
        this.packetCapacity = packetCapacity;
        this.pool = new PacketPool<>(config.poolPackets(), packetCapacity, views);
        this.assigned = new AtomicIntegerArray(config.threads());
        List<ForwardingWorker<V>> list = new ArrayList<>(config.threads());
        this.latency = new ForwardingLatency(config.threads());
        for (int i = 0; i < config.threads(); i++) {
            list.add(new ForwardingWorker<>(i, config.queuePackets(), config.maxQueueDelayNanos(), "sfu-forward-" + i, latency));
        }
        io.relaycast.sfu.api.SfuMetrics.register(latency);
        this.workers = List.copyOf(list);
        for (ForwardingWorker<V> w : workers) {
            w.start();
        }
    }

    public int threads() {
        return workers.size();
    }

    /** Picks the worker with the fewest receivers for a new one and counts it there. */
    public int assign() {
        int best = 0;
        int least = Integer.MAX_VALUE;
        for (int i = 0; i < assigned.length(); i++) {
            int n = assigned.get(i);
            if (n < least) {
                least = n;
                best = i;
            }
        }
        assigned.incrementAndGet(best);
        return best;
    }

    /** A receiver given by {@link #assign} is gone. */
    public void unassign(int worker) {
        assigned.decrementAndGet(worker);
    }

    /**
     * A free pooled packet to fill, or null (counted) when every one is in flight; also null for a packet longer
     * than the pool's buffers.
     */
    public PooledPacket<V> acquire(int length) {
        if (length > packetCapacity) {
            tooLong.increment();
            return null;
        }
        PooledPacket<V> p = pool.acquire();
        if (p == null) {
            poolExhausted.increment();
        }
        return p;
    }

    /**
     * Queues {@code packet} (filled, with its view prepared) to each worker in {@code to}, which {@code target} then
     * delivers on. A worker whose queue is full skips the packet (its queue-full counter says so). Allocates nothing.
     */
    public void dispatch(PooledPacket<V> packet, FanOut<V> target, int[] to) {
        packet.target = target;
        packet.dispatchedNanos = System.nanoTime();
        // one reference per worker, plus ours until every offer is made, so a fast worker cannot recycle the packet
        // while we still hand it to the others
        packet.retain(to.length + 1);
        for (int w : to) {
            if (!workers.get(w).offer(packet)) {
                packet.release();
            }
        }
        packet.release();
    }

    /** The thread of worker {@code index} (tests, stats). */
    public Thread thread(int index) {
        return workers.get(index).thread();
    }

    /** Counters for the debug state and the bench. */
    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("threads", workers.size());
        List<Map<String, Object>> each = new ArrayList<>();
        for (ForwardingWorker<V> w : workers) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("receivers", assigned.get(w.index()));
            s.put("packets", w.delivered());
            s.put("queued", w.queued());
            s.put("queueFull", w.queueFull());
            s.put("late", w.late());
            s.put("failures", w.failures());
            each.add(s);
        }
        m.put("workers", each);
        m.put("poolSize", pool.size());
        m.put("poolAvailable", pool.available());
        m.put("poolExhausted", poolExhausted.sum());
        m.put("tooLong", tooLong.sum());
        return m;
    }

    /** Total packets dropped before reaching a worker's viewers (full queues, late, exhausted pool, too long). */
    public long dropped() {
        long n = poolExhausted.sum() + tooLong.sum();
        for (ForwardingWorker<V> w : workers) {
            n += w.queueFull() + w.late();
        }
        return n;
    }

    @Override
    public void close() {
        io.relaycast.sfu.api.SfuMetrics.unregister(latency);
        for (ForwardingWorker<V> w : workers) {
            w.stop();
        }
        for (ForwardingWorker<V> w : workers) {
            try {
                w.thread().join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
