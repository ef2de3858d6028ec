package io.relaycast.signaling.chat;

import io.relaycast.signaling.moderation.ModerationService;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.ratelimit.SlidingWindowRateLimiter;
import io.relaycast.signaling.stream.ChatMode;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.stream.StreamStatus;
import io.relaycast.signaling.user.UserService;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Chat and comments, one service for both doors (REST and Socket.IO) so the rules are the same:
 * 1-500 characters after trimming, chat on/off, followers-only, slow mode, and a per-user, per-room rate limit.
 */
public final class ChatService {
    private final CommentRepository comments;
    private final StreamService streams;
    private final UserService users;
    private final ChatConfig config;
    private final Clock clock;
    private final SlidingWindowRateLimiter rateLimiter;
    /**
     * user|stream → when that user last posted, for slow mode only (the longest slow-mode gap is an hour): entries
     * older than that are dropped at most once a minute, so the map holds the last hour's slow-mode posters.
     */
    private final ConcurrentHashMap<String, Long> lastPost = new ConcurrentHashMap<>();
    private static final long SLOW_MODE_MAX_MILLIS = 3_600_000;
    private static final long TRIM_EVERY_MILLIS = 60_000;
    private volatile long lastTrim;
    private final List<ChatListener> listeners = new CopyOnWriteArrayList<>();
    /** Bans and timeouts; null until wired (tests of chat alone). */
    private volatile ModerationService moderation;

    public ChatService(CommentRepository comments, StreamService streams, UserService users, ChatConfig config, Clock clock) {
        this.comments = comments;
        this.streams = streams;
        this.users = users;
        this.config = config;
        this.clock = clock;
        this.rateLimiter = new SlidingWindowRateLimiter(config.messagesPerWindow(), config.windowMillis(), clock);
    }

    /** From now on, a banned or timed-out user's messages are refused with BANNED. */
    public void useModeration(ModerationService moderation) {
        this.moderation = moderation;
    }

    public void addListener(ChatListener l) {
        listeners.add(l);
    }

    public ChatConfig config() {
        return config;
    }

    public Comment post(Principal author, String streamId, String rawContent) {
        String content = validContent(rawContent);
        Stream s = streams.requireVisible(author, streamId);
        if (!s.chatEnabled()) {
            throw new ServiceException(ErrorCode.CHAT_DISABLED, "chat is turned off for this stream");
        }
        if (s.status() == StreamStatus.ENDED || s.status() == StreamStatus.CANCELLED) {
            throw new ServiceException(ErrorCode.STREAM_ENDED, "chat is closed: the stream is " + s.status().wire());
        }
        boolean privileged = author.userId().equals(s.ownerId()) || author.canModerate();
        ModerationService bans = moderation;
        if (bans != null) {
            bans.requireNotBanned(streamId, author.userId());
        }
        if (s.chatMode() == ChatMode.FOLLOWERS && !privileged && !users.isFollowing(author.userId(), s.ownerId())) {
            throw new ServiceException(ErrorCode.FOLLOWERS_ONLY, "only followers may chat in this stream");
        }
        String key = author.userId() + "|" + streamId;
        long now = clock.millis();
        if (s.chatMode() == ChatMode.SLOW && !privileged) {
            Long last = lastPost.get(key);
            long gap = s.slowModeSeconds() * 1000L;
            if (last != null && now - last < gap) {
                long wait = (gap - (now - last) + 999) / 1000;
                throw new ServiceException(ErrorCode.SLOW_MODE, "slow mode: wait " + wait + " s before your next message");
            }
        }
        long wait = rateLimiter.tryAcquire(key);
        if (wait > 0) {
            throw new ServiceException(ErrorCode.RATE_LIMITED, "too many messages; retry in " + ((wait + 999) / 1000) + " s");
        }
        if (s.chatMode() == ChatMode.SLOW) {
            lastPost.put(key, now);
        }
        trimLastPost(now);
        users.touch(author);
        Comment c = comments.insert(UUID.randomUUID().toString(), streamId, author.userId(), author.displayName(), content, now);
        listeners.forEach(l -> l.onMessage(c));
        return c;
    }

