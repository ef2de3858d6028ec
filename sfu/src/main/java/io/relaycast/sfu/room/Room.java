package io.relaycast.sfu.room;

import io.relaycast.sfu.api.StreamStats;
import io.relaycast.sfu.api.ViewerStats;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.forward.PooledPacket;
import io.relaycast.sfu.media.MediaKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
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
 * sink is given one worker for its life and the fan-out is split by worker ({@link RoomSinks.Shards}): the receive thread
 * copies a packet once into a pooled buffer and queues it to the workers that own a sink of this room; each worker
 * serves only its own sinks. Without workers (unit tests of the forwarding logic) the receive thread serves every
 * sink itself. The keyframe throttle is shared by every viewer of the
 * room, so many joins cost the publisher one keyframe per {@link #KEYFRAME_INTERVAL_MILLIS}.
 *
 * <p>Membership changes are told to the node's {@link RoomEvents} (publisher joined/left, its tracks, viewers
 * joined/left, room closed), under this room's monitor, so they arrive in the order they happened.
 */
public final class Room {
    private static final Logger LOG = LoggerFactory.getLogger(Room.class);

    /** At most one keyframe request to the publisher per this many milliseconds. */
    public static final long KEYFRAME_INTERVAL_MILLIS = 500;

    private final String streamId;
    private final ScheduledExecutorService timer;
    private final KeyframeThrottle keyframes = new KeyframeThrottle(TimeUnit.MILLISECONDS.toNanos(KEYFRAME_INTERVAL_MILLIS));
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder sinkFailures = new LongAdder();
    /** Null: forward inline on the receive thread. */
    private final ForwardingWorkers<MediaPacket> workers;
    /** Guarded by this for changes; read without a lock. */
    private final RoomSinks sinks;
    private volatile Publisher publisher;
    private volatile boolean closed;
    private volatile boolean sinkFailureLogged;
    private final RoomEvents events;

    /** A room whose receive thread serves every sink itself. */
    public Room(String streamId, ScheduledExecutorService timer) {
        this(streamId, timer, null);
    }

    /** A room whose fan-out runs on {@code workers} (null: inline on the receive thread). */
    public Room(String streamId, ScheduledExecutorService timer, ForwardingWorkers<MediaPacket> workers) {
        this(streamId, timer, workers, RoomEvents.NONE);
    }

    /** A room that tells its lifecycle to {@code events} (the SFU's: every room of the node shares one). */
    public Room(String streamId, ScheduledExecutorService timer, ForwardingWorkers<MediaPacket> workers,
                RoomEvents events) {
        this.streamId = streamId;
        this.timer = timer;
        this.workers = workers;
        this.events = events;
        this.sinks = new RoomSinks(this, workers);
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
            deliver(packet, sinks.all());
            return;
        }
        RoomSinks.Shards s = sinks.shards();
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

    void deliver(MediaPacket packet, PacketSink[] to) {
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

    /** The publisher's sender report for a forwarded source, to every sink (RFC 3550 section 6.4.1). */
    void senderReport(MediaKind kind, long sourceSsrc, long ntpTimestamp, long rtpTimestamp) {
        for (PacketSink sink : sinks.all()) {
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

    /**
     * A viewer's retransmission: the publisher's cached packet {@code seq} of source {@code ssrc} into {@code dst}
     * (see {@link Publisher#cachedPacket}). Viewers reach the producer side only through the room.
     *
     * @return its length, or a negative {@link PacketCache} status
     */
    int cachedPacket(long ssrc, int seq, byte[] dst, int dstOff, long nowMillis) {
        Publisher p = publisher;
        return p == null ? PacketCache.MISSING : p.cachedPacket(ssrc, seq, dst, dstOff, nowMillis);
    }

    /** The current publisher's bitrate of video simulcast layer {@code layer} (see {@link RecvStreams}); 0 without. */
    long videoLayerBitrate(int layer) {
        Publisher p = publisher;
        return p == null ? 0 : p.videoLayerBitrate(layer);
    }

    /** Installs {@code next} and returns the publisher it replaces (the caller closes it), or null. */
    public synchronized Publisher setPublisher(Publisher next) {
        Publisher previous = publisher;
        publisher = next;
        if (previous != null && previous != next) {
            events.onPublisherLeft(this, previous.peerId());
        }
        if (next != null) {
            for (PacketSink sink : sinks.all()) {
                sink.onPublisher(next.tracks());
            }
            events.onPublisherJoined(this, next.peerId());
            for (io.relaycast.sfu.media.PublishedTrack track : next.tracks().all()) {
                events.onTrackAdded(this, next.peerId(), track);
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
        events.onPublisherLeft(this, expected.peerId());
        return true;
    }

    /** Adds a viewer and returns the one it replaces under the same peer id (the caller closes it), or null. */
    public synchronized Subscriber addSubscriber(Subscriber subscriber) {
        Subscriber previous = subscribers.put(subscriber.peerId(), subscriber);
        if (previous != null) {
            removeSinkLocked(previous);
            events.onViewerLeft(this, previous.peerId());
        }
        addSinkLocked(subscriber);
        events.onViewerJoined(this, subscriber.peerId());
        return previous;
    }

    /** Removes the viewer if {@code expected} is still the one under its peer id; true when it was. */
    public synchronized boolean removeSubscriber(Subscriber expected) {
        if (!subscribers.remove(expected.peerId(), expected)) {
            return false;
        }
        removeSinkLocked(expected);
        events.onViewerLeft(this, expected.peerId());
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
        sinks.add(sink);
    }

    private void removeSinkLocked(PacketSink sink) {
        sinks.remove(sink);
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
        boolean wasClosed = closed;
        closed = true;
        List<Object> peers = new ArrayList<>();
        if (publisher != null) {
            peers.add(publisher);
        }
        peers.addAll(subscribers.values());
        publisher = null;
        subscribers.clear();
        sinks.clear();
        if (!wasClosed) {
            events.onRoomClosed(this);
        }
        return peers;
    }

    /** Marks the room closed if nobody is in it (so a concurrent join re-creates it); true when it closed. */
    public synchronized boolean closeIfEmpty() {
        if (publisher == null && subscribers.isEmpty()) {
            if (!closed) {
                closed = true;
                events.onRoomClosed(this);
            }
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
        m.put("sinks", sinks.all().length);
        int[] perWorker = sinks.perWorker();
        if (perWorker != null) {
            m.put("sinksPerWorker", perWorker);
        }
        m.put("packetsForwarded", forwarded.sum());
        m.put("sinkFailures", sinkFailures.sum());
        m.put("keyframeRequests", keyframes.requests());
        m.put("keyframeRequestsSent", keyframes.sent());
        return m;
    }
}
