package io.relaycast.recorder;

/**
 * Where the recorder writes what it did (the {@code recordings} table). An interface so the recorder module stays
 * free of the database: the server adapts its repository to it.
 */
public interface RecordingStore {
    /** A recording began (status {@code recording}). */
    void started(String recordingId, String streamId, long startedAt);

    /** Finalised: status {@code ready} with the playable file, its format (mp4/webm), duration and size. */
    void ready(String recordingId, String filePath, String format, long durationMs, long sizeBytes,
               String thumbnailPath, long endedAt);

    /** Failed: status {@code failed} with an operator-readable reason. */
    void failed(String recordingId, String error, long endedAt);

    /** A recording still marked {@code recording}; {@code streamLive}: its stream is still live in the database. */
    record Unfinished(String recordingId, String streamId, boolean streamLive) {
    }

    /** Recordings still marked {@code recording} (crash recovery at start-up). */
    default java.util.List<Unfinished> unfinished() {
        return java.util.List.of();
    }
}
