package io.relaycast.web;

import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.signaling.auth.TokenVerifier;
import io.relaycast.signaling.gateway.SignalingServer;
import io.relaycast.signaling.peer.PeerAdmission;
import io.relaycast.web.api.Urls;
import io.relaycast.web.config.RelaycastConfig;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/** Starts the Socket.IO gateway on the control plane's services, for the composition root ({@link RelaycastServer}). */
final class SignalingStartup {
    private SignalingStartup() {
    }

    /**
     * @param hlsUrl   a stream's HLS playlist URL as the viewers are told it
     * @param httpPort the port the HTTP server listens on (its pages are allowed origins)
     * @param media    the media plane signaling talks to (after the relay between nodes, if any, wrapped it)
     * @param peers    the peer admission shared with WHIP/WHEP
     */
    static SignalingServer start(RelaycastConfig config, Services s, Urls urls, Function<String, String> hlsUrl,
                                 int httpPort, MediaPlane media, PeerAdmission peers) {
        SignalingServer signaling = new SignalingServer(config.signaling(), allowedOrigins(config, urls, httpPort),
                new SignalingServer.Dependencies(new TokenVerifier(config.auth()), s.users(), s.streams(), s.viewers(),
                        s.chat(), s.reactions(), s.featured(), s.analytics(), s.iceServers(), media, hlsUrl,
                        config.auth().allowAnonymousViewers(), config.redisUrl(), peers));
        try {
            signaling.start();
        } catch (RuntimeException e) {
            signaling.close();
            throw e;
        }
        return signaling;
    }

    /** This server's own pages are cross-origin to the socket port: allow them, and the configured origins. */
    private static Set<String> allowedOrigins(RelaycastConfig config, Urls urls, int httpPort) {
        Set<String> origins = new LinkedHashSet<>(config.signaling().corsAllowedOrigins());
        origins.addAll(config.http().corsAllowedOrigins());
        origins.add("http://localhost:" + httpPort);
        origins.add("http://127.0.0.1:" + httpPort);
        origins.add(URI.create(urls.base()).resolve("/").toString().replaceAll("/$", ""));
        return origins;
    }
}
