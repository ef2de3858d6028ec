package io.relaycast.signaling.moderation;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamService;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Per-stream bans and timeouts. Chat, reactions and likes ask {@link #requireNotBanned} on every write, against
 * the database, so a ban holds at once on every node. A timeout ends by itself: it is a ban with an expiry,
 * compared with the clock on each check.
 */
public final class ModerationService {
    private static final int MAX_REASON = 500;

    private final BanRepository bans;
    private final StreamService streams;
    private final ModerationConfig config;
    private final Clock clock;
    private final List<ModerationListener> listeners = new CopyOnWriteArrayList<>();

    public ModerationService(BanRepository bans, StreamService streams, ModerationConfig config, Clock clock) {
        this.bans = bans;
        this.streams = streams;
        this.config = config;
        this.clock = clock;
    }

    public void addListener(ModerationListener l) {
        listeners.add(l);
    }

    /** @param durationSeconds null: for the whole stream; otherwise a timeout of 1 s to max-timeout */
    public Ban ban(Principal who, String streamId, String userId, Long durationSeconds, String reason) {
        Stream s = streams.require(streamId);
        requireModerator(who, s);
        if (userId == null || userId.isBlank() || userId.length() > 128) {
            throw ServiceException.invalid("userId is required (at most 128 characters)");
        }
        if (userId.equals(s.ownerId())) {
            throw ServiceException.invalid("the stream's owner cannot be banned from their own stream");
        }
        if (userId.equals(who.userId())) {
            throw ServiceException.invalid("you cannot ban yourself");
        }
        if (durationSeconds != null && (durationSeconds < 1 || durationSeconds > config.maxTimeout().toSeconds())) {
            throw ServiceException.invalid("durationSeconds must be 1-" + config.maxTimeout().toSeconds()
                    + "; leave it out to ban for the whole stream");
        }
        if (reason != null && reason.length() > MAX_REASON) {
            throw ServiceException.invalid("reason must be at most " + MAX_REASON + " characters");
        }
        long now = clock.millis();
        Ban b = new Ban(streamId, userId, who.userId(), reason == null ? null : reason.strip(), now,
                durationSeconds == null ? null : now + durationSeconds * 1000);
        bans.put(b);
        listeners.forEach(l -> l.onBanned(b));
        return b;
    }

    public void unban(Principal who, String streamId, String userId) {
        requireModerator(who, streams.require(streamId));
        if (!bans.delete(streamId, userId)) {
            throw new ServiceException(ErrorCode.NOT_FOUND, "user '" + userId + "' is not banned from this stream");
        }
        listeners.forEach(l -> l.onUnbanned(streamId, userId));
    }

    /** Bans and timeouts in force now. */
    public List<Ban> active(Principal who, String streamId) {
        requireModerator(who, streams.require(streamId));
        return bans.active(streamId, clock.millis());
    }

    /** @throws ServiceException BANNED while a ban or timeout of this user on this stream is in force */
    public void requireNotBanned(String streamId, String userId) {
        bans.find(streamId, userId).filter(b -> b.activeAt(clock.millis())).ifPresent(b -> {
            throw new ServiceException(ErrorCode.BANNED, message(b));
        });
    }

    public static String message(Ban b) {
        return b.expiresAt() == null ? "you are banned from this stream"
                : "you are timed out in this stream until " + Instant.ofEpochMilli(b.expiresAt());
    }

    private static void requireModerator(Principal who, Stream s) {
        if (!who.userId().equals(s.ownerId()) && !who.canModerate()) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "only the stream's owner or a moderator may do this");
        }
    }
}
