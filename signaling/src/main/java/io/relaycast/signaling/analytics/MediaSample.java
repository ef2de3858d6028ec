package io.relaycast.signaling.analytics;

/**
 * A media health sample ({@code stream:quality-update}, or the SFU's own stats): bitrate in bit/s,
 * packetLoss in percent, rtt in milliseconds. Any field may be null when the sender does not know it.
 */
public record MediaSample(Long bitrate, Double fps, Integer width, Integer height, Double packetLoss, Double rtt) {
}
