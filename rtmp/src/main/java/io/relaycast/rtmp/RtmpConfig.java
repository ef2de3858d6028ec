package io.relaycast.rtmp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code relaycast.rtmp}: the RTMP ingest server and its limits.
 *
 * @param port                     plain RTMP port, 0 = off (contract default 1935), -1 = any free port (tests)
 * @param rtmpsPort                RTMPS (TLS) port, 0 = off; needs {@code certificate} and {@code privateKey}
 * @param certificate              PEM certificate chain for RTMPS, null when RTMPS is off
 * @param privateKey               PEM PKCS#8 private key for RTMPS, null when RTMPS is off
 * @param bindAddress              the address both ports listen on
 * @param maxChunkSize             the largest Set Chunk Size a client may announce (octets)
 * @param maxMessageSize           the largest RTMP message (one video frame) a client may send (octets)
 * @param maxChunkStreams          chunk stream ids one connection may use at once
 * @param maxConnectionsPerAddress TCP connections one remote address may hold open
 * @param handshakeTimeout         a client must finish the handshake and publish within this
 * @param idleTimeout              a connection that sends nothing for this long is closed
 * @param ffmpeg                   ffmpeg binary (AAC to Opus)
 * @param audioQueueFrames         AAC frames waiting for ffmpeg before they are dropped (and counted)
 * @param opusKbps                 Opus bitrate of the transcoded audio
 * @param h264ProfileLevelId       profile-level-id signalled to viewers whatever the source's profile
 * @param gopCacheMaxBytes         the largest group of pictures (last keyframe onwards, FLV tag octets) kept for
 *                                 the first viewer or tap to join; 0 turns the GOP cache off
 * @param gopCacheMaxDuration      the longest group of pictures (media time) the GOP cache keeps
 * @param gopCacheJoinDelay        how long after the first keyframe request the cached group goes out (a tap asks
 *                                 when it attaches, before its ffmpeg listens)
 * @param keyframeIntervalWarning  an encoder keyframe interval above this is flagged in the ingest's health
 */
