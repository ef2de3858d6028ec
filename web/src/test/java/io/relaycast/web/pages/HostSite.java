package io.relaycast.web.pages;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * An integrator's site on its own origin (another port on loopback): serves the pages in src/test/resources/host,
 * which frame Relaycast's embed page or import its SDK from the server under test.
 */
final class HostSite implements AutoCloseable {
    private final HttpServer http;
    final String origin;

    private HostSite(HttpServer http) {
        this.http = http;
        this.origin = "http://127.0.0.1:" + http.getAddress().getPort();
    }

    static HostSite start() throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        HostSite site = new HostSite(http);
        http.createContext("/", site::serve);
        http.start();
        return site;
    }

    /** The URL of a host page with query parameters. */
    String page(String name, String... keyValues) {
        StringJoiner query = new StringJoiner("&", "?", "");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            query.add(keyValues[i] + "=" + URLEncoder.encode(keyValues[i + 1], StandardCharsets.UTF_8));
        }
        return origin + "/host/" + name + query;
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            byte[] body = null;
            if (path.matches("/host/[a-z-]+\\.html")) {
                try (InputStream in = HostSite.class.getResourceAsStream(path)) {
                    body = in == null ? null : in.readAllBytes();
                }
            }
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
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
