package io.relaycast.signaling.analytics;

/**
 * One tick of an ingest's measurements of what its encoder sends (source {@code rtmp}): bitrate of the media it
 * receives (bit/s), video frames per second, the encoder's keyframe interval (ms; null before two keyframes) and the
 * picture size the encoder announced (null when it did not).
 */
public record IngestSample(long bitrate, double fps, Long keyframeIntervalMs, Integer width, Integer height) {
}
