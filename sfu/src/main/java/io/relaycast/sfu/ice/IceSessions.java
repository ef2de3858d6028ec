package io.relaycast.sfu.ice;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live {@link IceSession}s, by local ufrag (the key ice4j's shared port demultiplexes new addresses by), and the
 * one timer thread that applies their connect and consent timeouts. A session that fails or loses consent is
 * freed here after its listener has heard about it, so the SFU cannot leak one by forgetting.
 */
public final class IceSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IceSessions.class);

    private final IceHarvesters harvesters;
    private final IceConfig config;
    private final Map<String, IceSession> byUfrag = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;

    /** Sessions use the harvesters' config. */
    public IceSessions(IceHarvesters harvesters) {
        this(harvesters, harvesters.config());
    }

    /**
     * @param config per-session settings (timeouts, candidate limit); the consent check interval is process-wide
     *               and stays the one the harvesters were built with
     */
    public IceSessions(IceHarvesters harvesters, IceConfig config) {
        this.harvesters = harvesters;
        this.config = config;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ice-session-timer");
            t.setDaemon(true);
            return t;
        });
        long period = tickPeriod(config).toMillis();
        timer.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
        if (harvesters.tcp() != null) {
            harvesters.tcp().start(byUfrag::get, config); // ICE-TCP admits a connection by a live ufrag
        }
    }

    /** A fifth of the shortest timeout, within 50 ms..1 s: late by at most that much. */
    static Duration tickPeriod(IceConfig config) {
        Duration shortest = config.consentTimeout().compareTo(config.connectTimeout()) < 0
                ? config.consentTimeout() : config.connectTimeout();
        long ms = Math.max(50, Math.min(1000, shortest.toMillis() / 5));
        return Duration.ofMillis(ms);
    }

    /**
     * Creates and registers a session.
     *
     * @throws IOException when ice4j gathers no candidate
     */
    public IceSession create(IceRole role, IceSessionListener listener) throws IOException {
        IceSession s = IceAgents.newSession(harvesters, config, role, listener);
        byUfrag.put(s.localUfrag(), s);
        return s;
    }

    /** The session with this local ufrag, or {@code null}. */
    public IceSession get(String localUfrag) {
        return byUfrag.get(localUfrag);
    }

    public int size() {
        return byUfrag.size();
    }

    /** Closes and forgets the session; false when there was none. */
    public boolean free(String localUfrag) {
        IceSession s = byUfrag.remove(localUfrag);
        if (s == null) {
            return false;
        }
        s.close();
        return true;
    }

    /**
     * Frees the session on the timer thread, not the caller's: used when an ICE restart (RFC 8445 section 9)
     * replaces a session from inside an ice4j callback of the new one, where freeing an agent directly is not
     * allowed (see {@link IceSessionListener}). No-op once the registry is closed (close() frees everything).
     */
    public void freeLater(IceSession session) {
        try {
            timer.execute(() -> {
                if (byUfrag.remove(session.localUfrag(), session)) {
                    session.close();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            session.close();
        }
    }

    /** Applies timeouts, then frees the sessions that ended. Runs on the timer thread; package-private for tests. */
    void sweep() {
        long now = System.nanoTime();
        for (IceSession s : byUfrag.values()) {
            try {
                s.checkTimers(now);
                if (s.state().isEnded()) {
                    byUfrag.remove(s.localUfrag(), s);
                    s.close();
                }
            } catch (RuntimeException e) {
                LOG.warn("ICE session sweep failed for {}", s, e);
            }
        }
    }

    /** Debug state of every session, by local ufrag. */
    public Map<String, Map<String, Object>> debugState() {
        Map<String, Map<String, Object>> m = new LinkedHashMap<>();
        for (IceSession s : byUfrag.values()) {
            m.put(s.localUfrag(), s.debugState());
        }
        return m;
    }

    /** Stops the timer and closes every session (the harvesters stay open: they are shared). */
    @Override
    public void close() {
        timer.shutdownNow();
        for (String ufrag : byUfrag.keySet()) {
            free(ufrag);
        }
    }
}
