package io.relaycast.sfu.room;

import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.forward.FanOut;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.forward.PooledPacket;
import io.relaycast.sfu.api.ViewerStats;
import io.relaycast.sfu.sdp.MediaKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One broadcast: at most one {@link Publisher}, its {@link Subscriber}s by peer id, and the fan-out to every
 * {@link PacketSink} (subscribers and taps).
 *
 * <p>The sink array is copy-on-write: membership changes (signaling threads) replace it under this room's monitor,
 * the packet path reads the volatile array and never locks. With {@link ForwardingWorkers} (the SFU's case), each
 * sink is given one worker for its life and the fan-out is split by worker ({@link Shards}): the receive thread
 * copies a packet once into a pooled buffer and queues it to the workers that own a sink of this room; each worker
 * serves only its own sinks. Without workers (unit tests of the forwarding logic) the receive thread serves every
 * sink itself. The keyframe throttle is shared by every viewer of the
 * room, so many joins cost the publisher one keyframe per {@link #KEYFRAME_INTERVAL_MILLIS}.
 */
public final class Room {
    private static final Logger LOG = LoggerFactory.getLogger(Room.class);
    private static final PacketSink[] NO_SINKS = new PacketSink[0];

    /** At most one keyframe request to the publisher per this many milliseconds. */
    public static final long KEYFRAME_INTERVAL_MILLIS = 500;

    private final String streamId;
    private final ScheduledExecutorService timer;
    private final KeyframeThrottle keyframes = new KeyframeThrottle(TimeUnit.MILLISECONDS.toNanos(KEYFRAME_INTERVAL_MILLIS));
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder sinkFailures = new LongAdder();
    private volatile PacketSink[] sinks = NO_SINKS;
    /** Null: forward inline on the receive thread. */
    private final ForwardingWorkers<MediaPacket> workers;
    /** Each sink's worker. Guarded by this. */
    private final Map<PacketSink, Integer> workerOf = new IdentityHashMap<>();
    private volatile Shards shards = new Shards(new PacketSink[0][], new int[0]);
    private volatile Publisher publisher;
    private volatile boolean closed;
    private volatile boolean sinkFailureLogged;

    /** A room whose receive thread serves every sink itself. */
    public Room(String streamId, ScheduledExecutorService timer) {
        this(streamId, timer, null);
    }

    /** A room whose fan-out runs on {@code workers} (null: inline on the receive thread). */
    public Room(String streamId, ScheduledExecutorService timer, ForwardingWorkers<MediaPacket> workers) {
        this.streamId = streamId;
        this.timer = timer;
        this.workers = workers;
    }

    public String streamId() {
        return streamId;
    }

    // ---- the packet path (receive thread) ----

    /**
     * Hands one packet to every sink that wants it: inline, or copied once into a pooled buffer and queued to the
     * workers that own this room's sinks. No allocation, no lock.
     */
    public void forward(MediaPacket packet) {
        forwarded.increment();
        io.relaycast.sfu.api.SfuMetrics.received(packet.kind() == MediaKind.VIDEO, packet.length());
        ForwardingWorkers<MediaPacket> w = workers;
        if (w == null) {
            deliver(packet, sinks);
            return;
        }
        Shards s = shards;
        if (s.active.length == 0) {
            return;
        }
        int len = packet.length();
        PooledPacket<MediaPacket> pooled = w.acquire(len);
        if (pooled == null) {
            return; // counted by the workers (pool exhausted, too long)
        }
        System.arraycopy(packet.buffer(), packet.offset(), pooled.data, 0, len);
        pooled.length = len;
        MediaPacket view = pooled.view;
        view.reset(pooled.data, 0, len); // well-formed: the publisher parsed the same bytes
        view.describe(packet.kind(), packet.codec(), packet.receivedAtMillis(), packet.layer(), packet.keyframe());
        w.dispatch(pooled, s, s.active);
    }

    private void deliver(MediaPacket packet, PacketSink[] to) {
        for (PacketSink sink : to) {
            try {
                if (sink.wants(packet)) {
                    sink.send(packet);
                }
            } catch (RuntimeException e) {
                sinkFailed(sink, e);
            }
        }
    }

    /**
     * One membership snapshot split by worker: the sinks each worker serves, and which workers have any. Built on
     * every membership change (under the room's monitor), read without a lock by the receive thread and the workers.
     */
    private final class Shards implements FanOut<MediaPacket> {
        final PacketSink[][] byWorker;
        final int[] active;

        Shards(PacketSink[][] byWorker, int[] active) {
            this.byWorker = byWorker;
            this.active = active;
        }

        @Override
        public void deliver(PooledPacket<MediaPacket> packet, int worker) {
            Room.this.deliver(packet.view, byWorker[worker]);
        }
    }

    /** The publisher's sender report for a forwarded source, to every sink (RFC 3550 section 6.4.1). */
    void senderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
        for (PacketSink sink : sinks) {
            try {
                sink.onSenderReport(kind, sourceSsrc, ntpTimestamp, rtpTimestamp);
            } catch (RuntimeException e) {
                sinkFailed(sink, e);
            }
        }
    }

    private void sinkFailed(PacketSink sink, RuntimeException e) {
        sinkFailures.increment();
        if (!sinkFailureLogged) {
            sinkFailureLogged = true;
            LOG.warn("a sink of room {} failed ({}); further failures are only counted", streamId, sink, e);
        }
    }

    /**
     * A viewer needs a keyframe (it joined, or it reported loss with PLI/FIR). Sent now, or deferred to the end of
     * the current interval and coalesced with every other request until then (see {@link KeyframeThrottle}).
     */
    public void requestKeyframe() {
        long delay = keyframes.request(System.nanoTime());
        if (delay == KeyframeThrottle.NOW) {
            sendKeyframeRequest();
        } else if (delay > 0) {
            try {
                timer.schedule(() -> {
                    if (keyframes.fire(System.nanoTime())) {
                        sendKeyframeRequest();
                    }
                }, delay, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    private void sendKeyframeRequest() {
        Publisher p = publisher;
        if (p != null && !closed) {
            p.sendKeyframeRequest();
        }
    }

    // ---- membership (signaling threads, the SFU's timer) ----

    public Publisher publisher() {
        return publisher;
    }

    /** Installs {@code next} and returns the publisher it replaces (the caller closes it), or null. */
    public synchronized Publisher setPublisher(Publisher next) {
        Publisher previous = publisher;
        publisher = next;
        if (next != null) {
            for (PacketSink sink : sinks) {
                sink.onPublisher(next.tracks());
            }
        }
        return previous;
    }

    /** Removes {@code expected} if it is still the publisher; true when it was. */
    public synchronized boolean removePublisher(Publisher expected) {
        if (publisher != expected || expected == null) {
            return false;
        }
        publisher = null;
        return true;
    }

    /** Adds a viewer and returns the one it replaces under the same peer id (the caller closes it), or null. */
    public synchronized Subscriber addSubscriber(Subscriber subscriber) {
        Subscriber previous = subscribers.put(subscriber.peerId(), subscriber);
        if (previous != null) {
            removeSinkLocked(previous);
        }
        addSinkLocked(subscriber);
        return previous;
    }

    /** Removes the viewer if {@code expected} is still the one under its peer id; true when it was. */
    public synchronized boolean removeSubscriber(Subscriber expected) {
        if (!subscribers.remove(expected.peerId(), expected)) {
            return false;
        }
        removeSinkLocked(expected);
        return true;
    }

    public Subscriber subscriber(String peerId) {
        return subscribers.get(peerId);
    }

    public List<Subscriber> subscribers() {
        return List.copyOf(subscribers.values());
    }

    public int subscriberCount() {
        return subscribers.size();
    }

    /** A tap (recorder, HLS bridge, relay): receives every packet the viewers receive. */
    public synchronized void addSink(PacketSink sink) {
        addSinkLocked(sink);
        Publisher p = publisher;
        if (p != null) {
            sink.onPublisher(p.tracks());
        }
    }

    public synchronized void removeSink(PacketSink sink) {
        removeSinkLocked(sink);
    }

    private void addSinkLocked(PacketSink sink) {
        PacketSink[] old = sinks;
        PacketSink[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = sink;
        sinks = grown;
        if (workers != null) {
            workerOf.put(sink, workers.assign());
            reshard();
        }
    }

    private void removeSinkLocked(PacketSink sink) {
        PacketSink[] old = sinks;
        List<PacketSink> kept = new ArrayList<>(old.length);
        for (PacketSink s : old) {
            if (s != sink) {
                kept.add(s);
            }
        }
        sinks = kept.isEmpty() ? NO_SINKS : kept.toArray(NO_SINKS);
        if (workers != null) {
            Integer w = workerOf.remove(sink);
            if (w != null) {
                workers.unassign(w);
            }
            reshard();
        }
    }

    /** Rebuilds the per-worker snapshot from {@link #sinks} and {@link #workerOf}. Under this room's monitor. */
    private void reshard() {
        int n = workers.threads();
        List<List<PacketSink>> by = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            by.add(new ArrayList<>());
        }
        for (PacketSink sink : sinks) {
            by.get(workerOf.get(sink)).add(sink);
        }
        PacketSink[][] byWorker = new PacketSink[n][];
        int activeCount = 0;
        for (int i = 0; i < n; i++) {
            byWorker[i] = by.get(i).toArray(NO_SINKS);
            if (byWorker[i].length > 0) {
                activeCount++;
            }
        }
        int[] active = new int[activeCount];
        for (int i = 0, a = 0; i < n; i++) {
            if (byWorker[i].length > 0) {
                active[a++] = i;
            }
        }
        shards = new Shards(byWorker, active);
    }

    public boolean isEmpty() {
        return publisher == null && subscribers.isEmpty();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Marks the room closed and empties it; returns what was in it so the caller can close the transports outside
     * this monitor.
     */
    public synchronized List<Object> close() {
        closed = true;
        List<Object> peers = new ArrayList<>();
        if (publisher != null) {
            peers.add(publisher);
        }
        peers.addAll(subscribers.values());
        publisher = null;
        subscribers.clear();
        sinks = NO_SINKS;
        if (workers != null) {
            for (Integer w : workerOf.values()) {
                workers.unassign(w);
            }
            workerOf.clear();
            reshard();
        }
        return peers;
    }

    /** Marks the room closed if nobody is in it (so a concurrent join re-creates it); true when it closed. */
    public synchronized boolean closeIfEmpty() {
        if (publisher == null && subscribers.isEmpty()) {
            closed = true;
            return true;
        }
        return false;
    }

    /** The typed stats of the publisher and every viewer; reads counters, locks nothing on the packet path. */
    public StreamStats stats() {
        Publisher p = publisher;
        List<ViewerStats> viewers = new ArrayList<>();
        for (Subscriber s : subscribers.values()) {
            viewers.add(s.stats());
        }
        return new StreamStats(streamId, p == null ? null : p.stats(), viewers);
    }

    public Map<String, Object> debugState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streamId", streamId);
        Publisher p = publisher;
        m.put("publisher", p == null ? null : p.debugState());
        Map<String, Object> subs = new LinkedHashMap<>();
        for (Subscriber s : subscribers.values()) {
            subs.put(s.peerId(), s.debugState());
        }
        m.put("subscriberCount", subs.size());
        m.put("subscribers", subs);
        m.put("sinks", sinks.length);
        if (workers != null) {
            Shards s = shards;
            int[] perWorker = new int[s.byWorker.length];
            for (int i = 0; i < perWorker.length; i++) {
                perWorker[i] = s.byWorker[i].length;
            }
            m.put("sinksPerWorker", perWorker);
        }
        m.put("packetsForwarded", forwarded.sum());
        m.put("sinkFailures", sinkFailures.sum());
        m.put("keyframeRequests", keyframes.requests());
        m.put("keyframeRequestsSent", keyframes.sent());
        return m;
    }
}
