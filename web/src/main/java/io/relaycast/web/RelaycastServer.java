package io.relaycast.web;

import io.javalin.Javalin;
import io.relaycast.hls.HlsBridge;
import io.relaycast.recorder.Recorder;
import io.relaycast.rtmp.server.RtmpServer;
import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.relay.RelayEdge;
import io.relaycast.signaling.analytics.SfuStatsSampler;
import io.relaycast.signaling.db.Database;
import io.relaycast.signaling.gateway.SignalingServer;
import io.relaycast.signaling.ice.TurnSecretKeeper;
import io.relaycast.signaling.peer.PeerAdmission;
import io.relaycast.signaling.stream.LiveStreamRecovery;
import io.relaycast.signaling.webhook.WebhookDispatcher;
import io.relaycast.web.api.Api;
import io.relaycast.web.api.ClientConfigRoutes;
import io.relaycast.web.api.NodeRoutes;
import io.relaycast.web.api.Urls;
import io.relaycast.web.api.Views;
import io.relaycast.web.cluster.Cluster;
import io.relaycast.web.cluster.Relaying;
import io.relaycast.web.config.NodeIdentity;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.health.DatabaseCheck;
import io.relaycast.web.health.FfmpegCheck;
import io.relaycast.web.health.HealthRoutes;
import io.relaycast.web.health.ServingCheck;
import io.relaycast.web.http.HttpApp;
import io.relaycast.web.http.Json;
import io.relaycast.web.media.HlsViewers;
import io.relaycast.web.media.IngestHealthSource;
import io.relaycast.web.media.MediaTaps;
import io.relaycast.web.media.PlaybackAccess;
import io.relaycast.web.media.PlaybackTokens;
import io.relaycast.web.metrics.RelaycastMetrics;
import io.relaycast.web.pages.Pages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Predicate;

/**
 * The composition root: builds every component from the config, starts them, and stops them in reverse. Its parts:
 * {@link NodeMediaPlane} (the SFU or its stand-in, RTMP ingest), {@link TurnSecretsStartup} (coturn's epoch
 * secrets), {@link Services} (the control plane's services and their webhook outbox),
 * {@link ServerMetrics}, {@link RestRoutes} and {@link MediaRoutes} (the HTTP edge's routes), {@link SignalingStartup}
 * (the Socket.IO gateway) and {@link RoomNotices} (service events told to rooms).
 */
