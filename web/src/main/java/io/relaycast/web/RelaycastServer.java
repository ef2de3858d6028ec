package io.relaycast.web;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.relaycast.signaling.analytics.AnalyticsService;
import io.relaycast.signaling.analytics.SfuStatsSampler;
import io.relaycast.signaling.auth.TokenVerifier;
import io.relaycast.signaling.chat.ChatService;
import io.relaycast.signaling.db.Database;
import io.relaycast.signaling.featured.FeaturedService;
import io.relaycast.signaling.gateway.SignalingServer;
import io.relaycast.signaling.shop.CommerceAnalytics;
import io.relaycast.signaling.shop.ViewerMilestones;
import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.UnavailableMediaPlane;
import io.relaycast.signaling.ice.IceServerService;
import io.relaycast.signaling.ice.IceServersConfig;
import io.relaycast.signaling.ice.RedisTurnSecrets;
import io.relaycast.signaling.ice.TurnEpochs;
import io.relaycast.signaling.ice.TurnSecretKeeper;
import io.relaycast.signaling.reaction.ReactionService;
import io.relaycast.signaling.recording.RecordingRepository;
import io.relaycast.signaling.stream.LiveStreamRecovery;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.signaling.user.UserService;
import io.relaycast.signaling.viewer.ViewerService;
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

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Set;

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
    /** The relay between nodes; null when relaycast.cluster.relay.secret is empty or there is no SFU here. */
    private io.relaycast.web.cluster.Relaying relaying;
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
        Services s = Services.create(db, config, clock, turnSecrets);
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        MediaSocketMetrics.bind(metrics, media);

        var mapper = Json.mapper();
        Javalin app = io.relaycast.web.http.HttpApp.create(config, mapper, s.auth(), metrics);

        HealthRoutes health = new HealthRoutes();
        io.relaycast.web.health.ServingCheck serving = new io.relaycast.web.health.ServingCheck();
        health.add(serving);
        health.add(new io.relaycast.web.health.DatabaseCheck(db));
        health.add(mediaCheck);
        health.add(new FfmpegCheck());
        RecordingRepository recordings = new RecordingRepository(jdbi);
        WebhookOutbox webhookOutbox = new WebhookOutbox(jdbi);
        s.streams().useOutbox(webhookOutbox);
        recordings.useOutbox(webhookOutbox);
        s.featuredRepository().useOutbox(webhookOutbox);
        s.saleRepository().useOutbox(webhookOutbox);
        s.viewers().addListener(new ViewerMilestones(jdbi, s.viewers(), webhookOutbox, config.shop(), clock));
        DeliveryRepository webhookDeliveries = new DeliveryRepository(jdbi);
        MediaTaps mediaTaps = MediaTaps.start(ownSfu, config.recording(), recordings, config.hls(),
                config.dataDir().resolve("thumbnails"), s.streams());
        health.add(mediaTaps.recorderCheck());
        health.register(app);
        MediaPlane plane = media;
        LiveStreamRecovery liveRecovery = LiveStreamRecovery.start(s.streamRepository(), s.streams(),
                NodeIdentity.load(config.dataDir(), config.cluster().nodeId()), plane::isPublished,
                config.signaling().publisherGrace());

        app.start(config.http().host(), config.http().port());
        int port = app.port();
        String publicUrl = config.http().publicUrl().isEmpty() ? "http://localhost:" + port : config.http().publicUrl();
        Urls urls = new Urls(publicUrl);
        // "published here" is this node's own publisher, never a relayed copy of another node's (an edge's room)
        java.util.function.Predicate<String> publishedHere = ownSfu == null ? plane::isPublished
                : id -> io.relaycast.sfu.relay.RelayEdge.publishedHere(ownSfu, id);
        io.relaycast.web.cluster.Cluster cluster = io.relaycast.web.cluster.Cluster.start(config, publicUrl, s.streams(),
                publishedHere); // before any publish can arrive: the origin is recorded as the stream goes live
        // the relay between nodes (relaycast.cluster.relay.secret): the origin's POST /internal/v1/relays, and for
        // signaling the ClusterMediaPlane, which relays a stream published on another node before a viewer joins
        io.relaycast.web.cluster.Relaying relaying = io.relaycast.web.cluster.Relaying.start(config.relay(), ownSfu,
                cluster.registry());
        if (relaying != null) {
            media = relaying.plane();
        }
        PlaybackAccess playback = new PlaybackAccess(new PlaybackTokens(PlaybackTokens.deriveKey(
                config.playback().secret(), config.auth().hmacSecret()), config.playback().tokenTtl(), clock),
                config.auth().allowAnonymousViewers(), s.streamRepository()::find);
        Views views = new Views(urls, playback);
        Api api = new Api(mapper, config.http().maxBodyBytes(), s.auth(), views, urls, s.users(), s.streams(), s.viewers(), s.chat(),
                s.reactions(), s.featured(), s.analytics(), recordings, s.iceServers(), s.devTokens());
        ApiRoutes.register(app, api);
        WebhookRoutes.register(app, api, new WebhookService(new WebhookEndpointRepository(jdbi), webhookDeliveries,
                config.webhooks(), clock));
        ModerationRoutes.register(app, api, s.moderation());
        ShopRoutes.register(app, api, new ShopRoutes.Shop(s.sales(), s.likes(),
                new CommerceAnalytics(s.saleRepository(), s.featuredRepository(), s.likeRepository())));
        PeerAdmission peers = new PeerAdmission(config.peers()); // shared by WHIP/WHEP and the Socket.IO gateway
        SignalingServer signaling;
        try {
            signaling = startSignaling(config, s.users(), s.streams(), s.viewers(), s.chat(), s.reactions(), s.featured(), s.analytics(),
                    s.iceServers(), urls, id -> views.hls(s.streams().require(id)), port, media, peers);
        } catch (RuntimeException e) {
            app.stop();
            if (relaying != null) {
                relaying.close();
            }
            cluster.close();
            liveRecovery.close();
            mediaTaps.close();
            throw e;
        }
        RoomNotices.wire(signaling, s.moderation(), s.sales(), s.likes(), s.featured());
        ClientConfigRoutes.register(app, config.signaling().publicUrl(), signaling::port,
                config.devMode(), config.auth().allowAnonymousViewers());
        new WhipWhepRoutes(s.streams(), s.viewers(), s.iceServers(), media, s.auth(), config.auth().allowAnonymousViewers(), peers).register(app);
        // the SFU's statistics of a stream: typed and without addresses for its owner, the debug state for admins
        IngestHealthSource ingestHealth = new IngestHealthSource();
        new MediaStatsRoutes(s.streams(), media, s.auth(), ingestHealth).register(app);
        new VodRoutes(recordings, config.recording().directory(), playback).register(app);
        io.relaycast.web.media.HlsViewers hlsViewers = new io.relaycast.web.media.HlsViewers(s.viewers(),
                config.hlsViewers(), PlaybackTokens.deriveKey(config.playback().secret(), config.auth().hmacSecret()));
        new HlsRoutes(mediaTaps.hls(), config.dataDir().resolve("thumbnails"), playback, hlsViewers)
                .redirectTo(cluster::elsewhere).register(app);
        io.relaycast.web.api.NodeRoutes.register(app, api, cluster.registry());
        cluster.attach(signaling, media, mediaTaps, peers, publishedHere);
        Pages.register(app, config.embed());
        if (relaying != null) {
            relaying.register(app); // POST /internal/v1/relays: node credentials, not user tokens
        }
        // the seam between the planes is MediaPlane.streamStats(): counter reads on the sampler's own thread
        SfuStatsSampler sfuStats = SfuStatsSampler.start(media, s.analytics(), config.analytics());
        sfuStats.sampleIngest(ingestHealth::samples);
        LOG.info("HTTP listening on {}:{}", config.http().host(), port);
        RelaycastServer server = new RelaycastServer(config, db, app, signaling, metrics, publicUrl, media, ownSfu,
                mediaTaps, turnSecrets, sfuStats, liveRecovery);
        server.hlsViewers = hlsViewers;
        server.cluster = cluster;
        server.relaying = relaying;
        if (config.webhooks().enabled()) {
            server.webhookDispatcher = new WebhookDispatcher(webhookDeliveries, config.webhooks(), clock,
                    new java.security.SecureRandom()).start();
        }
        server.rtmp = startRtmp(config, s.streams(), ownSfu, server);
        if (server.rtmp != null) {
            ingestHealth.set(server.rtmp);
            urls.rtmpPort(server.rtmp.port());
        }
        server.startMetrics(app, new io.relaycast.web.metrics.RelaycastMetrics.Sources(media, s.viewers(), s.chat(), jdbi,
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

    /** The relay between nodes (tests, debug), or null when it is off. */
    public io.relaycast.web.cluster.Relaying relaying() {
        return relaying;
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
            if (relaying != null) {
                relaying.close();
            }
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
