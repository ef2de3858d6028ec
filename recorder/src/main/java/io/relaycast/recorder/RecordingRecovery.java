package io.relaycast.recorder;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * After a crash (kill -9, power loss) the recordings the server was writing are still marked {@code recording}.
 * Their Matroska parts are on disk, readable up to the last flushed cluster ({@code recording.flush-interval}):
 * they are joined as at a normal end and the recording becomes {@code ready}; a recording whose parts are missing
 * or unreadable becomes {@code failed} with the reason. A recording whose folder is not on this node and whose
 * stream is still live may belong to another node sharing the database: it is left alone.
 */
final class RecordingRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RecordingRecovery.class);

    private final RecordingConfig config;
    private final RecordingStore store;
    private final PartJoiner joiner;

    /** Sessions started since the restart write into new recordings (new ids, new folders): never these. */
    RecordingRecovery(RecordingConfig config, RecordingStore store, PartJoiner joiner) {
        this.config = config;
        this.store = store;
        this.joiner = joiner;
    }

    void run() {
        for (RecordingStore.Unfinished u : store.unfinished()) {
            Path dir = config.directory().resolve(u.recordingId());
            List<Path> parts;
            try {
                parts = PartJoiner.partsIn(dir);
            } catch (IOException e) {
                store.failed(u.recordingId(), "interrupted by a server restart; its folder cannot be read: " + e.getMessage(),
                        System.currentTimeMillis());
                continue;
            }
            if (parts.isEmpty()) {
                if (!u.streamLive()) {
                    store.failed(u.recordingId(), "interrupted by a server restart; no recorded part was left on disk",
                            System.currentTimeMillis());
                }
                continue; // live elsewhere, perhaps: not ours to judge
            }
            PartJoiner.Outcome o = joiner.join(dir, parts, joiner.formatOf(parts));
            long now = System.currentTimeMillis();
            if (o.ok()) {
                store.ready(u.recordingId(), o.file().toString(), o.format(), o.durationMs(), o.sizeBytes(),
                        o.thumbnail() == null ? null : o.thumbnail().toString(), now);
                LOG.info("recording {} of stream {} recovered after a restart: {} ms from {} part(s)", u.recordingId(),
                        u.streamId(), o.durationMs(), o.parts());
            } else {
                store.failed(u.recordingId(), "interrupted by a server restart; recovery failed: " + o.error(), now);
                LOG.error("recording {} of stream {}: recovery after a restart failed: {}", u.recordingId(),
                        u.streamId(), o.error());
            }
        }
    }
}
