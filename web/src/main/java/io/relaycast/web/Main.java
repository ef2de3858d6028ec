package io.relaycast.web;

import com.typesafe.config.ConfigException;
import io.relaycast.web.config.RelaycastConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/** {@code java -jar relaycast.jar}: reads the config, starts everything, prints the URLs to open. */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        RelaycastConfig config;
        try {
            config = RelaycastConfig.load();
        } catch (ConfigException e) {
            System.err.println("relaycast: configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        RelaycastServer server;
        try {
            server = RelaycastServer.start(config);
        } catch (RuntimeException e) {
            LOG.error("relaycast could not start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "relaycast-shutdown"));
        String base = server.publicUrl();
        String metrics = server.metricsPort() < 0 ? base + "/metrics"
                : "port " + server.metricsPort() + " /metrics (relaycast.metrics.port)";
        if (jsonLogs()) {
            // one JSON object per line on stdout: the banner becomes one log line too
            LOG.info("relaycast is running{}: home {}/, REST API {}/api/v1, Socket.IO port {}, media {}, health {}/health/ready, metrics {}",
                    config.devMode() ? " in dev mode" : "", base, base, server.signalingPort(),
                    server.mediaUdpPort() >= 0 ? "UDP port " + server.mediaUdpPort() : "UNAVAILABLE", base, metrics);
            return;
        }
        System.out.println();
        System.out.println("Relaycast is running" + (config.devMode() ? " in dev mode" : "") + ".");
        System.out.println("  Home:        " + base + "/");
        System.out.println("  REST API:    " + base + "/api/v1  (client config: " + base + "/api/v1/config/client)");
        System.out.println("  Socket.IO:   port " + server.signalingPort() + " (browsers learn it from /api/v1/config/client)");
        System.out.println("  Media:       " + (server.mediaUdpPort() >= 0
                ? "UDP port " + server.mediaUdpPort() + " (WebRTC: ICE, DTLS, SRTP; open it in the firewall)"
                : "UNAVAILABLE (see the log); broadcasts are refused"));
        System.out.println("  Health:      " + base + "/health/ready");
        System.out.println("  Metrics:     " + metrics);
        System.out.println();
    }

    /** LOG_FORMAT=json (environment or system property), as logback.xml reads it. */
    static boolean jsonLogs() {
        String v = System.getProperty("LOG_FORMAT", System.getenv("LOG_FORMAT"));
        return "json".equals(v);
    }
}
