package io.relaycast.hls;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code relaycast.hls}: the HLS bridge (adaptive fallback for viewers without WebRTC) and live thumbnails.
 *
 * @param enabled           false: no HLS, no live thumbnails
 * @param ffmpeg            ffmpeg binary
 * @param ffprobe           ffprobe binary (measures the source resolution before the ladder is chosen)
 * @param directory         where playlists and segments live while a stream is live (absolute)
 * @param renditions        ladder heights, highest first; only those at or below the source are encoded
 * @param segmentSeconds    target segment length, 1 or 2
 * @param playlistSegments  segments listed in each sliding playlist; older ones are deleted
 * @param preset            x264 preset (CPU against bitrate)
 * @param queuePackets      packets the tap may hold for a slow ffmpeg before it drops
 * @param thumbnailInterval how often the directory thumbnail of a live stream is refreshed
 * @param partTarget        LL-HLS part target (EXT-X-PART-INF PART-TARGET): the length of ffmpeg's fMP4 fragments
 * @param blockingReloadTimeout how long a blocking playlist reload or a preload-hinted part request is held before
 *                          503 (RFC 8216bis §6.2.5.2)
 * @param remuxSimulcast    an H.264 simulcast publisher's layers become the renditions as they are (no encoding)
 */
public record HlsConfig(boolean enabled, String ffmpeg, String ffprobe, Path directory, List<Rendition> renditions,
                        int segmentSeconds, int playlistSegments, String preset, int queuePackets,
                        Duration thumbnailInterval, Duration partTarget, Duration blockingReloadTimeout,
                        boolean remuxSimulcast) {

    /** One ladder step: its height and the video bitrate it gets (kbit/s). */
    public record Rendition(String name, int height, int videoKbps) {
    }

    /** The standard ladder; bitrates for 30 fps H.264 (Apple's HLS authoring guidance, rounded down for live). */
    static final List<Rendition> LADDER = List.of(
            new Rendition("1080p", 1080, 5000), new Rendition("720p", 720, 2800), new Rendition("480p", 480, 1200),
            new Rendition("360p", 360, 700), new Rendition("240p", 240, 400), new Rendition("144p", 144, 160));

    public static HlsConfig from(Config c, Path dataDir) {
        List<Rendition> chosen = new ArrayList<>();
        for (String name : c.getStringList("renditions")) {
            Rendition r = LADDER.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() ->
                    new ConfigException.BadValue(c.origin(), "renditions", "unknown rendition '" + name
                            + "'; known: 1080p, 720p, 480p, 360p, 240p, 144p"));
            if (!chosen.contains(r)) {
                chosen.add(r);
            }
        }
        if (chosen.isEmpty()) {
            throw new ConfigException.BadValue(c.origin(), "renditions", "needs at least one rendition");
        }
        chosen.sort((a, b) -> b.height() - a.height());
        int seg = c.getInt("segment-seconds");
        if (seg < 1 || seg > 2) {
            throw new ConfigException.BadValue(c.origin(), "segment-seconds", "must be 1 or 2, was " + seg);
        }
        int list = c.getInt("playlist-segments");
        if (list < 3 || list > 30) {
            throw new ConfigException.BadValue(c.origin(), "playlist-segments", "must be 3-30, was " + list);
        }
        Duration thumbs = c.getDuration("thumbnail-interval");
        if (thumbs.toSeconds() < 5) {
            throw new ConfigException.BadValue(c.origin(), "thumbnail-interval", "must be at least 5s, was " + thumbs);
        }
        Duration part = c.getDuration("part-target");
        if (part.toMillis() < 100 || part.toMillis() > 1000 || part.toMillis() * 2 > seg * 1000L) {
            throw new ConfigException.BadValue(c.origin(), "part-target",
                    "must be 100ms-1s and at most half of segment-seconds, was " + part);
        }
        Duration wait = c.getDuration("blocking-reload-timeout");
        if (wait.toMillis() < 500 || wait.toSeconds() > 30) {
            throw new ConfigException.BadValue(c.origin(), "blocking-reload-timeout", "must be 0.5s-30s, was " + wait);
        }
        return new HlsConfig(c.getBoolean("enabled"), c.getString("ffmpeg"), c.getString("ffprobe"),
                dataDir.resolve(c.getString("directory")).toAbsolutePath().normalize(), List.copyOf(chosen), seg, list,
                c.getString("preset"), c.getInt("queue-packets"), thumbs, part, wait,
                c.getBoolean("remux-simulcast"));
    }

    /** The renditions at or below a source of this height; the lowest configured one when the source is smaller. */
    public List<Rendition> ladderFor(int sourceHeight) {
        List<Rendition> out = new ArrayList<>();
        for (Rendition r : renditions) {
            if (r.height() <= sourceHeight) {
                out.add(r);
            }
        }
        if (out.isEmpty()) {
            out.add(renditions.get(renditions.size() - 1));
        }
        return out;
    }
}
