package io.relaycast.sfu.room;

import io.relaycast.sfu.forward.FanOut;
import io.relaycast.sfu.forward.ForwardingWorkers;
import io.relaycast.sfu.forward.PooledPacket;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A room's sinks (viewers and taps) as the packet path reads them: one copy-on-write array of all, and with
 * {@link ForwardingWorkers} a snapshot split by worker ({@link Shards}); each sink is given the least-loaded worker
 * when it joins and keeps it, so its packets keep their order. Changed under the room's monitor (signaling
 * threads), read through volatile fields without a lock.
 */
final class RoomSinks {
    static final PacketSink[] NO_SINKS = new PacketSink[0];

    private final Room room;
    /** Null: the room forwards inline on the receive thread. */
    private final ForwardingWorkers<MediaPacket> workers;
    private volatile PacketSink[] all = NO_SINKS;
    /** Each sink's worker. Guarded by the room's monitor. */
    private final Map<PacketSink, Integer> workerOf = new IdentityHashMap<>();
    private volatile Shards shards;

    RoomSinks(Room room, ForwardingWorkers<MediaPacket> workers) {
        this.room = room;
        this.workers = workers;
        this.shards = new Shards(room, new PacketSink[0][], new int[0]);
    }

    PacketSink[] all() {
        return all;
    }

    Shards shards() {
        return shards;
    }

    /**
     * One membership snapshot split by worker: the sinks each worker serves, and which workers have any. Built on
     * every membership change, read without a lock by the receive thread and the workers.
     */
    static final class Shards implements FanOut<MediaPacket> {
        private final Room room;
        final PacketSink[][] byWorker;
        final int[] active;

        Shards(Room room, PacketSink[][] byWorker, int[] active) {
            this.room = room;
            this.byWorker = byWorker;
            this.active = active;
        }

        @Override
        public void deliver(PooledPacket<MediaPacket> packet, int worker) {
            room.deliver(packet.view, byWorker[worker]);
        }
    }

    void add(PacketSink sink) {
        PacketSink[] old = all;
        PacketSink[] grown = Arrays.copyOf(old, old.length + 1);
        grown[old.length] = sink;
        all = grown;
        if (workers != null) {
            workerOf.put(sink, workers.assign());
            reshard();
        }
    }

    void remove(PacketSink sink) {
        PacketSink[] old = all;
        List<PacketSink> kept = new ArrayList<>(old.length);
        for (PacketSink s : old) {
            if (s != sink) {
                kept.add(s);
            }
        }
        all = kept.isEmpty() ? NO_SINKS : kept.toArray(NO_SINKS);
        if (workers != null) {
            Integer w = workerOf.remove(sink);
            if (w != null) {
                workers.unassign(w);
            }
            reshard();
        }
    }

    void clear() {
        all = NO_SINKS;
        if (workers != null) {
            for (Integer w : workerOf.values()) {
                workers.unassign(w);
            }
            workerOf.clear();
            reshard();
        }
    }

    /** Sinks per worker, or null without workers (debug state). */
    int[] perWorker() {
        if (workers == null) {
            return null;
        }
        Shards s = shards;
        int[] perWorker = new int[s.byWorker.length];
        for (int i = 0; i < perWorker.length; i++) {
            perWorker[i] = s.byWorker[i].length;
        }
        return perWorker;
    }

    /** Rebuilds the per-worker snapshot from {@link #all} and {@link #workerOf}. */
    private void reshard() {
        int n = workers.threads();
        List<List<PacketSink>> by = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            by.add(new ArrayList<>());
        }
        for (PacketSink sink : all) {
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
        shards = new Shards(room, byWorker, active);
    }
}
