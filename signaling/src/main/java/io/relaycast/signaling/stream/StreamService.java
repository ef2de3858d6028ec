package io.relaycast.signaling.stream;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.webhook.WebhookEventType;
import io.relaycast.signaling.webhook.WebhookOutbox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Stream lifecycle, stream keys, listings and who may see or go live. A draft's fields are checked by
 * {@link StreamDraftValidator}; listeners are told of transitions through {@link StreamLifecycleListeners}.
 */
public final class StreamService {
    private static final Logger LOG = LoggerFactory.getLogger(StreamService.class);

    /** A created or re-keyed stream: the key is in here and nowhere else, ever again. */
    public record KeyedStream(Stream stream, String streamKey) {
    }

    private final StreamRepository streams;
    private final UserService users;
    private final StreamsConfig config;
    private final Clock clock;
    private final StreamLifecycleListeners listeners = new StreamLifecycleListeners();
    /** Where stream.started/ended/cancelled webhooks are written, in the transition's transaction; null: none. */
    private volatile WebhookOutbox outbox;

    public StreamService(StreamRepository streams, UserService users, StreamsConfig config, Clock clock) {
        this.streams = streams;
        this.users = users;
        this.config = config;
        this.clock = clock;
    }

    public void addListener(StreamLifecycleListener l) {
        listeners.add(l);
    }

    /** Writes stream.started / stream.ended / stream.cancelled webhook events with each transition from now on. */
    public void useOutbox(WebhookOutbox outbox) {
        this.outbox = outbox;
    }

    public StreamsConfig config() {
        return config;
    }

    public Eligibility eligibility(String userId) {
        int followers = users.followerCount(userId);
        int required = config.minFollowersToStream();
        boolean ok = followers >= required;
        return new Eligibility(ok, followers, required,
                ok ? null : "streaming needs " + required + " followers; you have " + followers);
    }

    public KeyedStream create(Principal owner, StreamDraft d) {
        users.touch(owner);
        requireEligible(owner);
        long now = clock.millis();
        String title = StreamDraftValidator.title(d.title());
        boolean slow = d.chatMode() != null && ChatMode.parse(d.chatMode()) == ChatMode.SLOW;
        Stream s = new Stream(UUID.randomUUID().toString(), owner.userId(), title,
                StreamDraftValidator.description(d.description()), StreamDraftValidator.category(d.category()),
                StreamDraftValidator.tags(d.tags()),
                d.quality() == null ? Quality.DEFAULT : Quality.parse(d.quality()),
                d.visibility() == null ? Visibility.PUBLIC : Visibility.parse(d.visibility()),
                StreamStatus.SCHEDULED, StreamDraftValidator.scheduledAt(d.scheduledAt(), now), null, null, null,
                d.recordingEnabled() != null && d.recordingEnabled(),
                d.chatEnabled() == null || d.chatEnabled(),
                d.reactionsEnabled() == null || d.reactionsEnabled(),
                d.chatMode() == null ? ChatMode.OPEN : ChatMode.parse(d.chatMode()),
                StreamDraftValidator.slowModeSeconds(d.slowModeSeconds(), slow ? config.defaultSlowModeSeconds() : 0, slow),
                0, 0, now, now);
        String key = StreamKeys.generate();
        streams.insert(s, StreamKeys.hash(key));
        // the request's later lines are about this stream too (the edges clear the MDC when the request ends)
        org.slf4j.MDC.put("streamId", s.id());
        LOG.info("stream {} created by {}", s.id(), owner.userId());
        return new KeyedStream(s, key);
    }

    public Stream update(Principal who, String id, StreamDraft d) {
        Stream s = requireOwned(who, id);
        if (s.status() == StreamStatus.ENDED || s.status() == StreamStatus.CANCELLED) {
            throw new ServiceException(ErrorCode.INVALID_TRANSITION, "a " + s.status().wire() + " stream cannot be edited");
        }
        ChatMode mode = d.chatMode() == null ? s.chatMode() : ChatMode.parse(d.chatMode());
        int slowDefault = s.slowModeSeconds() > 0 ? s.slowModeSeconds() : config.defaultSlowModeSeconds();
        int slowSeconds = mode == ChatMode.SLOW
                ? StreamDraftValidator.slowModeSeconds(d.slowModeSeconds(), slowDefault, true)
                : StreamDraftValidator.slowModeSeconds(d.slowModeSeconds(), s.slowModeSeconds(), false);
        long now = clock.millis();
        Stream updated = new Stream(s.id(), s.ownerId(),
                d.title() == null ? s.title() : StreamDraftValidator.title(d.title()),
                d.description() == null ? s.description() : StreamDraftValidator.description(d.description()),
                d.category() == null ? s.category() : StreamDraftValidator.category(d.category()),
                d.tags() == null ? s.tags() : StreamDraftValidator.tags(d.tags()),
                d.quality() == null ? s.quality() : Quality.parse(d.quality()),
                d.visibility() == null ? s.visibility() : Visibility.parse(d.visibility()),
                s.status(),
                d.scheduledAt() == null ? s.scheduledAt() : StreamDraftValidator.scheduledAt(d.scheduledAt(), now),
                s.startedAt(), s.endedAt(), s.cancelledAt(),
                d.recordingEnabled() == null ? s.recordingEnabled() : d.recordingEnabled(),
                d.chatEnabled() == null ? s.chatEnabled() : d.chatEnabled(),
                d.reactionsEnabled() == null ? s.reactionsEnabled() : d.reactionsEnabled(),
                mode, slowSeconds, s.peakViewers(), s.viewerCount(), s.createdAt(), now);
        streams.updateEditable(updated, now);
        return streams.find(id).orElseThrow();
    }

