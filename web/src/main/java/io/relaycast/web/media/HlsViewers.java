package io.relaycast.web.media;

import io.relaycast.signaling.viewer.ViewerService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One viewer session per HLS player. HLS has no connection to close, so a player is known by a session id the
 * master playlist hands it: every variant URI of {@code master.m3u8} gets {@code ?vs=<id>.<mac>} (the id a fresh
 * UUID, the MAC binding it to the stream under the playback key, so any node can check it and nobody can open
 * sessions without asking for a master playlist). The player's media-playlist requests (every target duration, by
 * RFC 8216 section 6.3.4) carry it back: the first opens the session (transport {@code hls}, in the shared
 * table, so counts, peaks, watch time and analytics include it on every node), later ones mark it seen, and a
 * sweeper on every node closes sessions silent for {@code timeout}, ending their watch time at the last request.
 *
 * <p>Bounds: at most {@code per-address} sessions per remote address on this node (more are served but not
 * counted), and at most {@link #MAX_TRACKED} tracked here. Writes to the database: one insert per player, then at
 * most one update per {@code timeout / 4} per player per node.
 */
public final class HlsViewers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HlsViewers.class);
    static final int MAX_TRACKED = 100_000;
    private static final int MAC_BYTES = 12;

    private final ViewerService viewers;
    private final HlsViewersConfig config;
    private final byte[] key;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, Integer> perAddress = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private volatile boolean failureLogged;

    /** A player this node has seen: when it last wrote "seen", and whether its session is closed for good. */
    private static final class Tracked {
        final String address;
        volatile long lastWrite;
        volatile long lastSeen;
        volatile boolean closed;

        Tracked(String address, long now) {
            this.address = address;
            this.lastWrite = now;
            this.lastSeen = now;
        }
    }

    public HlsViewers(ViewerService viewers, HlsViewersConfig config, byte[] key) {
        this.viewers = viewers;
        this.config = config;
        this.key = key.clone();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hls-viewer-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1000, config.timeoutMillis() / 4);
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** A new player's session token for {@code streamId} ({@code <32 hex>.<base64url MAC>}). */
    public String mint(String streamId) {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String hex = HexFormat.of().formatHex(id);
        return hex + "." + mac(streamId, hex);
    }

    /**
     * A media-playlist request carrying {@code token}: opens or refreshes that player's session. Never throws: a
     * database hiccup must not stop playback (logged once).
     */
    public void seen(String token, String streamId, String address) {
        String id = sessionId(token, streamId);
        if (id == null) {
            return;
        }
        long now = System.currentTimeMillis();
        try {
            Tracked t = tracked.get(id);
            if (t != null) {
                t.lastSeen = now;
                if (!t.closed && now - t.lastWrite >= config.timeoutMillis() / 4) {
                    t.lastWrite = now;
                    t.closed = !viewers.touchHls(id);
                }
                return;
            }
            if (tracked.size() >= MAX_TRACKED || perAddress.getOrDefault(address, 0) >= config.perAddress()) {
                return; // served, not counted
            }
            Tracked fresh = new Tracked(address, now);
            if (tracked.putIfAbsent(id, fresh) != null) {
                return; // the same player's concurrent request
            }
            perAddress.merge(address, 1, Integer::sum);
            // opened here, or open already (another node): refresh it; closed already: stays closed
            if (!viewers.openHls(id, streamId)) {
                fresh.closed = !viewers.touchHls(id);
            }
        } catch (RuntimeException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("HLS viewer session could not be recorded (logged once): {}", e.toString());
            }
        }
    }

    /** The session id (a UUID) of a well-formed token minted for this stream, or null. */
    String sessionId(String token, String streamId) {
        if (token == null || token.length() != 33 + 16 || token.charAt(32) != '.') {
            return null;
        }
        String hex = token.substring(0, 32);
        if (!hex.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            return null;
        }
        byte[] expected = mac(streamId, hex).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, token.substring(33).getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        return new UUID(Long.parseUnsignedLong(hex.substring(0, 16), 16), Long.parseUnsignedLong(hex.substring(16), 16)).toString();
    }

    private String mac(String streamId, String hex) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            m.update(("hls-viewer|" + streamId + "|" + hex).getBytes(StandardCharsets.UTF_8));
            byte[] full = m.doFinal();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, MAC_BYTES));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Closes silent sessions (all nodes' rows) and forgets players this node has not seen for two timeouts. */
    void sweep() {
        try {
            viewers.closeSilentHls(config.timeoutMillis());
        } catch (RuntimeException e) {
            LOG.warn("closing silent HLS viewer sessions failed: {}", e.toString());
        }
        long cutoff = System.currentTimeMillis() - 2 * config.timeoutMillis();
        tracked.entrySet().removeIf(e -> {
            if (e.getValue().lastSeen >= cutoff) {
                return false;
            }
            perAddress.computeIfPresent(e.getValue().address, (a, n) -> n <= 1 ? null : n - 1);
            return true;
        });
    }

    /** Players tracked on this node (tests, debug). */
    public int tracked() {
        return tracked.size();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