public record RtmpConfig(int port, int rtmpsPort, Path certificate, Path privateKey, String bindAddress,
                         int maxChunkSize, int maxMessageSize, int maxChunkStreams, int maxConnectionsPerAddress,
                         Duration handshakeTimeout, Duration idleTimeout, String ffmpeg, int audioQueueFrames,
                         int opusKbps, String h264ProfileLevelId, long gopCacheMaxBytes,
                         Duration gopCacheMaxDuration, Duration gopCacheJoinDelay,
                         Duration keyframeIntervalWarning) {

    /** RTMP's own initial chunk size (RTMP 1.0 section 5.4.1). */
    public static final int DEFAULT_CHUNK_SIZE = 128;

    public RtmpConfig {
        check(port >= -1 && port <= 65535, "port", "must be 0-65535 (or -1: any free port, for tests)");
        check(rtmpsPort >= -1 && rtmpsPort <= 65535, "rtmps-port", "must be 0-65535 (or -1: any free port, for tests)");
        check(rtmpsPort == 0 || certificate != null && privateKey != null, "rtmps-port",
                "RTMPS needs certificate and private-key");
        check(maxChunkSize >= DEFAULT_CHUNK_SIZE && maxChunkSize <= 0xFFFFFF, "max-chunk-size", "must be 128-16777215");
        check(maxMessageSize >= 4096 && maxMessageSize <= 0xFFFFFF, "max-message-size", "must be 4096-16777215");
        check(maxChunkStreams >= 4 && maxChunkStreams <= 65599, "max-chunk-streams", "must be 4-65599");
        check(maxConnectionsPerAddress >= 1, "max-connections-per-address", "must be at least 1");
        check(handshakeTimeout.toMillis() >= 100, "handshake-timeout", "must be at least 100ms");
        check(idleTimeout.toMillis() >= 1000, "idle-timeout", "must be at least 1s");
        check(audioQueueFrames >= 8, "audio-queue-frames", "must be at least 8");
        check(opusKbps >= 16 && opusKbps <= 510, "opus-kbps", "must be 16-510");
        check(h264ProfileLevelId.matches("[0-9a-fA-F]{6}"), "h264-profile-level-id", "must be 6 hex digits");
        check(gopCacheMaxBytes >= 0 && gopCacheMaxBytes <= 64L * 1024 * 1024, "gop-cache.max-bytes",
                "must be 0 (off) to 64MiB");
        check(gopCacheMaxDuration.toMillis() >= 1000 && gopCacheMaxDuration.toMillis() <= 60_000,
                "gop-cache.max-duration", "must be 1s-60s");
        check(!gopCacheJoinDelay.isNegative() && gopCacheJoinDelay.toMillis() <= 5000, "gop-cache.join-delay",
                "must be 0-5s");
        check(keyframeIntervalWarning.toMillis() >= 1000, "keyframe-interval-warning", "must be at least 1s");
    }

    private static void check(boolean ok, String key, String message) {
        if (!ok) {
            throw new ConfigException.Generic("relaycast.rtmp." + key + ": " + message);
        }
    }

    public static RtmpConfig from(Config c, Path dataDir) {
        String cert = c.getString("certificate");
        String key = c.getString("private-key");
        return new RtmpConfig(c.getInt("port"), c.getInt("rtmps-port"),
                cert.isBlank() ? null : dataDir.resolve(cert).toAbsolutePath().normalize(),
                key.isBlank() ? null : dataDir.resolve(key).toAbsolutePath().normalize(),
                c.getString("bind-address"), c.getBytes("max-chunk-size").intValue(),
                c.getBytes("max-message-size").intValue(), c.getInt("max-chunk-streams"),
                c.getInt("max-connections-per-address"), c.getDuration("handshake-timeout"),
                c.getDuration("idle-timeout"), c.getString("ffmpeg"), c.getInt("audio-queue-frames"),
                c.getInt("opus-kbps"), c.getString("h264-profile-level-id"), c.getBytes("gop-cache.max-bytes"),
                c.getDuration("gop-cache.max-duration"), c.getDuration("gop-cache.join-delay"),
                c.getDuration("keyframe-interval-warning"));
    }

    /** Defaults for tests: both ports ephemeral-off, the documented limits. */
    public static RtmpConfig defaults(int port) {
        return new RtmpConfig(port, 0, null, null, "0.0.0.0", 65536, 4 * 1024 * 1024, 64, 8,
                Duration.ofSeconds(10), Duration.ofSeconds(30), "ffmpeg", 256, 128, "42e01f", 8L * 1024 * 1024,
                Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(4));
    }

    /** With RTMPS on {@code port} (-1: any free port) using a PEM certificate chain and PKCS#8 key. */
    public RtmpConfig withRtmps(int port, Path certificate, Path privateKey) {
        return new RtmpConfig(this.port, port, certificate, privateKey, bindAddress, maxChunkSize, maxMessageSize,
                maxChunkStreams, maxConnectionsPerAddress, handshakeTimeout, idleTimeout, ffmpeg, audioQueueFrames,
                opusKbps, h264ProfileLevelId, gopCacheMaxBytes, gopCacheMaxDuration, gopCacheJoinDelay,
                keyframeIntervalWarning);
    }

    public RtmpConfig withLimits(int maxMessageSize, int maxConnectionsPerAddress, Duration handshakeTimeout) {
        return new RtmpConfig(port, rtmpsPort, certificate, privateKey, bindAddress, maxChunkSize, maxMessageSize,
                maxChunkStreams, maxConnectionsPerAddress, handshakeTimeout, idleTimeout, ffmpeg, audioQueueFrames,
                opusKbps, h264ProfileLevelId, gopCacheMaxBytes, gopCacheMaxDuration, gopCacheJoinDelay,
                keyframeIntervalWarning);
    }

    /** With the GOP cache bounded by {@code maxBytes} (0: off) and {@code maxDuration}, out after {@code joinDelay}. */
    public RtmpConfig withGopCache(long maxBytes, Duration maxDuration, Duration joinDelay) {
        return new RtmpConfig(port, rtmpsPort, certificate, privateKey, bindAddress, maxChunkSize, maxMessageSize,
                maxChunkStreams, maxConnectionsPerAddress, handshakeTimeout, idleTimeout, ffmpeg, audioQueueFrames,
                opusKbps, h264ProfileLevelId, maxBytes, maxDuration, joinDelay, keyframeIntervalWarning);
    }
}
