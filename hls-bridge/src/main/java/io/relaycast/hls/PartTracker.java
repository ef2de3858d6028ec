package io.relaycast.hls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * One rendition's Low-Latency HLS state: the complete segments of the sliding window, the parts of the segment being
 * made, and the requests waiting for a part (blocking playlist reload, RFC 8216bis §6.2.5.2, and preload-hinted part
 * requests, §4.4.5.3). Only the packager adds to it, and only what is already on disk under its final name, so a
 * rendered playlist never names an incomplete part or segment.
 *
 * <p>Waiting costs no thread: a waiting request is a {@link CompletableFuture} with a timeout
 * ({@link CompletableFuture#orTimeout}), completed on {@code completions} when a part arrives; the HTTP layer
 * suspends the request on it.
 */
public final class PartTracker {
    /** One partial segment (a CMAF fragment of the video's part target), under its final name. */
    public record Part(long seq, String uri, double duration, boolean independent) {
    }

    /** A media segment: its parts, and its own URI once complete (null while parts are still added). */
    public static final class Segment {
        final long msn;
        final boolean discontinuity;
        final String map;
        final List<Part> parts = new ArrayList<>();
        double duration;
        String uri;

        Segment(long msn, boolean discontinuity, String map) {
            this.msn = msn;
            this.discontinuity = discontinuity;
            this.map = map;
        }

        public long msn() {
            return msn;
        }

        public List<Part> parts() {
            return parts;
        }

        public String uri() {
            return uri;
        }
    }

    /** The request asked for something too far ahead (§6.2.5.2: "SHOULD immediately return Bad Request"). */
    public static final class TooFarAhead extends IllegalArgumentException {
        TooFarAhead(String m) {
            super(m);
        }
    }

    /** The stream ended while the request waited. */
    public static final class Ended extends IllegalStateException {
        Ended() {
            super("the rendition ended");
        }
    }

    private record Waiter(LlHlsQuery query, long partSeq, CompletableFuture<String> future) {
    }

    final int targetDuration;
    final double partTarget;
    private final int window;
    /** Complete segments slid out of the window whose files stay a little longer (players mid-download). */
    private final int keepAfterWindow;
    private final long waitMillis;
    private final Executor completions;
    final java.util.function.LongFunction<String> partNames;
    final ArrayDeque<Segment> segments = new ArrayDeque<>();
    private final ArrayDeque<Segment> retired = new ArrayDeque<>();
    private final List<Waiter> waiters = new ArrayList<>();
    Segment open;
    long nextMsn;
    long nextPartSeq;
    int discontinuitySequence;
    private String map;
    private boolean discontinuityNext;
    private boolean ended;
    private volatile String rendered;

    /**
     * @param targetDuration  EXT-X-TARGETDURATION (s); segments close at a keyframe from about this long, and
     *                        before they would round above it (RFC 8216 §4.3.3.1)
     * @param partTarget      EXT-X-PART-INF PART-TARGET (s)
     * @param window          complete segments listed
     * @param waitMillis      how long a blocking request may wait before 503
     * @param completions     where waiting requests are answered (not the packager's thread)
     * @param partNames       the URI of the part with a given sequence number (for the preload hint)
     */
    public PartTracker(int targetDuration, double partTarget, int window, long waitMillis, Executor completions,
                       java.util.function.LongFunction<String> partNames) {
        this.partNames = partNames;
        this.targetDuration = targetDuration;
        this.partTarget = partTarget;
        this.window = window;
        this.keepAfterWindow = 2;
        this.waitMillis = waitMillis;
        this.completions = completions;
    }

    /** The playlist as it is now, or null before the first part. */
    public String playlist() {
        return rendered;
    }

    /** A new init segment (ffmpeg (re)started): the next part opens a new segment after a discontinuity. */
    public synchronized void newInit(String mapUri) {
        discontinuityNext = map != null;
        map = mapUri;
    }

    public synchronized boolean ended() {
        return ended;
    }

    public synchronized boolean hasOpenSegment() {
        return open != null;
    }

    public synchronized long openMsn() {
        return open == null ? nextMsn : open.msn;
    }

    public synchronized long nextPartSeq() {
        return nextPartSeq;
    }

    /**
     * Whether a fragment starts a new segment: always after a new init; at a keyframe once the open segment is
     * within half a part of the target; and before it would make the segment round above the target duration
     * (then the segment starts without a keyframe: its first part is not INDEPENDENT).
     */
    public synchronized boolean startsSegment(Mp4Fragments.Fragment f) {
        if (open == null || discontinuityNext || open.map != null && !open.map.equals(map)) {
            return true;
        }
        if (f.independent() && open.duration >= targetDuration - partTarget / 2) {
            return true;
        }
        return open.duration + f.durationSeconds() >= targetDuration + 0.5;
    }

    /**
     * Publishes a part whose file is complete; if {@code newSegment}, the open segment is first closed under
     * {@code closedUri} (its file complete too). Returns the segments whose files may now be deleted.
     */
    public List<Segment> add(Part part, boolean newSegment, String closedUri) {
        List<Segment> gone;
        synchronized (this) {
            if (ended) {
                return List.of();
            }
            if (newSegment || open == null) {
                close(closedUri);
                open = new Segment(nextMsn++, discontinuityNext, map);
                discontinuityNext = false;
            }
            open.parts.add(part);
            open.duration += part.duration();
            nextPartSeq = part.seq() + 1;
            gone = slide();
            rendered = LlHlsPlaylist.render(this);
        }
        wake();
        return gone;
    }

    /** The open segment's parts are all there is (ffmpeg ended): it becomes a complete segment. */
    public List<Segment> closeOpen(String closedUri) {
        List<Segment> gone;
        synchronized (this) {
            if (ended || open == null) {
                return List.of();
            }
            close(closedUri);
            gone = slide();
            rendered = LlHlsPlaylist.render(this);
        }
        wake();
        return gone;
    }

    private void close(String uri) {
        if (open != null && uri != null) {
            open.uri = uri;
            segments.add(open);
        }
        open = null;
    }

    private List<Segment> slide() {
        List<Segment> gone = new ArrayList<>();
        while (segments.size() > window) {
            Segment s = segments.removeFirst();
            if (s.discontinuity) {
                discontinuitySequence++; // RFC 8216 §4.3.3.3: counts the discontinuity tags that left the playlist
            }
            retired.add(s);
        }
        while (retired.size() > keepAfterWindow) {
            gone.add(retired.removeFirst());
        }
        return gone;
    }

    /** The rendition is gone: waiting requests fail with {@link Ended}; returns every segment still on disk. */
    public List<Segment> end() {
        List<Waiter> w;
        List<Segment> all = new ArrayList<>();
        synchronized (this) {
            ended = true;
            rendered = null;
            w = List.copyOf(waiters);
            waiters.clear();
            all.addAll(retired);
            all.addAll(segments);
            if (open != null) {
                all.add(open);
            }
        }
        w.forEach(x -> x.future.completeExceptionally(new Ended()));
        return all;
    }

    /**
     * The playlist once it satisfies a blocking request (at once when it does or the request does not block).
     * Fails with {@link TooFarAhead} (400), {@link java.util.concurrent.TimeoutException} after the configured
     * wait (503), or {@link Ended}.
     */
    public CompletableFuture<String> await(LlHlsQuery q) {
        synchronized (this) {
            if (ended) {
                return CompletableFuture.failedFuture(new Ended());
            }
            if (!q.blocking() || satisfied(q)) {
                return CompletableFuture.completedFuture(rendered);
            }
            checkAhead(q);
            return park(new Waiter(q, -1, new CompletableFuture<>()));
        }
    }

    /**
     * Completes when the part numbered {@code seq} is published: at once for a published one, after a wait for the
     * one the playlist hints (EXT-X-PRELOAD-HINT); null for any other (never hinted: 404).
     */
    public CompletableFuture<String> awaitPart(long seq) {
        synchronized (this) {
            if (ended) {
                return null;
            }
            if (seq < nextPartSeq) {
                return CompletableFuture.completedFuture(rendered);
            }
            if (seq > nextPartSeq) {
                return null;
            }
            return park(new Waiter(null, seq, new CompletableFuture<>()));
        }
    }

    private CompletableFuture<String> park(Waiter w) {
        waiters.removeIf(x -> x.future.isDone()); // timed out meanwhile
        waiters.add(w);
        return w.future.orTimeout(waitMillis, TimeUnit.MILLISECONDS);
    }

    private void wake() {
        List<Waiter> ready = new ArrayList<>();
        String text;
        synchronized (this) {
            text = rendered;
            for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.future.isDone() || (w.query == null ? w.partSeq < nextPartSeq : satisfied(w.query))) {
                    it.remove();
                    ready.add(w);
                }
            }
        }
        if (!ready.isEmpty()) {
            completions.execute(() -> ready.forEach(w -> w.future.complete(text)));
        }
    }

    /** §6.2.5.2: the playlist contains segment msn (complete) or, with _HLS_part, that part of it, or anything later. */
    private boolean satisfied(LlHlsQuery q) {
        if (rendered == null) {
            return false;
        }
        if (open != null) {
            if (open.msn > q.msn()) {
                return true;
            }
            return open.msn == q.msn() && q.part() >= 0 && open.parts.size() > q.part();
        }
        return nextMsn > q.msn();
    }

    /**
     * §6.2.5.2: "If the _HLS_msn is greater than the Media Sequence Number of the last Media Segment in the current
     * Playlist plus two, or if the _HLS_part exceeds the last Partial Segment in the current Playlist by the Advance
     * Part Limit, then the server SHOULD immediately return Bad Request". The Advance Part Limit is three divided by
     * the Part Target Duration (it is under one second here).
     */
    private void checkAhead(LlHlsQuery q) {
        if (rendered == null) {
            return; // nothing yet: the first part is what it waits for
        }
        long last = open != null ? open.msn : nextMsn - 1;
        if (q.msn() > last + 2) {
            throw new TooFarAhead("_HLS_msn " + q.msn() + " is more than two segments past " + last);
        }
        if (q.part() >= 0) {
            long perSegment = Math.max(1, Math.round(targetDuration / partTarget));
            long lastPart = last * perSegment + (open == null ? perSegment - 1 : open.parts.size() - 1);
            long wanted = q.msn() * perSegment + q.part();
            long limit = (long) Math.ceil(3 / partTarget);
            if (wanted - lastPart > limit) {
                throw new TooFarAhead("_HLS_part " + q.part() + " of " + q.msn() + " is more than " + limit
                        + " parts ahead");
            }
        }
    }

    /** The init segment and file of the newest complete segment, or null (for the live thumbnail). */
    public synchronized String[] newestComplete() {
        Segment s = segments.peekLast();
        return s == null || s.map == null ? null : new String[] {s.map, s.uri};
    }

    synchronized List<Segment> segmentsForTest() {
        List<Segment> all = new ArrayList<>(segments);
        if (open != null) {
            all.add(open);
        }
        return all;
    }
}
