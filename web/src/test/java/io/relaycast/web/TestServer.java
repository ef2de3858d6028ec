package io.relaycast.web;

import io.relaycast.signaling.testing.TestDatabases;
import io.relaycast.web.config.RelaycastConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real server for tests: random HTTP port, this run's PostgreSQL database, a temporary data folder and a
 * known HS256 secret (so tests can also sign their own tokens).
 */
public final class TestServer implements AutoCloseable {
    public static final String SECRET = "test-secret-test-secret-test-secret-0123";

    public final RelaycastServer server;
    public final Path dataDir;
    public final ApiClient api;

    private TestServer(RelaycastServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
        this.api = new ApiClient("http://127.0.0.1:" + server.httpPort());
    }

    public static TestServer start() {
        return start(Map.of());
    }

    /** The test Redis (RELAYCAST_TEST_REDIS, else the local one). */
    public static final String REDIS = System.getenv().getOrDefault("RELAYCAST_TEST_REDIS", "redis://127.0.0.1:6379");

    /**
     * The settings of one node of a relaying test cluster on loopback: the test Redis, cluster {@code cluster},
     * node {@code nodeId}, media and relay sockets on 127.0.0.1, relay secret {@code secret}, relay grace
     * {@code grace}. A mutable map: tests add their own.
     */
    public static Map<String, Object> clusterNode(String cluster, String nodeId, String secret, String grace) {
        Map<String, Object> c = new java.util.HashMap<>();
        c.put("relaycast.redis.url", REDIS);
        c.put("relaycast.cluster.name", cluster);
        c.put("relaycast.cluster.node-id", nodeId);
        c.put("relaycast.cluster.media-host", "127.0.0.1");
        c.put("relaycast.cluster.relay.secret", secret);
        c.put("relaycast.cluster.relay.bind-host", "127.0.0.1");
        c.put("relaycast.cluster.relay.grace", grace);
        return c;
    }

    public static TestServer start(Map<String, Object> extra) {
        return start(extra, null);
    }

    public static TestServer start(Map<String, Object> extra, io.relaycast.sfu.api.MediaPlane media) {
        try {
            Path dir = Files.createTempDirectory("relaycast-test");
            Map<String, Object> o = new HashMap<>();
            o.put("relaycast.http.port", 0);
            o.put("relaycast.http.host", "127.0.0.1");
            o.put("relaycast.signaling.port", 0);
            o.put("relaycast.signaling.host", "127.0.0.1");
            o.put("relaycast.media.udp-port", 0);
            // tests stay on this machine: the SFU advertises loopback, which Chromium accepts with
            // --allow-loopback-in-peer-connection
            o.put("relaycast.media.ice.bind-addresses", java.util.List.of("127.0.0.1"));
            o.put("relaycast.data-dir", dir.toString());
            o.put("relaycast.database.url", TestDatabases.postgresUrl());
            o.put("relaycast.database.user", TestDatabases.postgresUser());
            o.put("relaycast.database.password", TestDatabases.postgresPassword());
            o.put("relaycast.auth.jwt-secret", SECRET);
            // one ffmpeg ladder per live stream would load every media test; HLS tests turn it on
            o.put("relaycast.hls.enabled", false);
            // RTMP ingest only where a test asks for it (relaycast.rtmp.port = -1: any free port)
            o.put("relaycast.rtmp.port", 0);
            o.putAll(extra);
            return new TestServer(RelaycastServer.start(RelaycastConfig.load(o), media), dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String socketUrl() {
        return "http://127.0.0.1:" + server.signalingPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.httpPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
