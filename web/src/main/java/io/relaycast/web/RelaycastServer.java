package io.relaycast.web;

import io.javalin.Javalin;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.relaycast.signaling.analytics.AnalyticsService;
import io.relaycast.signaling.analytics.MediaSampleRepository;
import io.relaycast.signaling.analytics.SfuStatsSampler;
import io.relaycast.signaling.auth.DevTokenIssuer;
import io.relaycast.signaling.auth.TokenVerifier;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.chat.CommentRepository;
import io.relaycast.signaling.db.Database;
import io.relaycast.signaling.featured.FeaturedRepository;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.gateway.Events;
import io.relaycast.signaling.gateway.SignalingServer;
import io.relaycast.signaling.moderation.Ban;
import io.relaycast.signaling.reaction.LikeRepository;
import io.relaycast.signaling.reaction.LikeService;
import io.relaycast.signaling.shop.CommerceAnalytics;
import io.relaycast.signaling.shop.SaleRepository;
import io.relaycast.signaling.shop.SaleService;
import io.relaycast.signaling.shop.ViewerMilestones;
import io.relaycast.signaling.moderation.BanRepository;
import io.relaycast.signaling.moderation.ModerationListener;
import io.relaycast.signaling.moderation.ModerationService;
import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.UnavailableMediaPlane;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.ice.IceServersConfig;
import io.relaycast.signaling.ice.RedisTurnSecrets;
import io.relaycast.signaling.ice.TurnEpochs;
import io.relaycast.signaling.ice.TurnSecretKeeper;
import io.relaycast.signaling.reaction.ReactionRepository;
import io.relaycast.signaling.reaction.ReactionService;
import io.relaycast.signaling.recording.RecordingRepository;
import io.relaycast.signaling.stream.LiveStreamRecovery;
import io.relaycast.signaling.stream.StreamRepository;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.user.FollowRepository;
import io.relaycast.signaling.user.UserRepository;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.viewer.ViewerService;
import io.relaycast.signaling.viewer.ViewerSessionRepository;
import io.relaycast.signaling.webhook.DeliveryRepository;
import io.relaycast.signaling.webhook.WebhookDispatcher;
import io.relaycast.signaling.webhook.WebhookEndpointRepository;
import io.relaycast.signaling.webhook.WebhookOutbox;
import io.relaycast.signaling.webhook.WebhookService;
import io.relaycast.web.api.Api;
import io.relaycast.web.api.ApiRoutes;
import io.relaycast.web.api.ClientConfigRoutes;
import io.relaycast.web.api.Urls;
import io.relaycast.web.api.Views;
import io.relaycast.web.config.NodeIdentity;
import io.relaycast.web.api.ModerationRoutes;
import io.relaycast.web.api.ShopRoutes;
import io.relaycast.web.api.WebhookRoutes;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.health.FfmpegCheck;
import io.relaycast.web.health.HealthRoutes;
import io.relaycast.web.health.MediaPortCheck;
import io.relaycast.web.health.MediaSocketMetrics;
import io.relaycast.web.health.ReadinessCheck;
import io.relaycast.web.http.ApiErrors;
import io.relaycast.web.http.Authenticator;
import io.relaycast.web.http.Cors;
import io.relaycast.web.http.Json;
import io.relaycast.web.media.HlsRoutes;
import io.relaycast.web.media.IngestHealthSource;
import io.relaycast.web.media.MediaStatsRoutes;
import io.relaycast.web.media.MediaTaps;
import io.relaycast.web.media.PlaybackAccess;
import io.relaycast.web.media.PlaybackTokens;
import io.relaycast.web.media.VodRoutes;
import io.relaycast.web.media.WhipWhepRoutes;
import io.relaycast.signaling.peer.PeerAdmission;
import io.relaycast.web.pages.Pages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** The composition root: builds every component from the config, starts them, and stops them in reverse. */
public final class RelaycastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelaycastServer.class);

    private final RelaycastConfig config;
    private final Database database;
    private final Javalin http;
    private final SignalingServer signaling;
    private final PrometheusMeterRegistry metrics;
    private final String publicUrl;
    private final MediaPlane media;
    /** The SFU this server started and must stop; null when the media plane came from outside or failed. */
    private final Sfu ownSfu;
    /** Recorder (and further taps) on ownSfu's rooms. */
    private final MediaTaps mediaTaps;
    /** Keeps coturn's epoch secrets in Redis; null in static-secret mode. */
    private final TurnSecretKeeper turnSecrets;
    /** Stores the media plane's stats of each live stream as analytics samples. */
    private final SfuStatsSampler sfuStats;
    /** Ends the streams a crash left live whose publisher does not come back. */
    private final LiveStreamRecovery liveRecovery;
    /** Sends webhook deliveries from the outbox; null when relaycast.webhooks.enabled is false. */
    private WebhookDispatcher webhookDispatcher;
    /** RTMP ingest; null when relaycast.rtmp.port and rtmps-port are both 0 or there is no SFU of our own. */
    private io.relaycast.rtmp.server.RtmpServer rtmp;
    /** The relaycast_* series, /metrics (here or on its own port), HLS viewer sessions. */
    private io.relaycast.web.metrics.RelaycastMetrics relaycastMetrics;
    private io.relaycast.web.metrics.MetricsEndpoint metricsEndpoint;
    private io.relaycast.web.media.HlsViewers hlsViewers;
    /** Routing between nodes (in memory for one node); its registry() is what the inter-node relay uses. */
    private io.relaycast.web.cluster.Cluster cluster;

    private RelaycastServer(RelaycastConfig config, Database database, Javalin http, SignalingServer signaling,
                            PrometheusMeterRegistry metrics, String publicUrl, MediaPlane media, Sfu ownSfu,
                            MediaTaps mediaTaps, TurnSecretKeeper turnSecrets, SfuStatsSampler sfuStats,
                            LiveStreamRecovery liveRecovery) {
        this.liveRecovery = liveRecovery;
        this.config = config;
        this.database = database;
        this.http = http;
        this.signaling = signaling;
        this.metrics = metrics;
        this.publicUrl = publicUrl;
        this.media = media;
        this.ownSfu = ownSfu;
        this.mediaTaps = mediaTaps;
        this.turnSecrets = turnSecrets;
        this.sfuStats = sfuStats;
    }

    public static RelaycastServer start(RelaycastConfig config) {
        return start(config, null);
    }

    /**
     * @param media the media plane to wire signaling to; null for this node's own SFU on
     *              {@code relaycast.media.udp-port} (or, if that port cannot be bound, one that refuses media
     *              requests with MEDIA_UNAVAILABLE, so the API and chat still work)
     */
    public static RelaycastServer start(RelaycastConfig config, MediaPlane media) {
        Clock clock = Clock.systemUTC();
        if (config.devMode()) {
            LOG.warn("DEV MODE: dev tokens at POST /api/v1/auth/dev-token; not for production (set RELAYCAST_MODE=production)");
            LOG.warn("DEV MODE: HTTP listens on {} and Socket.IO on {}{}", config.http().host(), config.signaling().host(),
                    config.http().host().startsWith("127.") ? " (this machine only; HTTP_HOST=0.0.0.0 and "
                            + "SIGNALING_HOST=0.0.0.0 open them to the network, dev tokens included)" : "");
        }
        LOG.info("database: {}", config.database().describe());
        LOG.info("data folder: {}", config.dataDir());
        Database db = Database.open(config.database());
        Sfu ownSfu = null;
        MediaPortCheck mediaCheck;
        if (media == null) {
            try {
                ownSfu = Sfu.start(config.media(), config.mediaIce(), config.mediaForwarding());
                media = ownSfu;
                Sfu started = ownSfu;
                mediaCheck = MediaPortCheck.running(ownSfu.udpPort(), started::isOpen);
            } catch (IOException | RuntimeException e) {
                String reason = "cannot start the SFU on UDP port " + config.media().udpPort() + ": " + e.getMessage();
                LOG.error("MEDIA UNAVAILABLE: {}. REST and chat keep working; broadcasts and WebRTC viewers are "
                        + "refused with MEDIA_UNAVAILABLE and /health/ready answers 503 until the port is free "
                        + "(RTC_UDP_PORT / relaycast.media.udp-port).", reason);
                media = new UnavailableMediaPlane(reason);
                mediaCheck = MediaPortCheck.unavailable(reason);
            }
        } else {
            mediaCheck = MediaPortCheck.external();
        }
        TurnSecretKeeper turnSecrets = null;
        try {
            turnSecrets = turnSecretKeeper(config.ice(), clock);
            return wire(config, db, clock, media, ownSfu, mediaCheck, turnSecrets);
        } catch (RuntimeException e) {
            if (turnSecrets != null) {
                turnSecrets.close();
            }
            if (ownSfu != null) {
                ownSfu.close();
            }
            db.close();
            throw e;
        }
    }

    /** Epoch-bound TURN secrets in coturn's Redis (turn-secret-store = redis), or null for a static secret. */
    private static TurnSecretKeeper turnSecretKeeper(IceServersConfig ice, Clock clock) {
        if (!ice.turnStore().epochBound() || ice.turnUrls().isEmpty()) {
            return null;
        }
        TurnEpochs epochs = new TurnEpochs(ice.turnStore().epoch().toSeconds(), ice.credentialTtl().toSeconds());
        LOG.info("TURN secrets: epoch-bound, {} epochs, in Redis for realm {}", ice.turnStore().epoch(), ice.turnStore().realm());
        RedisTurnSecrets store = RedisTurnSecrets.connect(ice.turnStore().redisUrl(), ice.turnStore().realm());
        return new TurnSecretKeeper(store, epochs, ice.turnSecret(), ice.turnPreviousSecret(), clock).start();
    }

    private static RelaycastServer wire(RelaycastConfig config, Database db, Clock clock, MediaPlane media,
                                        Sfu ownSfu, MediaPortCheck mediaCheck, TurnSecretKeeper turnSecrets) {
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

        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        MediaSocketMetrics.bind(metrics, media);

        var mapper = Json.mapper();
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.http.maxRequestSize = config.http().maxBodyBytes();
            cfg.jsonMapper(new JavalinJackson(mapper, false));
            cfg.router.ignoreTrailingSlashes = true;
            cfg.useVirtualThreads = false;
        });
        ApiErrors.install(app);
        io.relaycast.web.http.RequestLogContext.install(app);
        new Cors(Cors.withPublicUrl(config.http().corsAllowedOrigins(), config.http().publicUrl())).install(app);
        auth.install(app, Api.PREFIX + "/*");
        app.before(ctx -> ctx.attribute("relaycast.start", System.nanoTime()));
        app.after(ctx -> {
            Long start = ctx.attribute("relaycast.start");
            if (start != null) {
                String route = ctx.endpointHandlerPath();
                Timer.builder("http.server.requests")
                        .tag("method", ctx.method().name())
                        .tag("route", route == null || route.isEmpty() ? "unmatched" : route)
                        .tag("status", Integer.toString(ctx.statusCode()))
                        .register(metrics)
                        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
        });

        HealthRoutes health = new HealthRoutes();
        io.relaycast.web.health.ServingCheck serving = new io.relaycast.web.health.ServingCheck();
        health.add(serving);
        health.add(new DatabaseCheck(db));
        health.add(mediaCheck);
        health.add(new FfmpegCheck());
        RecordingRepository recordings = new RecordingRepository(jdbi);
        WebhookOutbox webhookOutbox = new WebhookOutbox(jdbi);
        streams.useOutbox(webhookOutbox);
        recordings.useOutbox(webhookOutbox);
        featuredRepository.useOutbox(webhookOutbox);
        saleRepository.useOutbox(webhookOutbox);
        viewers.addListener(new ViewerMilestones(jdbi, viewers, webhookOutbox, config.shop(), clock));
        DeliveryRepository webhookDeliveries = new DeliveryRepository(jdbi);
        MediaTaps mediaTaps = MediaTaps.start(ownSfu, config.recording(), recordings, config.hls(),
                config.dataDir().resolve("thumbnails"), streams);
        health.add(mediaTaps.recorderCheck());
        health.register(app);
        MediaPlane plane = media;
        LiveStreamRecovery liveRecovery = LiveStreamRecovery.start(streamRepository, streams,
                NodeIdentity.load(config.dataDir(), config.cluster().nodeId()), plane::isPublished,
                config.signaling().publisherGrace());

        app.start(config.http().host(), config.http().port());
        int port = app.port();
        String publicUrl = config.http().publicUrl().isEmpty() ? "http://localhost:" + port : config.http().publicUrl();
        Urls urls = new Urls(publicUrl);
        io.relaycast.web.cluster.Cluster cluster = io.relaycast.web.cluster.Cluster.start(config, publicUrl, streams,
                plane::isPublished); // before any publish can arrive: the origin is recorded as the stream goes live
        PlaybackAccess playback = new PlaybackAccess(new PlaybackTokens(PlaybackTokens.deriveKey(
                config.playback().secret(), config.auth().hmacSecret()), config.playback().tokenTtl(), clock),
                config.auth().allowAnonymousViewers(), streamRepository::find);
        Views views = new Views(urls, playback);
        Api api = new Api(mapper, config.http().maxBodyBytes(), auth, views, urls, users, streams, viewers, chat,
                reactions, featured, analytics, recordings, iceServers, devTokens);
        ApiRoutes.register(app, api);
        WebhookRoutes.register(app, api, new WebhookService(new WebhookEndpointRepository(jdbi), webhookDeliveries,
                config.webhooks(), clock));
        ModerationRoutes.register(app, api, moderation);
        ShopRoutes.register(app, api, new ShopRoutes.Shop(sales, likes,
                new CommerceAnalytics(saleRepository, featuredRepository, likeRepository)));
        PeerAdmission peers = new PeerAdmission(config.peers()); // shared by WHIP/WHEP and the Socket.IO gateway
        SignalingServer signaling;
        try {
            signaling = startSignaling(config, users, streams, viewers, chat, reactions, featured, analytics,
                    iceServers, urls, id -> views.hls(streams.require(id)), port, media, peers);
        } catch (RuntimeException e) {
            app.stop();
            cluster.close();
            liveRecovery.close();
            mediaTaps.close();
            throw e;
        }
        // a ban is told once to the banned user's sockets, on every node (stream:error BANNED with the streamId)
        moderation.addListener(new ModerationListener() {
            @Override
            public void onBanned(Ban ban) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("code", ErrorCode.BANNED.name());
                m.put("message", ModerationService.message(ban));
                m.put("streamId", ban.streamId());
                m.put("expiresAt", ban.expiresAt() == null ? null : java.time.Instant.ofEpochMilli(ban.expiresAt()).toString());
                signaling.tellUser(ban.userId(), Events.ERROR, m);
            }
        });
        // live shopping's room events (no buyer data in stream:sale)
        sales.addListener(sale -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("streamId", sale.streamId());
            m.put("featuredId", sale.featuredId());
            m.put("quantity", sale.quantity());
            signaling.tellRoom(sale.streamId(), Events.SALE, m);
        });
        likes.addListener((streamId, count) -> signaling.tellRoom(streamId, Events.LIKES, Map.of("streamId", streamId, "count", count)));
        featured.onCleared(streamId -> signaling.tellRoom(streamId, Events.FEATURED_CLEARED, Map.of("streamId", streamId)));
        ClientConfigRoutes.register(app, config.signaling().publicUrl(), signaling::port,
                config.devMode(), config.auth().allowAnonymousViewers());
        new WhipWhepRoutes(streams, viewers, iceServers, media, auth, config.auth().allowAnonymousViewers(), peers).register(app);
        // the SFU's statistics of a stream: typed and without addresses for its owner, the debug state for admins
        IngestHealthSource ingestHealth = new IngestHealthSource();
        new MediaStatsRoutes(streams, media, auth, ingestHealth).register(app);
        new VodRoutes(recordings, config.recording().directory(), playback).register(app);
        io.relaycast.web.media.HlsViewers hlsViewers = new io.relaycast.web.media.HlsViewers(viewers,
                config.hlsViewers(), PlaybackTokens.deriveKey(config.playback().secret(), config.auth().hmacSecret()));
        new HlsRoutes(mediaTaps.hls(), config.dataDir().resolve("thumbnails"), playback, hlsViewers)
                .redirectTo(cluster::elsewhere).register(app);
        io.relaycast.web.api.NodeRoutes.register(app, api, cluster.registry());
        cluster.attach(signaling, media, mediaTaps, peers);
        Pages.register(app, config.embed());
        // the seam between the planes is MediaPlane.streamStats(): counter reads on the sampler's own thread
        SfuStatsSampler sfuStats = SfuStatsSampler.start(media, analytics, config.analytics());
        sfuStats.sampleIngest(ingestHealth::samples);
        LOG.info("HTTP listening on {}:{}", config.http().host(), port);
        RelaycastServer server = new RelaycastServer(config, db, app, signaling, metrics, publicUrl, media, ownSfu,
                mediaTaps, turnSecrets, sfuStats, liveRecovery);
        server.hlsViewers = hlsViewers;
        server.cluster = cluster;
        if (config.webhooks().enabled()) {
            server.webhookDispatcher = new WebhookDispatcher(webhookDeliveries, config.webhooks(), clock,
                    new java.security.SecureRandom()).start();
        }
        server.rtmp = startRtmp(config, streams, ownSfu, server);
        if (server.rtmp != null) {
            ingestHealth.set(server.rtmp);
            urls.rtmpPort(server.rtmp.port());
        }
        server.startMetrics(app, new io.relaycast.web.metrics.RelaycastMetrics.Sources(media, viewers, chat, jdbi,
                signaling::connectedClients, () -> server.webhookDispatcher, config.metrics().perStreamTop()));
        serving.serving(); // every listener is registered: from now on /health/ready may answer 200
        return server;
    }

    /** The relaycast_* series and /metrics: on the HTTP port, or on the management port of relaycast.metrics. */
    private void startMetrics(Javalin app, io.relaycast.web.metrics.RelaycastMetrics.Sources sources) {
        relaycastMetrics = io.relaycast.web.metrics.RelaycastMetrics.bind(metrics, sources);
        try {
            metricsEndpoint = io.relaycast.web.metrics.MetricsEndpoint.serve(metrics, config.metrics(), app,
                    config.http().host(), config.devMode());
        } catch (IOException e) {
            close();
            throw new IllegalStateException("metrics port " + config.metrics().port() + ": " + e, e);
        }
    }

    /** The management port serving /metrics, or -1 when /metrics is on the HTTP port. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    private static io.relaycast.rtmp.server.RtmpServer startRtmp(RelaycastConfig config, StreamService streams,
                                                                 Sfu ownSfu, RelaycastServer server) {
        if (ownSfu == null || config.rtmp().port() == 0 && config.rtmp().rtmpsPort() == 0) {
            return null;
        }
        try {
            return io.relaycast.rtmp.server.RtmpServer.start(config.rtmp(), ownSfu,
                    new io.relaycast.web.media.RtmpPublishGate(streams));
        } catch (Exception e) {
            server.close();
            throw new IllegalStateException("RTMP ingest could not start on port " + config.rtmp().port() + ": " + e, e);
        }
    }

    private static SignalingServer startSignaling(RelaycastConfig config, UserService users, StreamService streams,
                                                  ViewerService viewers, ChatService chat, ReactionService reactions,
                                                  FeaturedService featured, AnalyticsService analytics,
                                                  IceServerService iceServers, Urls urls,
                                                  java.util.function.Function<String, String> hlsUrl, int httpPort,
                                                  MediaPlane media, PeerAdmission peers) {
        // this server's own pages are cross-origin to the socket port: allow them, and the configured origins
        Set<String> origins = new LinkedHashSet<>(config.signaling().corsAllowedOrigins());
        origins.addAll(config.http().corsAllowedOrigins());
        origins.add("http://localhost:" + httpPort);
        origins.add("http://127.0.0.1:" + httpPort);
        origins.add(URI.create(urls.base()).resolve("/").toString().replaceAll("/$", ""));
        SignalingServer signaling = new SignalingServer(config.signaling(), origins, new SignalingServer.Dependencies(
                new TokenVerifier(config.auth()), users, streams, viewers, chat, reactions, featured, analytics, iceServers,
                media, hlsUrl, config.auth().allowAnonymousViewers(), config.redisUrl(), peers));
        try {
            signaling.start();
        } catch (RuntimeException e) {
            signaling.close();
            throw e;
        }
        return signaling;
    }

    /** The database answers. Essential: without it nothing can be served. */
    private record DatabaseCheck(Database db) implements ReadinessCheck {
        @Override
        public String name() {
            return "database";
        }

        @Override
        public boolean essential() {
            return true;
        }

        @Override
        public Result check() {
            boolean ok = db.isReachable();
            return new Result(ok, ok ? (db.config().embedded() ? "embedded H2" : "PostgreSQL") : "database does not answer");
        }
    }

    public int signalingPort() {
        return signaling.port();
    }

    public int httpPort() {
        return http.port();
    }

    /** The media plane signaling talks to (this node's SFU, an external one, or the unavailable stand-in). */
    public MediaPlane media() {
        return media;
    }

    /** The SFU's UDP port, or -1 when this server runs no SFU of its own. */
    public int mediaUdpPort() {
        return ownSfu == null ? -1 : ownSfu.udpPort();
    }

    public String publicUrl() {
        return publicUrl;
    }

    public RelaycastConfig config() {
        return config;
    }

    /** The recorder (tests, debug), or null without an SFU of this node's own. */
    public io.relaycast.recorder.Recorder recorder() {
        return mediaTaps.recorder();
    }

    /** The HLS bridge (tests, debug), or null without an SFU of this node's own. */
    public io.relaycast.hls.HlsBridge hls() {
        return mediaTaps.hls();
    }

    /** The SFU stats sampler (tests: one tick on demand). */
    public SfuStatsSampler sfuStats() {
        return sfuStats;
    }

    public Database database() {
        return database;
    }

    /** The RTMP ingest server, or null when it is off. */
    public io.relaycast.rtmp.server.RtmpServer rtmp() {
        return rtmp;
    }

    /** This node in the cluster: {@code cluster().registry()} knows the nodes and each live stream's origin. */
    public io.relaycast.web.cluster.Cluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        try {
            if (cluster != null) {
                cluster.close(); // first: the other nodes hear at once that this node's streams lost their origin
            }
            liveRecovery.close();
            if (metricsEndpoint != null) {
                metricsEndpoint.close();
            }
            if (relaycastMetrics != null) {
                relaycastMetrics.close();
            }
            if (hlsViewers != null) {
                hlsViewers.close();
            }
            if (rtmp != null) {
                rtmp.close();
            }
            sfuStats.close();
            if (webhookDispatcher != null) {
                webhookDispatcher.close();
            }
            signaling.close();
            http.stop();
            mediaTaps.close();
        } finally {
            try {
                if (ownSfu != null) {
                    ownSfu.close();
                }
            } finally {
                if (turnSecrets != null) {
                    turnSecrets.close();
                }
                metrics.close();
                database.close();
            }
        }
    }
}
