package io.relaycast.sfu.room;

import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.api.ViewerStats;
import io.relaycast.sfu.sdp.MediaKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
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
 * the packet path reads the volatile array and never locks. The keyframe throttle is shared by every viewer of the
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
    private volatile Publisher publisher;
    private volatile boolean closed;
    private volatile boolean sinkFailureLogged;

    public Room(String streamId, ScheduledExecutorService timer) {
        this.streamId = streamId;
        this.timer = timer;
    }

    public String streamId() {
        return streamId;
    }

    // ---- the packet path (receive thread) ----

    /** Hands one packet to every sink that wants it: one loop, no allocation, no lock. */
    public void forward(MediaPacket packet) {
        PacketSink[] current = sinks;
        for (PacketSink sink : current) {
            try {
                if (sink.wants(packet)) {
                    sink.send(packet);
                }
            } catch (RuntimeException e) {
                sinkFailed(sink, e);
            }
        }
        forwarded.increment();
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
        m.put("packetsForwarded", forwarded.sum());
        m.put("sinkFailures", sinkFailures.sum());
        m.put("keyframeRequests", keyframes.requests());
        m.put("keyframeRequestsSent", keyframes.sent());
        return m;
    }
}
