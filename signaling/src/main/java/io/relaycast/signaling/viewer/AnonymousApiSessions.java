package io.relaycast.signaling.viewer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Anonymous viewer sessions opened over REST ({@code POST /streams/{id}/join} without a token). Nothing closes them
 * but an explicit leave (there is no connection to lose), so they are bounded here: at most {@code perAddress} open
 * at once per remote address (a new one closes the oldest) and each lasts {@code ttlMillis} unless the player joins
 * again. Without this, 40 anonymous joins made 40 viewers forever.
 */
final class AnonymousApiSessions {
    private record Entry(String sessionId, String address, long openedAt) {
    }

    private final int perAddress;
    private final long ttlMillis;
    /** Oldest first: expiry walks from the head. */
    private final LinkedHashMap<String, Entry> bySession = new LinkedHashMap<>();
    private final Map<String, Deque<String>> byAddress = new HashMap<>();

    AnonymousApiSessions(int perAddress, long ttlMillis) {
        this.perAddress = perAddress;
        this.ttlMillis = ttlMillis;
    }

    /** Registers a new session; returns the sessions of the same address it pushes over the limit (to close). */
    synchronized List<String> add(String address, String sessionId, long now) {
        bySession.put(sessionId, new Entry(sessionId, address, now));
        Deque<String> mine = byAddress.computeIfAbsent(address, a -> new ArrayDeque<>());
        mine.addLast(sessionId);
        List<String> evicted = new ArrayList<>();
        while (mine.size() > perAddress) {
            String old = mine.removeFirst();
            bySession.remove(old);
            evicted.add(old);
        }
        return evicted;
    }

    /** The session was left or closed otherwise. */
    synchronized void remove(String sessionId) {
        Entry e = bySession.remove(sessionId);
        if (e != null) {
            forget(e);
        }
    }

    /** Sessions older than the time to live, removed from here (to close). */
    synchronized List<String> expired(long now) {
        List<String> out = new ArrayList<>();
        Iterator<Entry> it = bySession.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (now - e.openedAt() < ttlMillis) {
                break; // insertion order is age order
            }
            it.remove();
            forget(e);
            out.add(e.sessionId());
        }
        return out;
    }

    synchronized int size() {
        return bySession.size();
    }

    private void forget(Entry e) {
        Deque<String> mine = byAddress.get(e.address());
        if (mine != null) {
            mine.remove(e.sessionId());
            if (mine.isEmpty()) {
                byAddress.remove(e.address());
            }
        }
    }
}