    public Stream start(Principal who, String id) {
        Stream s = requireOwned(who, id);
        switch (s.status()) {
            case LIVE -> throw new ServiceException(ErrorCode.STREAM_ALREADY_LIVE, "stream is already live");
            case CANCELLED -> throw new ServiceException(ErrorCode.STREAM_CANCELLED, "a cancelled stream cannot go live");
            case ENDED -> throw new ServiceException(ErrorCode.STREAM_ENDED, "an ended stream cannot go live again");
            default -> {
            }
        }
        requireEligible(who);
        requireLiveCapacity(s.ownerId(), who.isAdmin());
        return transition(s, StreamStatus.SCHEDULED, StreamStatus.LIVE, "started_at");
    }

    /** Start on behalf of the media plane (WHIP or a Socket.IO publish): the stream key or owner check was done. */
    public Stream startForPublisher(String id) {
        Stream s = require(id);
        if (s.status() == StreamStatus.LIVE) {
            // already live: a reconnect, or a publish after a restart of this server, whose taps (HLS, recording)
            // died with it; listeners restart what is not running
            listeners.publisherAttached(s);
            return s;
        }
        if (s.status() != StreamStatus.SCHEDULED) {
            throw new ServiceException(s.status() == StreamStatus.CANCELLED ? ErrorCode.STREAM_CANCELLED : ErrorCode.STREAM_ENDED,
                    "a " + s.status().wire() + " stream cannot go live");
        }
        Eligibility e = eligibility(s.ownerId());
        if (!e.eligible()) {
            throw new ServiceException(ErrorCode.NOT_ELIGIBLE, e.reason());
        }
        requireLiveCapacity(s.ownerId(), false);
        return transition(s, StreamStatus.SCHEDULED, StreamStatus.LIVE, "started_at");
    }

    /** One account cannot hold more than {@code streams.max-live-per-account} streams live (admins can). */
    private void requireLiveCapacity(String ownerId, boolean admin) {
        if (admin) {
            return;
        }
        int live = streams.countLive(ownerId);
        if (live >= config.maxLivePerAccount()) {
            throw new ServiceException(ErrorCode.LIVE_LIMIT_REACHED, "this account already has " + live
                    + " live stream(s), the most allowed (streams.max-live-per-account); end one first");
        }
    }

    public Stream end(Principal who, String id) {
        Stream s = requireOwned(who, id);
        return endInternal(s);
    }

    /** End on behalf of the media plane (the publisher left or WHIP DELETE). A stream that is not live is left alone. */
    public Optional<Stream> endForPublisher(String id) {
        Stream s = require(id);
        if (s.status() != StreamStatus.LIVE) {
            return Optional.empty();
        }
        return Optional.of(endInternal(s));
    }

    private Stream endInternal(Stream s) {
        if (s.status() != StreamStatus.LIVE) {
            ErrorCode code = switch (s.status()) {
                case SCHEDULED -> ErrorCode.STREAM_NOT_LIVE;
                case CANCELLED -> ErrorCode.STREAM_CANCELLED;
                default -> ErrorCode.STREAM_ENDED;
            };
            throw new ServiceException(code, "only a live stream can be ended; this one is " + s.status().wire());
        }
        return transition(s, StreamStatus.LIVE, StreamStatus.ENDED, "ended_at");
    }

    public Stream cancel(Principal who, String id) {
        Stream s = requireOwned(who, id);
        if (s.status() != StreamStatus.SCHEDULED) {
            ErrorCode code = switch (s.status()) {
                case LIVE -> ErrorCode.STREAM_ALREADY_LIVE;
                case CANCELLED -> ErrorCode.STREAM_CANCELLED;
                default -> ErrorCode.STREAM_ENDED;
            };
            throw new ServiceException(code, "only a stream that is not live can be cancelled; this one is " + s.status().wire());
        }
        return transition(s, StreamStatus.SCHEDULED, StreamStatus.CANCELLED, "cancelled_at");
    }

