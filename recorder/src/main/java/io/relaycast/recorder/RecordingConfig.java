package io.relaycast.recorder;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code relaycast.recording}: the VOD recorder.
 *
 * @param enabled        false: no stream is recorded, whatever its {@code recordingEnabled}
 * @param ffmpeg         the ffmpeg binary (name on the PATH or absolute path); ffprobe is looked up beside it
 * @param ffprobe        the ffprobe binary
 * @param directory      where recordings are written (absolute, resolved against the data folder)
 * @param flushInterval  the longest a received second of media may stay in memory before it is on disk
 *                       (Matroska cluster length); at most 2 s
 * @param queuePackets   packets the tap may hold for a slow ffmpeg before it drops
 * @param maxRestarts    ffmpeg deaths tolerated in one recording before it is marked failed
 * @param minFreeBytes   a recording does not start (and a running one stops) below this free space
 */
public record RecordingConfig(boolean enabled, String ffmpeg, String ffprobe, Path directory, Duration flushInterval,
                              int queuePackets, int maxRestarts, long minFreeBytes) {

    public static RecordingConfig from(Config c, Path dataDir) {
        Duration flush = c.getDuration("flush-interval");
        if (flush.isNegative() || flush.isZero() || flush.compareTo(Duration.ofSeconds(2)) > 0) {
            throw new ConfigException.BadValue(c.origin(), "flush-interval", "must be more than 0 and at most 2s, was " + flush);
        }
        int queue = c.getInt("queue-packets");
        if (queue < 16 || queue > 65536) {
            throw new ConfigException.BadValue(c.origin(), "queue-packets", "must be 16-65536, was " + queue);
        }
        int restarts = c.getInt("max-restarts");
        if (restarts < 0) {
            throw new ConfigException.BadValue(c.origin(), "max-restarts", "must be >= 0, was " + restarts);
        }
        long minFree = c.getBytes("min-free-disk");
        String ffmpeg = c.getString("ffmpeg").trim();
        String ffprobe = c.getString("ffprobe").trim();
        if (ffmpeg.isEmpty() || ffprobe.isEmpty()) {
            throw new ConfigException.BadValue(c.origin(), "ffmpeg", "ffmpeg and ffprobe must name binaries");
        }
        Path dir = dataDir.resolve(c.getString("directory")).toAbsolutePath().normalize();
        return new RecordingConfig(c.getBoolean("enabled"), ffmpeg, ffprobe, dir, flush, queue, restarts, minFree);
    }
}
