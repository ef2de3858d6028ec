package io.relaycast.web;

import io.relaycast.signaling.analytics.AnalyticsService;
import io.relaycast.signaling.analytics.MediaSampleRepository;
import io.relaycast.signaling.auth.DevTokenIssuer;
import io.relaycast.signaling.auth.TokenVerifier;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.chat.CommentRepository;
import io.relaycast.signaling.db.Database;
import io.relaycast.signaling.featured.FeaturedRepository;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.ice.TurnSecretKeeper;
import io.relaycast.signaling.moderation.BanRepository;
import io.relaycast.signaling.moderation.ModerationService;
import io.relaycast.signaling.reaction.LikeRepository;
import io.relaycast.signaling.reaction.LikeService;
import io.relaycast.signaling.reaction.ReactionRepository;
import io.relaycast.signaling.reaction.ReactionService;
import io.relaycast.signaling.recording.RecordingRepository;
import io.relaycast.signaling.shop.SaleRepository;
import io.relaycast.signaling.shop.SaleService;
import io.relaycast.signaling.shop.ViewerMilestones;
import io.relaycast.signaling.stream.StreamRepository;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.user.FollowRepository;
import io.relaycast.signaling.user.UserRepository;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.viewer.ViewerSessionRepository;
import io.relaycast.signaling.webhook.DeliveryRepository;
import io.relaycast.signaling.webhook.WebhookOutbox;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.http.Authenticator;
import java.time.Clock;

/**
 * The control plane's services over one database, built once by the composition root ({@link RelaycastServer}):
 * repositories and the services on them, moderation wired into chat, reactions and featured items, and their events
 * (with the recordings' and the viewer milestones') written to the webhook outbox.
 *
 * @param webhookDeliveries the deliveries of the outbox's events: listed by the webhook routes, sent by the dispatcher
 */
record Services(UserService users, StreamRepository streamRepository, StreamService streams,
                ViewerSessionRepository sessionRepository, ViewerService viewers, CommentRepository comments,
                ChatService chat, ReactionRepository reactionRepository, ReactionService reactions,
                ModerationService moderation, FeaturedRepository featuredRepository, FeaturedService featured,
                LikeRepository likeRepository, LikeService likes, SaleRepository saleRepository, SaleService sales,
                AnalyticsService analytics, IceServerService iceServers, Authenticator auth,
                DevTokenIssuer devTokens, RecordingRepository recordings, DeliveryRepository webhookDeliveries) {

    static Services create(Database db, RelaycastConfig config, Clock clock, TurnSecretKeeper turnSecrets) {
        var jdbi = db.jdbi();
        UserService users = new UserService(new UserRepository(jdbi), new FollowRepository(jdbi), clock);
        StreamRepository streamRepository = new StreamRepository(jdbi);
        StreamService streams = new StreamService(streamRepository, users, config.streams(), clock);
        ViewerSessionRepository sessionRepository = new ViewerSessionRepository(jdbi);
        ViewerService viewers = new ViewerService(sessionRepository, streamRepository, streams, config.viewers(), clock);
        CommentRepository comments = new CommentRepository(jdbi);
        ChatService chat = new ChatService(comments, streams, users, config.chat(), clock);
        ReactionRepository reactionRepository = new ReactionRepository(jdbi);
        ReactionService reactions = new ReactionService(reactionRepository, streams, config.reactions(), clock);
        ModerationService moderation = new ModerationService(new BanRepository(jdbi), streams, config.moderation(), clock);
        chat.useModeration(moderation);
        reactions.useModeration(moderation);
        FeaturedRepository featuredRepository = new FeaturedRepository(jdbi);
        FeaturedService featured = new FeaturedService(featuredRepository, streams, clock);
        featured.useModeration(moderation);
        LikeRepository likeRepository = new LikeRepository(jdbi);
        LikeService likes = new LikeService(likeRepository, streams, moderation, clock);
        SaleRepository saleRepository = new SaleRepository(jdbi);
        SaleService sales = new SaleService(saleRepository, featuredRepository, streams, config.shop(), clock);
        AnalyticsService analytics = new AnalyticsService(streams, sessionRepository, comments, reactionRepository,
                new MediaSampleRepository(jdbi), clock);
        IceServerService iceServers = new IceServerService(config.ice(), clock, turnSecrets);
        Authenticator auth = new Authenticator(new TokenVerifier(config.auth()), users, config.auth().allowAnonymousViewers());
        DevTokenIssuer devTokens = config.devMode() ? new DevTokenIssuer(config.auth(), clock) : null;
        RecordingRepository recordings = new RecordingRepository(jdbi);
        WebhookOutbox webhookOutbox = new WebhookOutbox(jdbi);
        streams.useOutbox(webhookOutbox);
        recordings.useOutbox(webhookOutbox);
        featuredRepository.useOutbox(webhookOutbox);
        saleRepository.useOutbox(webhookOutbox);
        viewers.addListener(new ViewerMilestones(jdbi, viewers, webhookOutbox, config.shop(), clock));
        DeliveryRepository webhookDeliveries = new DeliveryRepository(jdbi);

        return new Services(users, streamRepository, streams, sessionRepository, viewers, comments, chat,
                reactionRepository, reactions, moderation, featuredRepository, featured, likeRepository, likes,
                saleRepository, sales, analytics, iceServers, auth, devTokens, recordings, webhookDeliveries);
    }
}
