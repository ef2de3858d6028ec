package io.relaycast.sfu.room;

/**
 * Coalesces keyframe requests toward one publisher: at most one PLI or FIR per interval, however many viewers join
 * or report loss at once (RFC 4585 section 6.3 and RFC 5104 section 4.3.1.2 both warn that every request costs the
 * sender a full intra frame). A request inside the interval is not dropped but deferred to the end of it, once, so
 * the last of many joining viewers still gets a keyframe within one interval.
 *
 * <p>Pure state (times are passed in), so the policy is unit-tested without clocks; thread-safe.
 */
public final class KeyframeThrottle {

    /** {@link #request} result: a request is already scheduled and will cover this one. */
    public static final long COALESCED = -1;
    /** {@link #request} result: send now. */
    public static final long NOW = 0;

    private final long minIntervalNanos;
    private boolean sentBefore;
    private long lastSentNanos;
    private boolean pending;
    private long requests;
    private long sent;

    public KeyframeThrottle(long minIntervalNanos) {
        if (minIntervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.minIntervalNanos = minIntervalNanos;
    }

    /**
     * A keyframe is wanted at {@code nowNanos}.
     *
     * @return {@link #NOW} (the caller sends at once, counted as sent), a positive delay in nanoseconds after which
     *     the caller must call {@link #fire}, or {@link #COALESCED}
     */
    public synchronized long request(long nowNanos) {
        requests++;
        if (pending) {
            return COALESCED;
        }
        long since = nowNanos - lastSentNanos;
        if (!sentBefore || since >= minIntervalNanos) {
            sentBefore = true;
            lastSentNanos = nowNanos;
            sent++;
            return NOW;
        }
        pending = true;
        return minIntervalNanos - since;
    }

    /** The deferred request is due; true when the caller must send it now (false if nothing was pending). */
    public synchronized boolean fire(long nowNanos) {
        if (!pending) {
            return false;
        }
        pending = false;
        sentBefore = true;
        lastSentNanos = nowNanos;
        sent++;
        return true;
    }

    public synchronized long requests() {
        return requests;
    }

    public synchronized long sent() {
        return sent;
    }
}
