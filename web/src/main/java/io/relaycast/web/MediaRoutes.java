package io.relaycast.web;

import io.javalin.Javalin;
import io.relaycast.hls.HlsBridge;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.signaling.peer.PeerAdmission;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.media.HlsRoutes;
import io.relaycast.web.media.HlsViewers;
import io.relaycast.web.media.IngestHealthSource;
import io.relaycast.web.media.MediaStatsRoutes;
import io.relaycast.web.media.PlaybackAccess;
import io.relaycast.web.media.PlaybackTokens;
import io.relaycast.web.media.VodRoutes;
import io.relaycast.web.media.WhipWhepRoutes;

import java.util.Optional;
import java.util.function.Function;

/**
 * The media side of the HTTP edge: WHIP/WHEP, a stream's media statistics, recordings (VOD) and HLS, registered by
 * the composition root ({@link RelaycastServer}) once signaling runs.
 */
final class MediaRoutes {
    private MediaRoutes() {
    }

    /**
     * @param media        the media plane signaling talks to (the relay between nodes may have wrapped it)
     * @param peers        the peer admission shared with the Socket.IO gateway
     * @param ingestHealth the RTMP ingest's health for the owner's stats (set once RTMP runs)
     * @param hls          the HLS bridge of this node's taps (null without an SFU of its own)
     * @param origin       the HTTP base URL of a stream's origin when that is another node (HLS is redirected there)
     * @return the HLS viewer sessions, which the server closes on shutdown
     */
    static HlsViewers register(Javalin app, RelaycastConfig config, Services s, MediaPlane media, PeerAdmission peers,
                               IngestHealthSource ingestHealth, PlaybackAccess playback, HlsBridge hls,
                               Function<String, Optional<String>> origin) {
        new WhipWhepRoutes(s.streams(), s.viewers(), s.iceServers(), media, s.auth(),
                config.auth().allowAnonymousViewers(), peers).register(app);
        // the SFU's statistics of a stream: typed and without addresses for its owner, the debug state for admins
        new MediaStatsRoutes(s.streams(), media, s.auth(), ingestHealth).register(app);
        new VodRoutes(s.recordings(), config.recording().directory(), playback).register(app);
        HlsViewers hlsViewers = new HlsViewers(s.viewers(), config.hlsViewers(),
                PlaybackTokens.deriveKey(config.playback().secret(), config.auth().hmacSecret()));
        new HlsRoutes(hls, config.dataDir().resolve("thumbnails"), playback, hlsViewers)
                .redirectTo(origin).register(app);
        return hlsViewers;
    }
}
