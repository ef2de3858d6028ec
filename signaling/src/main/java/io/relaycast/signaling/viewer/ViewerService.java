package io.relaycast.signaling.viewer;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.ratelimit.SlidingWindowRateLimiter;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamLifecycleListener;
import io.relaycast.signaling.stream.StreamRepository;
import io.relaycast.signaling.stream.StreamService;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Viewer sessions: join, leave, watch time, and the current/peak/unique counts. */
public final class ViewerService implements StreamLifecycleListener {
    /** How a viewer watches; the REST join does not know yet, the media plane records the real transport. */
    public static final String TRANSPORT_API = "api";
    public static final String TRANSPORT_WEBRTC = "webrtc";
    public static final String TRANSPORT_HLS = "hls";

    private final ViewerSessionRepository sessions;
    private final StreamRepository streamRepository;
    private final StreamService streams;
    private final SlidingWindowRateLimiter joinLimiter;
    private final Clock clock;
    private final List<ViewerCountListener> listeners = new CopyOnWriteArrayList<>();
    private final AnonymousApiSessions anonymousApi;
    /** Closes expired anonymous REST sessions; started with the first one. */
    private volatile java.util.concurrent.ScheduledExecutorService sweeper;

    public ViewerService(ViewerSessionRepository sessions, StreamRepository streamRepository, StreamService streams,
                         ViewerConfig config, Clock clock) {
        this.sessions = sessions;
        this.streamRepository = streamRepository;
        this.streams = streams;
        this.clock = clock;
        this.joinLimiter = new SlidingWindowRateLimiter(config.joinsPerWindow(), config.joinWindowMillis(), clock);
        this.anonymousApi = new AnonymousApiSessions(config.anonymousApiPerAddress(), config.anonymousApiTtlMillis());
        streams.addListener(this);
    }

    public void addListener(ViewerCountListener l) {
        listeners.add(l);
    }

    /**
     * Opens a session. {@code viewer} is null for an anonymous viewer, who is then known by {@code anonymousKey}
     * (a connection id) for the unique count.
     */
    public ViewerSession join(Principal viewer, String anonymousKey, String streamId, String transport) {
        Stream s = streams.requireVisible(viewer, streamId);
        if (!s.isLive()) {
            throw new ServiceException(ErrorCode.STREAM_NOT_LIVE, "stream is " + s.status().wire() + ", not live");
        }
        String key = viewer != null ? viewer.userId() : "anon:" + anonymousKey;
        long wait = joinLimiter.tryAcquire(key);
        if (wait > 0) {
            throw new ServiceException(ErrorCode.RATE_LIMITED, "too many joins; retry in " + ((wait + 999) / 1000) + " s");
        }
        ViewerSession session = new ViewerSession(UUID.randomUUID().toString(), streamId,
                viewer == null ? null : viewer.userId(), key, transport, clock.millis(), null);
        sessions.insert(session);
        streamRepository.raisePeak(streamId);
        notifyChanged(streamId);
        return session;
    }

    /**
     * A REST join ({@code POST /streams/{id}/join}). An anonymous one is known by its remote address: the join rate
     * limit counts per address, at most {@code anonymous-api-sessions.per-address} stay open per address (a new
     * one closes the oldest) and each closes after {@code anonymous-api-sessions.ttl} without a leave.
     */
    public ViewerSession joinOverApi(Principal viewer, String remoteAddress, String streamId) {
        if (viewer != null) {
            return join(viewer, UUID.randomUUID().toString(), streamId, TRANSPORT_API);
        }
        String address = remoteAddress == null || remoteAddress.isBlank() ? "unknown" : remoteAddress;
        ViewerSession s = join(null, "rest:" + address, streamId, TRANSPORT_API);
        for (String old : anonymousApi.add(address, s.id(), clock.millis())) {
            closeSession(old);
        }
        startSweeper();
        return s;
    }