    private Stream transition(Stream s, StreamStatus from, StreamStatus to, String timeColumn) {
        long now = clock.millis();
        WebhookOutbox events = outbox;
        if (!streams.transition(s.id(), from, to, timeColumn, now, h -> {
            if (events != null) {
                events.append(h, switch (to) {
                    case LIVE -> WebhookEventType.STREAM_STARTED;
                    case ENDED -> WebhookEventType.STREAM_ENDED;
                    default -> WebhookEventType.STREAM_CANCELLED;
                }, webhookData(s, to, now), now);
            }
        })) {
            // someone else changed it between our read and our write
            Stream current = require(s.id());
            throw new ServiceException(ErrorCode.INVALID_TRANSITION,
                    "stream is " + current.status().wire() + " and cannot become " + to.wire());
        }
        Stream after = require(s.id());
        LOG.info("stream {} is now {}", s.id(), to.wire());
        listeners.statusChanged(after, to);
        return require(s.id());
    }

    /** The {@code data} of a stream.* webhook: who and what, never the key. */
    private static Map<String, Object> webhookData(Stream s, StreamStatus to, long now) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("streamId", s.id());
        d.put("ownerId", s.ownerId());
        d.put("title", s.title());
        d.put("status", to.wire());
        d.put("at", java.time.Instant.ofEpochMilli(now).toString());
        return d;
    }

    public KeyedStream rotateKey(Principal who, String id) {
        Stream s = requireOwned(who, id);
        if (s.status() == StreamStatus.ENDED || s.status() == StreamStatus.CANCELLED) {
            throw new ServiceException(ErrorCode.INVALID_TRANSITION, "a " + s.status().wire() + " stream has no key to rotate");
        }
        String key = StreamKeys.generate();
        streams.setKeyHash(id, StreamKeys.hash(key), clock.millis());
        LOG.info("stream {} key rotated", id);
        return new KeyedStream(require(id), key);
    }

    /**
     * For RTMP, where the key is the only credential: the stream it opens. Keys are 256 random bits and only their
     * SHA-256 is stored, so the lookup is by that digest (the database compares digests, not keys).
     */
    public Optional<Stream> findByStreamKey(String presentedKey) {
        if (presentedKey == null || presentedKey.isEmpty() || presentedKey.length() > 256) {
            return Optional.empty();
        }
        return streams.idByKeyHash(StreamKeys.hash(presentedKey)).flatMap(streams::find);
    }

    /** For WHIP: does this presented key open this stream? */
    public boolean verifyStreamKey(String id, String presentedKey) {
        return streams.keyHash(id).map(h -> StreamKeys.matches(presentedKey, h)).orElse(false);
    }

    public Stream require(String id) {
        if (id == null || id.length() > 36) {
            throw ServiceException.notFound(ErrorCode.STREAM_NOT_FOUND, "stream", String.valueOf(id));
        }
        return streams.find(id).orElseThrow(() -> ServiceException.notFound(ErrorCode.STREAM_NOT_FOUND, "stream", id));
    }

    /** The stream if {@code viewer} may see it ({@code null} viewer = anonymous). */
    public Stream requireVisible(Principal viewer, String id) {
        Stream s = require(id);
        requireVisible(viewer, s);
        return s;
    }

    public void requireVisible(Principal viewer, Stream s) {
        if (s.visibility() == Visibility.PUBLIC) {
            return;
        }
        if (viewer == null) {
            throw new ServiceException(ErrorCode.FOLLOWERS_ONLY, "this stream is for the broadcaster's followers; sign in");
        }
        if (viewer.userId().equals(s.ownerId()) || viewer.isAdmin() || users.isFollowing(viewer.userId(), s.ownerId())) {
            return;
        }
        throw new ServiceException(ErrorCode.FOLLOWERS_ONLY, "this stream is for the broadcaster's followers");
    }

    public Stream requireOwned(Principal who, String id) {
        Stream s = require(id);
        if (!s.ownerId().equals(who.userId()) && !who.isAdmin()) {
            throw new ServiceException(ErrorCode.NOT_OWNER, "only the stream's owner may do this");
        }
        return s;
    }

    public Page<Stream> live(Principal me, String category, int limit, int offset) {
        return streams.live(me == null ? "" : me.userId(), category, pageSize(limit), offset(offset));
    }

    public Page<Stream> scheduled(Principal me, int limit, int offset) {
        return streams.scheduled(me == null ? "" : me.userId(), pageSize(limit), offset(offset));
    }

    public Page<Stream> ownedBy(Principal me, String ownerId, int limit, int offset) {
        return streams.ownedBy(ownerId, me == null ? "" : me.userId(), pageSize(limit), offset(offset));
    }

    private int pageSize(int limit) {
        if (limit < 1 || limit > config.maxPageSize()) {
            throw ServiceException.invalid("limit must be 1-" + config.maxPageSize());
        }
        return limit;
    }

    private static int offset(int offset) {
        if (offset < 0 || offset > 1_000_000) {
            throw ServiceException.invalid("offset must be 0-1000000");
        }
        return offset;
    }

    private void requireEligible(Principal who) {
        Eligibility e = eligibility(who.userId());
        if (!e.eligible()) {
            throw new ServiceException(ErrorCode.NOT_ELIGIBLE, e.reason());
        }
    }
}
