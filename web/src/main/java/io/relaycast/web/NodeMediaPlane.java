package io.relaycast.web;

import io.relaycast.rtmp.RtmpConfig;
import io.relaycast.rtmp.server.RtmpServer;
import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.api.UnavailableMediaPlane;
import io.relaycast.signaling.stream.StreamService;
import io.relaycast.web.config.RelaycastConfig;
import io.relaycast.web.health.MediaPortCheck;
import io.relaycast.web.media.RtmpPublishGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The media plane this node's signaling talks to, as the composition root ({@link RelaycastServer}) chose it: the
 * one passed in, else this node's own SFU, else a stand-in that refuses media requests with MEDIA_UNAVAILABLE (so the
 * API and chat still work while the UDP port is taken).
 *
 * @param plane     the media plane for signaling, WHIP/WHEP and the stats
 * @param ownSfu    the SFU this server started and must stop; null when the plane came from outside or failed
 * @param readiness the essential {@code media} readiness check: running, unavailable (503) or external
 */
record NodeMediaPlane(MediaPlane plane, Sfu ownSfu, MediaPortCheck readiness) {
    // the startup log keeps the composition root's logger name, as before this part was moved out of it
    private static final Logger LOG = LoggerFactory.getLogger(RelaycastServer.class);

    /**
     * @param given the media plane to wire signaling to; null for this node's own SFU on
     *              {@code relaycast.media.udp-port} (or, if that port cannot be bound, the unavailable stand-in)
     */
    static NodeMediaPlane start(RelaycastConfig config, MediaPlane given) {
        if (given != null) {
            return new NodeMediaPlane(given, null, MediaPortCheck.external());
        }
        Sfu ownSfu = null;
        try {
            ownSfu = Sfu.start(config.media(), config.mediaIce(), config.mediaForwarding());
            Sfu started = ownSfu;
            return new NodeMediaPlane(ownSfu, ownSfu, MediaPortCheck.running(ownSfu.udpPort(), started::isOpen));
        } catch (IOException | RuntimeException e) {
            String reason = "cannot start the SFU on UDP port " + config.media().udpPort() + ": " + e.getMessage();
            LOG.error("MEDIA UNAVAILABLE: {}. REST and chat keep working; broadcasts and WebRTC viewers are "
                    + "refused with MEDIA_UNAVAILABLE and /health/ready answers 503 until the port is free "
                    + "(RTC_UDP_PORT / relaycast.media.udp-port).", reason);
            // an SFU that started before the failure is still this server's to stop
            return new NodeMediaPlane(new UnavailableMediaPlane(reason), ownSfu, MediaPortCheck.unavailable(reason));
        }
    }

    /**
     * RTMP ingest into this node's own SFU; null when relaycast.rtmp.port and rtmps-port are both 0 or there is no
     * SFU of our own.
     *
     * @throws IllegalStateException when it cannot start (the caller stops the server: no half-started node)
     */
    RtmpServer startRtmp(RtmpConfig rtmp, StreamService streams) {
        if (ownSfu == null || rtmp.port() == 0 && rtmp.rtmpsPort() == 0) {
            return null;
        }
        try {
            return RtmpServer.start(rtmp, ownSfu, new RtmpPublishGate(streams));
        } catch (Exception e) {
            throw new IllegalStateException("RTMP ingest could not start on port " + rtmp.port() + ": " + e, e);
        }
    }
}
