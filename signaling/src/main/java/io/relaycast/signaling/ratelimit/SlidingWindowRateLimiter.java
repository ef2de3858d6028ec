package io.relaycast.signaling.ratelimit;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code limit} events per key in any {@code windowMillis}. Keys are e.g. "user|stream".
 * Per node: each signaling node limits what reaches it, which is what protects that node.
 */
public final class SlidingWindowRateLimiter {
    private final int limit;
    private final long windowMillis;
    private final Clock clock;
    private final ConcurrentHashMap<String, ArrayDeque<Long>> events = new ConcurrentHashMap<>();

    public SlidingWindowRateLimiter(int limit, long windowMillis, Clock clock) {
        if (limit < 1 || windowMillis < 1) {
            throw new IllegalArgumentException("limit and window must be positive");
        }
        this.limit = limit;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /**
     * Records an event for the key if it is allowed.
     *
     * @return 0 when allowed, otherwise the milliseconds until the next event would be allowed
     */
    public long tryAcquire(String key) {
        long now = clock.millis();
        ArrayDeque<Long> q = events.computeIfAbsent(key, k -> new ArrayDeque<>(limit + 1));
        synchronized (q) {
            while (!q.isEmpty() && q.peekFirst() <= now - windowMillis) {
                q.pollFirst();
            }
            if (q.size() >= limit) {
                return Math.max(1, q.peekFirst() + windowMillis - now);
            }
            q.addLast(now);
        }
        if (events.size() > 100_000) {
            evictIdle(now);
        }
        return 0;
    }

    private void evictIdle(long now) {
        events.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                Long last = e.getValue().peekLast();
                return last == null || last <= now - windowMillis;
            }
        });
    }
}