public final class RelaycastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RelaycastServer.class);

    private final RelaycastConfig config;
    private final Database database;
    private final Javalin http;
    private final SignalingServer signaling;
    private final ServerMetrics metrics;
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
    private RtmpServer rtmp;
    /** One viewer session per HLS player (its sweeper stops on close). */
    private HlsViewers hlsViewers;
    /** The relay between nodes; null when relaycast.cluster.relay.secret is empty or there is no SFU here. */
    private Relaying relaying;
    /** Routing between nodes (in memory for one node); its registry() is what the inter-node relay uses. */
    private Cluster cluster;

    private RelaycastServer(RelaycastConfig config, Database database, Javalin http, SignalingServer signaling,
                            ServerMetrics metrics, String publicUrl, MediaPlane media, Sfu ownSfu,
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
        NodeMediaPlane nodeMedia = NodeMediaPlane.start(config, media);
        TurnSecretKeeper turnSecrets = null;
        try {
            turnSecrets = TurnSecretsStartup.start(config.ice(), clock);
            return wire(config, db, clock, nodeMedia, turnSecrets);
        } catch (RuntimeException e) {
            if (turnSecrets != null) {
                turnSecrets.close();
            }
            if (nodeMedia.ownSfu() != null) {
                nodeMedia.ownSfu().close();
            }
            db.close();
            throw e;
        }
    }

    private static RelaycastServer wire(RelaycastConfig config, Database db, Clock clock, NodeMediaPlane nodeMedia,
                                        TurnSecretKeeper turnSecrets) {
        var jdbi = db.jdbi();
        Sfu ownSfu = nodeMedia.ownSfu();
        Services s = Services.create(db, config, clock, turnSecrets);
        ServerMetrics metrics = ServerMetrics.create(nodeMedia.plane());

        var mapper = Json.mapper();
        Javalin app = HttpApp.create(config, mapper, s.auth(), metrics.registry());

        HealthRoutes health = new HealthRoutes();
        ServingCheck serving = new ServingCheck();
        health.add(serving);
        health.add(new DatabaseCheck(db));
        health.add(nodeMedia.readiness());
        health.add(new FfmpegCheck());
        MediaTaps mediaTaps = MediaTaps.start(ownSfu, config.recording(), s.recordings(), config.hls(),
                config.dataDir().resolve("thumbnails"), s.streams());
        health.add(mediaTaps.recorderCheck());
        health.register(app);
        MediaPlane plane = nodeMedia.plane();
        LiveStreamRecovery liveRecovery = LiveStreamRecovery.start(s.streamRepository(), s.streams(),
                NodeIdentity.load(config.dataDir(), config.cluster().nodeId()), plane::isPublished,
                config.signaling().publisherGrace());

        app.start(config.http().host(), config.http().port());
        int port = app.port();
        String publicUrl = config.http().publicUrl().isEmpty() ? "http://localhost:" + port : config.http().publicUrl();
        Urls urls = new Urls(publicUrl);
        // "published here" is this node's own publisher, never a relayed copy of another node's (an edge's room)
        Predicate<String> publishedHere = ownSfu == null ? plane::isPublished
                : id -> RelayEdge.publishedHere(ownSfu, id);
        Cluster cluster = Cluster.start(config, publicUrl, s.streams(),
                publishedHere); // before any publish can arrive: the origin is recorded as the stream goes live
        // the relay between nodes (relaycast.cluster.relay.secret): the origin's POST /internal/v1/relays, and for
        // signaling the ClusterMediaPlane, which relays a stream published on another node before a viewer joins
        Relaying relaying = Relaying.start(config.relay(), ownSfu, cluster.registry());
        MediaPlane media = relaying != null ? relaying.plane() : plane;
        PlaybackAccess playback = new PlaybackAccess(new PlaybackTokens(PlaybackTokens.deriveKey(
                config.playback().secret(), config.auth().hmacSecret()), config.playback().tokenTtl(), clock),
                config.auth().allowAnonymousViewers(), s.streamRepository()::find);
        Views views = new Views(urls, playback);
        Api api = new Api(mapper, config.http().maxBodyBytes(), s.auth(), views, urls, s.users(), s.streams(), s.viewers(), s.chat(),
                s.reactions(), s.featured(), s.analytics(), s.recordings(), s.iceServers(), s.devTokens());
        RestRoutes.register(app, api, s, jdbi, config, clock);
        PeerAdmission peers = new PeerAdmission(config.peers()); // shared by WHIP/WHEP and the Socket.IO gateway
        SignalingServer signaling;
        try {
            signaling = SignalingStartup.start(config, s, urls, id -> views.hls(s.streams().require(id)), port, media, peers);
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
        IngestHealthSource ingestHealth = new IngestHealthSource();
        HlsViewers hlsViewers = MediaRoutes.register(app, config, s, media, peers, ingestHealth, playback,
                mediaTaps.hls(), cluster::elsewhere);
        NodeRoutes.register(app, api, cluster.registry());
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
            server.webhookDispatcher = new WebhookDispatcher(s.webhookDeliveries(), config.webhooks(), clock,
                    new SecureRandom()).start();
        }
        try {
            server.rtmp = nodeMedia.startRtmp(config.rtmp(), s.streams());
        } catch (IllegalStateException e) {
            server.close(); // no half-started node
            throw e;
        }
        if (server.rtmp != null) {
            ingestHealth.set(server.rtmp);
            urls.rtmpPort(server.rtmp.port());
        }
        server.startMetrics(app, new RelaycastMetrics.Sources(media, s.viewers(), s.chat(), jdbi,
                signaling::connectedClients, () -> server.webhookDispatcher, config.metrics().perStreamTop()));
        serving.serving(); // every listener is registered: from now on /health/ready may answer 200
        return server;
    }

    /** The relaycast_* series and /metrics: on the HTTP port, or on the management port of relaycast.metrics. */
    private void startMetrics(Javalin app, RelaycastMetrics.Sources sources) {
        try {
            metrics.serve(app, sources, config);
        } catch (IOException e) {
            close();
            throw new IllegalStateException("metrics port " + config.metrics().port() + ": " + e, e);
        }
    }

    /** The management port serving /metrics, or -1 when /metrics is on the HTTP port. */
    public int metricsPort() {
        return metrics.port();
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
    public Recorder recorder() {
        return mediaTaps.recorder();
    }

    /** The HLS bridge (tests, debug), or null without an SFU of this node's own. */
    public HlsBridge hls() {
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
    public Relaying relaying() {
        return relaying;
    }

    /** The RTMP ingest server, or null when it is off. */
    public RtmpServer rtmp() {
        return rtmp;
    }

    /** This node in the cluster: {@code cluster().registry()} knows the nodes and each live stream's origin. */
    public Cluster cluster() {
        return cluster;
    }

    @Override
    public void close() {
        try {
            if (cluster != null) {
                cluster.close(); // first: the other nodes hear at once that this node's streams lost their origin
            }
            liveRecovery.close();
            metrics.stopServing();
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
