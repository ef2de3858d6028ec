package io.relaycast.signaling.recording;

/** A VOD file the recorder wrote for a stream. {@code status}: recording, ready or failed. */
public record Recording(String id, String streamId, String status, String filePath, String format, Long durationMs,
                        Long sizeBytes, String thumbnailPath, long startedAt, Long endedAt, String error) {
}
