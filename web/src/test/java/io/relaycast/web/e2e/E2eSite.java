package io.relaycast.web.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The end-to-end test pages (src/test/resources/e2e) and the official Socket.IO browser client, served from their
 * own origin on 127.0.0.1 as a third-party site embedding Relaycast would: the server under test must allow that
 * origin for Socket.IO and for WHIP/WHEP fetches ({@link #corsOverrides()}).
 */
final class E2eSite implements AutoCloseable {
    /** Installed by {@code npm ci --prefix web/src/test/js} (./run-tests does it); the tests run in web/. */
    static final Path SOCKET_IO_CLIENT = Path.of("src/test/js/node_modules/socket.io-client/dist/socket.io.min.js");

    private final HttpServer http;
    private final String origin;
    private final byte[] socketIoClient;

    private E2eSite(HttpServer http, byte[] socketIoClient) {
        this.http = http;
        this.origin = "http://" + http.getAddress().getAddress().getHostAddress() + ":" + http.getAddress().getPort();
        this.socketIoClient = socketIoClient;
    }

    static E2eSite start() throws IOException {
        return start(InetAddress.getLoopbackAddress());
    }

    /** On another address of this machine, e.g. our side of a test namespace's veth, so pages inside can load. */
    static E2eSite start(InetAddress bind) throws IOException {
        if (!Files.isRegularFile(SOCKET_IO_CLIENT)) {
            throw new AssertionError(SOCKET_IO_CLIENT.toAbsolutePath() + " is missing: run "
                    + "`npm ci --prefix web/src/test/js` (./run-tests does) to install the Socket.IO browser client");
        }
        HttpServer http = HttpServer.create(new InetSocketAddress(bind, 0), 0);
        E2eSite site = new E2eSite(http, Files.readAllBytes(SOCKET_IO_CLIENT));
        http.createContext("/", site::serve);
        http.start();
        return site;
    }

    String origin() {
        return origin;
    }

    /** Server overrides that let this site's pages talk to the server under test. */
    Map<String, Object> corsOverrides() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("relaycast.signaling.cors-allowed-origins", List.of(origin));
        o.put("relaycast.http.cors-allowed-origins", List.of(origin));
        return o;
    }

    /** The URL of an e2e page with query parameters, e.g. {@code page("viewer.html", "streamId", id)}. */
    String page(String name, String... keyValues) {
        StringJoiner query = new StringJoiner("&", "?", "");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            query.add(keyValues[i] + "=" + URLEncoder.encode(keyValues[i + 1], StandardCharsets.UTF_8));
        }
        return origin + "/e2e/" + name + query;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body;
            if (path.equals("/vendor/socket.io.min.js")) {
                body = socketIoClient;
            } else if (path.startsWith("/e2e/") && !path.contains("..")) {
                try (InputStream in = E2eSite.class.getResourceAsStream(path)) {
                    body = in == null ? null : in.readAllBytes();
                }
            } else {
                body = null;
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", path.endsWith(".js")
                    ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
