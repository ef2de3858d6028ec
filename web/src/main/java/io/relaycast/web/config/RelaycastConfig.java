package io.relaycast.web.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.relaycast.hls.HlsConfig;
import io.relaycast.recorder.RecordingConfig;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.forward.ForwardingConfig;
import io.relaycast.sfu.ice.IceConfig;
import io.relaycast.signaling.analytics.AnalyticsConfig;
import io.relaycast.signaling.auth.AuthConfig;
import io.relaycast.signaling.chat.ChatConfig;
import io.relaycast.signaling.db.DatabaseConfig;
import io.relaycast.signaling.gateway.SignalingConfig;
import io.relaycast.signaling.ice.IceServersConfig;
import io.relaycast.signaling.reaction.ReactionsConfig;
import io.relaycast.signaling.stream.StreamsConfig;
import io.relaycast.signaling.peer.PeerLimits;
import io.relaycast.signaling.viewer.ViewerConfig;
import io.relaycast.web.media.PlaybackConfig;
import io.relaycast.signaling.moderation.ModerationConfig;
import io.relaycast.signaling.shop.ShopConfig;
import io.relaycast.signaling.webhook.WebhooksConfig;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * All of {@code relaycast.conf}, read once at start-up into one typed record per feature. Precedence, highest
 * first: explicit overrides (tests), JVM system properties, the file named by {@code RELAYCAST_CONFIG}, the
 * built-in {@code relaycast.conf} with its {@code ${?ENV}} substitutions.
 */
public record RelaycastConfig(
        boolean devMode,
        Path dataDir,
        HttpConfig http,
        SignalingConfig signaling,
        DatabaseConfig database,
        AuthConfig auth,
        StreamsConfig streams,
        ViewerConfig viewers,
        PeerLimits peers,
        ChatConfig chat,
        ReactionsConfig reactions,
        IceServersConfig ice,
        MediaConfig media,
        IceConfig mediaIce,
        ForwardingConfig mediaForwarding,
        String redisUrl,
        RecordingConfig recording,
        HlsConfig hls,
        AnalyticsConfig analytics,
        PlaybackConfig playback,
        WebhooksConfig webhooks,
        ModerationConfig moderation,
        ShopConfig shop,
        io.relaycast.rtmp.RtmpConfig rtmp,
        io.relaycast.web.metrics.MetricsConfig metrics,
        io.relaycast.web.media.HlsViewersConfig hlsViewers,
        io.relaycast.signaling.cluster.ClusterConfig cluster,
        io.relaycast.web.pages.EmbedConfig embed) {

    public static RelaycastConfig load() {
        return load(Map.of());
    }

    /** @throws ConfigException with the offending key in its message when a value is missing or invalid */
    public static RelaycastConfig load(Map<String, ?> overrides) {
        ConfigFactory.invalidateCaches();
        Config builtIn = ConfigFactory.parseResources(RelaycastConfig.class.getClassLoader(), "relaycast.conf");
        if (builtIn.isEmpty()) {
            throw new IllegalStateException("relaycast.conf is missing from the classpath");
        }
        Config file = ConfigFactory.empty();
        String path = System.getenv("RELAYCAST_CONFIG");
        if (path != null && !path.isBlank()) {
            File f = new File(path);
            if (!f.isFile()) {
                throw new ConfigException.Generic("RELAYCAST_CONFIG names " + path + ", which is not a readable file");
            }
            file = ConfigFactory.parseFile(f);
        }
        Config all = ConfigFactory.parseMap(overrides, "overrides")
                .withFallback(ConfigFactory.systemProperties())
                .withFallback(file)
                .withFallback(builtIn)
                .resolve();
        return from(all.getConfig("relaycast"));
    }

    static RelaycastConfig from(Config c) {
        String mode = c.getString("mode");
        if (!mode.equals("dev") && !mode.equals("production")) {
            throw new ConfigException.BadValue(c.origin(), "relaycast.mode", "must be 'dev' or 'production', was '" + mode + "'");
        }
        boolean dev = mode.equals("dev");
        if (!dev) {
            ProductionSecrets.check(c);
        }
        Path dataDir = Path.of(c.getString("data-dir")).toAbsolutePath().normalize();
        return new RelaycastConfig(dev, dataDir,
                section(c, "http", s -> HttpConfig.from(s, dev)),
                section(c, "signaling", s -> SignalingConfig.from(s, BindHost.resolve(s.getString("host"), dev))),
                section(c, "database", s -> DatabaseConfig.from(s, dataDir)),
                section(c, "auth", s -> AuthConfig.from(s, dev, dataDir)),
                section(c, "streams", StreamsConfig::from),
                section(c, "viewers", ViewerConfig::from),
                section(c, "peers", PeerLimits::from),
                section(c, "chat", ChatConfig::from),
                section(c, "reactions", ReactionsConfig::from),
                section(c, "ice", IceServersConfig::from),
                section(c, "media", MediaConfig::from),
                section(c, "media", IceConfig::from),
                section(c, "media", ForwardingConfig::from),
                c.getString("redis.url"),
                section(c, "recording", s -> RecordingConfig.from(s, dataDir)),
                section(c, "hls", s -> HlsConfig.from(s, dataDir)),
                section(c, "analytics", AnalyticsConfig::from),
                section(c, "playback", PlaybackConfig::from),
                section(c, "webhooks", WebhooksConfig::from),
                section(c, "moderation", ModerationConfig::from),
                section(c, "shop", ShopConfig::from),
                section(c, "rtmp", s -> io.relaycast.rtmp.RtmpConfig.from(s, dataDir)),
                section(c, "metrics", io.relaycast.web.metrics.MetricsConfig::from),
                section(c, "viewers", s -> io.relaycast.web.media.HlsViewersConfig.from(s.getConfig("hls-sessions"))),
                section(c, "cluster", io.relaycast.signaling.cluster.ClusterConfig::from),
                section(c, "embed", io.relaycast.web.pages.EmbedConfig::from));
    }

    /**
     * Reads one feature's section. Typesafe Config names keys relative to the section, so the error is
     * rethrown with the section's full path: an operator reads "relaycast.http ... 'port'".
     */
    private static <T> T section(Config c, String name, Function<Config, T> reader) {
        try {
            return reader.apply(c.getConfig(name));
        } catch (ConfigException e) {
            throw new ConfigException.Generic("invalid configuration in relaycast." + name + ": " + e.getMessage(), e);
        }
    }
}
