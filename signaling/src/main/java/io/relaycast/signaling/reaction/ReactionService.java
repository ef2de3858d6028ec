package io.relaycast.signaling.reaction;

import io.relaycast.signaling.moderation.ModerationService;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.ratelimit.SlidingWindowRateLimiter;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamService;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reactions on live streams, limited per user so a held-down button cannot flood a room. */
public final class ReactionService {
    private final ReactionRepository reactions;
    private final StreamService streams;
    private final Clock clock;
    private final SlidingWindowRateLimiter limiter;
    private final List<ReactionListener> listeners = new CopyOnWriteArrayList<>();
    /** Bans and timeouts; null until wired. */
    private volatile ModerationService moderation;

    /** From now on, a banned or timed-out user's reactions are refused with BANNED. */
    public void useModeration(ModerationService moderation) {
        this.moderation = moderation;
    }

    public ReactionService(ReactionRepository reactions, StreamService streams, ReactionsConfig config, Clock clock) {
        this.reactions = reactions;
        this.streams = streams;
        this.clock = clock;
        this.limiter = new SlidingWindowRateLimiter(config.perWindow(), config.windowMillis(), clock);
    }

    public void addListener(ReactionListener l) {
        listeners.add(l);
    }

    public Reaction react(Principal who, String streamId, String type, Double x, Double y) {
        ReactionType t = ReactionType.parse(type);
        checkPosition("x", x);
        checkPosition("y", y);
        Stream s = streams.requireVisible(who, streamId);
        if (!s.reactionsEnabled()) {
            throw new ServiceException(ErrorCode.REACTIONS_DISABLED, "reactions are turned off for this stream");
        }
        if (!s.isLive()) {
            throw new ServiceException(ErrorCode.STREAM_NOT_LIVE, "reactions need a live stream");
        }
        ModerationService bans = moderation;
        if (bans != null) {
            bans.requireNotBanned(streamId, who.userId());
        }
        long wait = limiter.tryAcquire(who.userId() + "|" + streamId);
        if (wait > 0) {
            throw new ServiceException(ErrorCode.RATE_LIMITED, "too many reactions; retry in " + ((wait + 999) / 1000) + " s");
        }
        Reaction r = new Reaction(UUID.randomUUID().toString(), streamId, who.userId(), t, x, y, clock.millis());
        reactions.insert(r);
        listeners.forEach(l -> l.onReaction(r));
        return r;
    }

    private static void checkPosition(String name, Double v) {
        if (v != null && (v.isNaN() || v < 0 || v > 100)) {
            throw ServiceException.invalid(name + " must be between 0 and 100");
        }
    }
}