    private void trimLastPost(long now) {
        if (now - lastTrim < TRIM_EVERY_MILLIS) {
            return;
        }
        lastTrim = now;
        lastPost.values().removeIf(t -> now - t >= SLOW_MODE_MAX_MILLIS);
    }

    /** Entries kept for slow mode (tests: the map is bounded). */
    int slowModeEntries() {
        return lastPost.size();
    }

    public CommentPage history(Principal reader, String streamId, String cursor, int limit) {
        streams.requireVisible(reader, streamId);
        if (limit < 1 || limit > config.maxHistoryPage()) {
            throw ServiceException.invalid("limit must be 1-" + config.maxHistoryPage());
        }
        long before = Long.MAX_VALUE;
        if (cursor != null && !cursor.isEmpty()) {
            try {
                before = Long.parseLong(cursor, 36);
            } catch (NumberFormatException e) {
                throw ServiceException.invalid("cursor is not one this server handed out");
            }
        }
        List<Comment> items = comments.before(streamId, before, limit + 1);
        String next = null;
        if (items.size() > limit) {
            items = items.subList(1, items.size());
            next = Long.toString(items.get(0).seq(), 36);
        }
        return new CommentPage(List.copyOf(items), next);
    }

    public Comment pin(Principal who, String streamId, String commentId) {
        Stream s = streams.require(streamId);
        requireModerator(who, s);
        Comment c = comments.find(streamId, commentId).filter(x -> x.deletedAt() == null)
                .orElseThrow(() -> ServiceException.notFound(ErrorCode.COMMENT_NOT_FOUND, "comment", commentId));
        comments.pin(streamId, commentId);
        listeners.forEach(l -> l.onPinned(streamId, commentId));
        return comments.find(streamId, c.id()).orElseThrow();
    }

    /** Unpins the stream's pinned message (owner or moderator); unpinning one that is not pinned is harmless. */
    public Comment unpin(Principal who, String streamId, String commentId) {
        Stream s = streams.require(streamId);
        requireModerator(who, s);
        comments.find(streamId, commentId).filter(x -> x.deletedAt() == null)
                .orElseThrow(() -> ServiceException.notFound(ErrorCode.COMMENT_NOT_FOUND, "comment", commentId));
        if (comments.unpin(streamId, commentId)) {
            listeners.forEach(l -> l.onUnpinned(streamId, commentId));
        }
        return comments.find(streamId, commentId).orElseThrow();
    }

    /** Soft delete by the stream's owner, a moderator, or the message's own author. */
    public void delete(Principal who, String streamId, String commentId) {
        Stream s = streams.require(streamId);
        Comment c = comments.find(streamId, commentId).filter(x -> x.deletedAt() == null)
                .orElseThrow(() -> ServiceException.notFound(ErrorCode.COMMENT_NOT_FOUND, "comment", commentId));
        if (!c.userId().equals(who.userId())) {
            requireModerator(who, s);
        }
        if (comments.softDelete(streamId, commentId, who.userId(), clock.millis())) {
            listeners.forEach(l -> l.onDeleted(streamId, commentId));
        }
    }

    private static void requireModerator(Principal who, Stream s) {
        if (!who.userId().equals(s.ownerId()) && !who.canModerate()) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "only the stream's owner or a moderator may do this");
        }
    }

    private String validContent(String raw) {
        if (raw == null) {
            throw ServiceException.invalid("message is required");
        }
        String v = raw.strip();
        int length = v.codePointCount(0, v.length());
        if (length < 1 || length > config.maxLength()) {
            throw ServiceException.invalid("message must be 1-" + config.maxLength() + " characters after trimming");
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            if (Character.isISOControl(ch) && ch != '\n' && ch != '\t') {
                throw ServiceException.invalid("message contains control characters");
            }
        }
        return v;
    }
}
