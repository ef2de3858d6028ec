package io.relaycast.web.cluster;

import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.relay.RelayEdge;
import io.relaycast.sfu.relay.RelayGrant;
import io.relaycast.sfu.relay.RelayRequest;
import io.relaycast.signaling.cluster.NodeInfo;
import io.relaycast.signaling.cluster.NodeRegistry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * The edge's way to its origin: finds the stream's origin node in the {@link NodeRegistry} and sends it the signed
 * {@code POST /internal/v1/relays} ({@link RelayTokens}); the answer's host, when the origin left it empty, is the
 * origin's media host from the registry.
 */
public final class HttpRelayConnector implements RelayEdge.Connector {
    private final NodeRegistry registry;
    private final RelayTokens tokens;
    private final Duration timeout;
    private final HttpClient http;

    public HttpRelayConnector(NodeRegistry registry, RelayTokens tokens, Duration timeout) {
        this.registry = registry;
        this.tokens = tokens;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public RelayGrant open(RelayRequest request) throws MediaException {
        Optional<NodeInfo> found = registry.origin(request.streamId());
        if (found.isEmpty() || found.get().id().equals(registry.self().id())) {
            throw new MediaException("NOT_PUBLISHED", "no node publishes stream " + request.streamId());
        }
        NodeInfo origin = found.get();
        byte[] body = request.toJson();
        HttpRequest post = HttpRequest.newBuilder(URI.create(trimSlash(origin.httpUrl()) + RelayRoutes.PATH))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("Authorization", tokens.sign(request.edgeNode(), body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(post, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | IllegalArgumentException e) {
            throw new MediaException("RELAY_FAILED", "origin node " + origin.id() + " cannot be reached: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException("RELAY_FAILED", "interrupted while asking node " + origin.id());
        }
        int status = answer.statusCode();
        if (status == 404 || status == 409) {
            throw new MediaException("NOT_PUBLISHED", "stream " + request.streamId() + " is not live on node "
                    + origin.id());
        }
        if (status != 200) {
            throw new MediaException("RELAY_FAILED", "origin node " + origin.id() + " refused the relay (HTTP "
                    + status + ")");
        }
        RelayGrant grant;
        try {
            grant = RelayGrant.parse(answer.body());
        } catch (IllegalArgumentException e) {
            throw new MediaException("RELAY_FAILED", "origin node " + origin.id() + " answered nonsense: "
                    + e.getMessage());
        }
        if (!grant.streamId().equals(request.streamId())) {
            throw new MediaException("RELAY_FAILED", "origin node " + origin.id() + " answered for another stream");
        }
        if (grant.host().isEmpty()) {
            String host = origin.mediaHost() == null || origin.mediaHost().isBlank()
                    ? URI.create(origin.httpUrl()).getHost() : origin.mediaHost();
            grant = grant.withHost(host);
        }
        return grant;
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
