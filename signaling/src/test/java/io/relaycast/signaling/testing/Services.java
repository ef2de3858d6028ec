package io.relaycast.signaling.testing;

import io.relaycast.signaling.analytics.AnalyticsService;
import io.relaycast.signaling.analytics.MediaSampleRepository;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.chat.ChatConfig;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.chat.CommentRepository;
import io.relaycast.signaling.db.Database;
import io.relaycast.signaling.featured.FeaturedRepository;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.moderation.BanRepository;
import io.relaycast.signaling.moderation.ModerationConfig;
import io.relaycast.signaling.moderation.ModerationService;
import io.relaycast.signaling.reaction.ReactionRepository;
import io.relaycast.signaling.reaction.ReactionService;
import io.relaycast.signaling.reaction.ReactionsConfig;
import io.relaycast.signaling.stream.StreamDraft;
import io.relaycast.signaling.stream.StreamRepository;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.stream.StreamsConfig;
import io.relaycast.signaling.user.FollowRepository;
import io.relaycast.signaling.user.UserRepository;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.viewer.ViewerConfig;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.viewer.ViewerSessionRepository;

import java.util.Set;
import java.util.UUID;

/** Every control-plane service over one real database and a hand-moved clock, wired as production wires them. */
public final class Services implements AutoCloseable {
    public final Database db;
    public final TestClock clock = new TestClock(1_800_000_000_000L);
    public final UserService users;
    public final StreamRepository streamRepository;
    public final StreamService streams;
    public final ViewerSessionRepository sessions;
    public final ViewerService viewers;
    public final CommentRepository comments;
    public final ChatService chat;
    public final ReactionRepository reactionRepository;
    public final ReactionService reactions;
    public final FeaturedService featured;
    public final AnalyticsService analytics;
    public final ModerationService moderation;

    public Services(Database db, int minFollowers) {
        this.db = db;
        var jdbi = db.jdbi();
        users = new UserService(new UserRepository(jdbi), new FollowRepository(jdbi), clock);
        streamRepository = new StreamRepository(jdbi);
        streams = new StreamService(streamRepository, users, new StreamsConfig(minFollowers, 5, 100), clock);
        sessions = new ViewerSessionRepository(jdbi);
        viewers = new ViewerService(sessions, streamRepository, streams, new ViewerConfig(10, 10_000), clock);
        comments = new CommentRepository(jdbi);
        chat = new ChatService(comments, streams, users, new ChatConfig(500, 5, 10_000, 100), clock);
        reactionRepository = new ReactionRepository(jdbi);
        reactions = new ReactionService(reactionRepository, streams, new ReactionsConfig(20, 10_000), clock);
        featured = new FeaturedService(new FeaturedRepository(jdbi), streams, clock);
        moderation = new ModerationService(new BanRepository(jdbi), streams,
                new ModerationConfig(java.time.Duration.ofDays(7)), clock);
        chat.useModeration(moderation);
        reactions.useModeration(moderation);
        analytics = new AnalyticsService(streams, sessions, comments, reactionRepository, new MediaSampleRepository(jdbi), clock);
    }

    public static Principal user(String name) {
        return new Principal("u-" + UUID.randomUUID(), name, Set.of());
    }

    public static Principal moderator(String name) {
        return new Principal("m-" + UUID.randomUUID(), name, Set.of(Principal.MODERATOR));
    }

    public static StreamDraft titled(String title) {
        return new StreamDraft(title, null, null, null, null, null, null, null, null, null, null, null);
    }

    @Override
    public void close() {
        db.close();
    }
}
