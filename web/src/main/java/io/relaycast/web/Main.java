package io.relaycast.web;

import com.typesafe.config.ConfigException;
import io.relaycast.load.LoadCommand;
import io.relaycast.web.config.RelaycastConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code java -jar relaycast.jar [serve | load … | --help]}: without a subcommand (or with {@code serve}) reads the
 * config, starts everything and prints the URLs to open; {@code load} runs the load tool against a server. Anything
 * else is an error with a message (the server takes its settings from the environment and the config file, never
 * from arguments, so a stray argument is a mistake, not a setting).
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** {@link #command}'s answer when the server should start. */
    static final int SERVE = -1;

    static final String USAGE = """
            Usage: relaycast [COMMAND]

            Commands:
              serve        run the server (the default): settings from the environment and config/relaycast.conf
              load         run WebRTC viewers and Socket.IO chatters against a Relaycast ('relaycast load --help')
              help         show this text

            Environment (see README.md and config/relaycast.conf): PORT, SIGNALING_PORT, RTC_UDP_PORT, DATA_DIR,
            DATABASE_URL, JWT_SECRET, RELAYCAST_MODE, RELAYCAST_CONFIG, ...
            """;

    private Main() {
    }

    public static void main(String[] args) {
        // java.util.logging (ice4j, jitsi-srtp) through SLF4J, for the server and the load tool alike
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        if (args.length > 0 && args[0].equals("load")) {
            quietLogs(); // here, in the process of its own, never in command(): tests share one JVM's logging
        }
        int status = command(args, System.out, System.err);
        if (status != SERVE) {
            System.exit(status);
        }
        serve();
    }

    /** Runs a subcommand and returns its exit status, or {@link #SERVE} when the server is to start. */
    static int command(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            return SERVE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "serve":
                if (rest.length > 0) {
                    err.println("relaycast serve: unexpected argument '" + rest[0] + "' (settings come from the"
                            + " environment and config/relaycast.conf)");
                    return 2;
                }
                return SERVE;
            case "load":
                return LoadCommand.run(rest, out, err);
            case "help":
            case "--help":
            case "-h":
                out.print(USAGE);
                return 0;
            default:
                err.println("relaycast: unknown " + (args[0].startsWith("-") ? "option" : "command") + " '" + args[0] + "'");
                err.print(USAGE);
                return 2;
        }
    }

    /** The load tool's output is its progress line and summary: the SFU classes it shares log only warnings. */
    private static void quietLogs() {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static void serve() {
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
