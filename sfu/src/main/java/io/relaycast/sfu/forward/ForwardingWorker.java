package io.relaycast.sfu.forward;

import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarding thread: drains its queue of pooled packets and hands each to the shard of receivers it owns
 * ({@link FanOut#deliver}). Receive threads offer from any room, so the queue is multi-producer, single-consumer
 * (JCTools' array queue: no allocation, no lock).
 *
 * <p>Waiting: a worker with nothing to do spins briefly, then parks; a producer that finds it parked unparks it.
 * The producer's store of the packet and its read of {@link #parked} are separated by a full fence, as are the
 * worker's store of {@link #parked} and its last look at the queue (Dekker), so no wake-up is lost; the park is
 * also bounded, as a second line of defence. A wake-up costs one futex call per packet per idle worker, not per
 * viewer.
 */
final class ForwardingWorker<V> implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(ForwardingWorker.class);
    private static final int SPINS = 200;
    private static final long PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final int index;
    private final MpscArrayQueue<PooledPacket<V>> queue;
    private final Thread thread;
    private volatile boolean parked;
    private volatile boolean running = true;
    private volatile boolean failureLogged;
    /** Written by this worker only; read by the stats. */
    private volatile long delivered;
    private final LongAdder queueFull = new LongAdder();
    private final LongAdder failures = new LongAdder();

    private final LongAdder late = new LongAdder();
    private final ForwardingLatency latency;
    private final long maxQueueDelayNanos;

    ForwardingWorker(int index, int queuePackets, long maxQueueDelayNanos, String name, ForwardingLatency latency) {
        this.index = index;
        this.latency = latency;
        this.maxQueueDelayNanos = maxQueueDelayNanos;
        this.queue = new MpscArrayQueue<>(queuePackets);
        this.thread = new ForwardingThread(this, name, index);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    int index() {
        return index;
    }

    Thread thread() {
        return thread;
    }

    /** From a receive thread: queue the packet for this worker; false (counted) when the queue is full. */
    boolean offer(PooledPacket<V> packet) {
        if (!queue.offer(packet)) {
            queueFull.increment();
            return false;
        }
        VarHandle.fullFence();
        if (parked) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    @Override
    public void run() {
        long done = 0;
        while (running) {
            PooledPacket<V> p = queue.relaxedPoll();
            if (p == null) {
                delivered = done;
                idle();
                continue;
            }
            try {
                if (maxQueueDelayNanos > 0 && System.nanoTime() - p.dispatchedNanos > maxQueueDelayNanos) {
                    // waited too long: this worker is behind; shedding the stale packet is how it catches up
                    late.increment();
                    continue; // the finally releases it
                }
                p.target.deliver(p, index);
                latency.record(index, System.nanoTime() - p.dispatchedNanos);
            } catch (RuntimeException e) {
                // a fan-out counts its receivers' failures itself; this is a bug in the fan-out, kept from killing
                // the worker (and with it a shard of every room)
                failures.increment();
                if (!failureLogged) {
                    failureLogged = true;
                    LOG.warn("forwarding worker {} failed on a packet (logged once, then counted)", index, e);
                }
            } finally {
                p.release();
            }
            done++;
        }
        delivered = done;
        PooledPacket<V> p;
        while ((p = queue.relaxedPoll()) != null) {
            p.release();
        }
    }

    private void idle() {
        for (int i = 0; i < SPINS; i++) {
            if (!queue.isEmpty()) {
                return;
            }
            Thread.onSpinWait();
        }
        parked = true;
        VarHandle.fullFence();
        if (queue.isEmpty() && running) {
            LockSupport.parkNanos(this, PARK_NANOS);
        }
        parked = false;
    }

    void stop() {
        running = false;
        LockSupport.unpark(thread);
    }

    long delivered() {
        return delivered;
    }

    long queueFull() {
        return queueFull.sum();
    }

    /** Packets dropped because they waited longer than the queue delay bound. */
    long late() {
        return late.sum();
    }

    long failures() {
        return failures.sum();
    }

    int queued() {
        return queue.size();
    }
}