    private void startSweeper() {
        if (sweeper != null) {
            return;
        }
        synchronized (this) {
            if (sweeper == null) {
                var t = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread th = new Thread(r, "anonymous-session-expiry");
                    th.setDaemon(true);
                    return th;
                });
                t.scheduleWithFixedDelay(this::closeExpired, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
                sweeper = t;
            }
        }
    }

    /** Closes anonymous REST sessions past their time to live. */
    void closeExpired() {
        try {
            for (String id : anonymousApi.expired(clock.millis())) {
                closeSession(id);
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(ViewerService.class).warn("closing expired anonymous sessions failed", e);
        }
    }

    /**
     * An HLS player's session ({@code sessionId} minted by the HTTP edge for one player), opened on its first
     * playlist request on any node; the edge checked access and that the stream is live. No join rate limit: the
     * edge bounds sessions per address, and a player costs the SFU nothing.
     *
     * @return true when this call opened it, false when it existed already (open elsewhere, or closed)
     */
    public boolean openHls(String sessionId, String streamId) {
        ViewerSession s = new ViewerSession(sessionId, streamId, null, "hls:" + sessionId, TRANSPORT_HLS,
                clock.millis(), null);
        if (!sessions.insertSeen(s)) {
            return false;
        }
        streamRepository.raisePeak(streamId);
        notifyChanged(streamId);
        return true;
    }

    /** The player asked for a playlist again; false when its session is closed (timed out, or the stream ended). */
    public boolean touchHls(String sessionId) {
        return sessions.touch(sessionId, clock.millis());
    }

    /**
     * Closes HLS sessions whose player has not been seen for {@code timeoutMillis}, as of its last request (so
     * watch time ends when the player stopped). Any node may run it: each close is conditional, one node wins.
     */
    public int closeSilentHls(long timeoutMillis) {
        int closed = 0;
        for (ViewerSessionRepository.Silent s : sessions.silent(TRANSPORT_HLS, clock.millis() - timeoutMillis, 1000)) {
            if (sessions.close(s.id(), s.lastSeenAt())) {
                closed++;
                notifyChanged(s.streamId());
            }
        }
        return closed;
    }

    /** Open sessions by transport, all nodes (for metrics). */
    public java.util.Map<String, Integer> openByTransport() {
        return sessions.openByTransport();
    }

    /** Open sessions by transport of the largest {@code limit} public streams, all nodes (for metrics). */
    public java.util.Map<String, java.util.Map<String, Integer>> largestStreams(int limit) {
        return sessions.largestStreams(limit);
    }

    /** Closes the caller's session; returns it with {@code leftAt} set. Closing twice is harmless. */
    public ViewerSession leave(Principal viewer, String streamId, String sessionId) {
        if (sessionId == null || sessionId.length() > 36) {
            throw new ServiceException(ErrorCode.SESSION_NOT_FOUND, "sessionId is required");
        }
        ViewerSession s = sessions.find(sessionId)
                .filter(v -> v.streamId().equals(streamId))
                .orElseThrow(() -> ServiceException.notFound(ErrorCode.SESSION_NOT_FOUND, "viewer session", sessionId));
        if (s.userId() != null && (viewer == null || !viewer.userId().equals(s.userId()))) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "that viewer session is someone else's");
        }
        anonymousApi.remove(sessionId);
        boolean closed = sessions.close(sessionId, clock.millis());
        if (closed) {
            notifyChanged(streamId);
        }
        return sessions.find(sessionId).orElseThrow();
    }

    /** Closes a session on behalf of the media or socket layer (connection gone). */
    public void closeSession(String sessionId) {
        sessions.find(sessionId).ifPresent(s -> {
            if (sessions.close(sessionId, clock.millis())) {
                notifyChanged(s.streamId());
            }
        });
    }

    public ViewerStats stats(Principal viewer, String streamId) {
        return stats(viewer, streamId, false);
    }

    /** @param trusted true for the server's own pushes, which go to a room whose members were already checked */
    public ViewerStats stats(Principal viewer, String streamId, boolean trusted) {
        Stream s = trusted ? streams.require(streamId) : streams.requireVisible(viewer, streamId);
        return new ViewerStats(sessions.current(streamId), s.peakViewers(), sessions.unique(streamId));
    }

    /** The live count alone (one query), for per-join notices to the broadcaster. */
    public int current(String streamId) {
        return sessions.current(streamId);
    }

    @Override
    public void onEnded(Stream stream) {
        if (sessions.closeAllOpen(stream.id(), clock.millis()) > 0) {
            notifyChanged(stream.id());
        }
    }

    private void notifyChanged(String streamId) {
        for (ViewerCountListener l : listeners) {
            l.onViewerCountChanged(streamId);
        }
    }
}
