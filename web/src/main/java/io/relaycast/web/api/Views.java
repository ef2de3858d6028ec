package io.relaycast.web.api;

import io.relaycast.signaling.analytics.StreamAnalytics;
import io.relaycast.signaling.chat.Comment;
import io.relaycast.signaling.featured.FeaturedItem;
import io.relaycast.signaling.recording.Recording;
import io.relaycast.signaling.reaction.Reaction;
import io.relaycast.signaling.stream.Page;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.web.media.PlaybackAccess;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON shapes of the public contract, built from domain records. Times are ISO-8601 UTC strings. Media URLs
 * of a restricted stream carry a playback token ({@link PlaybackAccess}): a view is only built for a caller whose
 * access to the stream was checked (listings hold only streams the caller may see).
 */
public final class Views {
    private final Urls urls;
    private final PlaybackAccess playback;

    public Views(Urls urls, PlaybackAccess playback) {
        this.urls = urls;
        this.playback = playback;
    }

    /** The stream's HLS master URL for a caller allowed to watch it. */
    public String hls(Stream s) {
        return playback.forViewer(urls.hls(s.id()), s);
    }

    public static String iso(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }

    public Map<String, Object> stream(Stream s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("ownerId", s.ownerId());
        m.put("title", s.title());
        m.put("description", s.description());
        m.put("category", s.category());
        m.put("tags", s.tags());
        m.put("quality", s.quality());
        m.put("visibility", s.visibility().wire());
        m.put("status", s.status().wire());
        m.put("scheduledAt", iso(s.scheduledAt()));
        m.put("startedAt", iso(s.startedAt()));
        m.put("endedAt", iso(s.endedAt()));
        m.put("recordingEnabled", s.recordingEnabled());
        m.put("chatEnabled", s.chatEnabled());
        m.put("reactionsEnabled", s.reactionsEnabled());
        m.put("chatMode", s.chatMode().wire());
        m.put("slowModeSeconds", s.slowModeSeconds());
        m.put("viewerCount", s.viewerCount());
        m.put("peakViewers", s.peakViewers());
        m.put("createdAt", iso(s.createdAt()));
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("whip", urls.whip(s.id()));
        u.put("whep", urls.whep(s.id()));
        if (urls.rtmp() != null) {
            u.put("rtmp", urls.rtmp()); // the stream name is the stream key
        }
        u.put("hls", hls(s));
        u.put("watch", urls.watch(s.id()));
        // the contract's create row calls it watchPage; both names stay so either client family works
        u.put("watchPage", urls.watch(s.id()));
        m.put("urls", u);
        return m;
    }

    public Map<String, Object> streamWithKey(Stream s, String key) {
        Map<String, Object> m = stream(s);
        m.put("streamKey", key);
        return m;
    }

    public Map<String, Object> streamPage(Page<Stream> p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("items", p.items().stream().map(this::stream).toList());
        m.put("limit", p.limit());
        m.put("offset", p.offset());
        m.put("total", p.total());
        return m;
    }

    public static Map<String, Object> comment(Comment c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", c.id());
        m.put("streamId", c.streamId());
        m.put("userId", c.userId());
        m.put("displayName", c.displayName());
        m.put("content", c.content());
        m.put("pinned", c.pinned());
        m.put("createdAt", iso(c.createdAt()));
        return m;
    }

    public static Map<String, Object> reaction(Reaction r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("streamId", r.streamId());
        m.put("userId", r.userId());
        m.put("type", r.type().wire());
        m.put("x", r.x());
        m.put("y", r.y());
        m.put("createdAt", iso(r.createdAt()));
        return m;
    }

    public static Map<String, Object> featured(FeaturedItem f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", f.id());
        m.put("streamId", f.streamId());
        m.put("title", f.title());
        m.put("url", f.url());
        m.put("imageUrl", f.imageUrl());
        m.put("price", f.price());
        m.put("currency", f.currency());
        m.put("createdAt", iso(f.createdAt()));
        return m;
    }

    /** @param s the recording's stream, whose visibility the caller passed */
    public Map<String, Object> recording(Recording r, Stream s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("streamId", r.streamId());
        m.put("status", r.status());
        m.put("format", r.format());
        m.put("durationSeconds", r.durationMs() == null ? null : r.durationMs() / 1000.0);
        m.put("sizeBytes", r.sizeBytes());
        m.put("startedAt", iso(r.startedAt()));
        m.put("endedAt", iso(r.endedAt()));
        boolean ready = "ready".equals(r.status());
        String ext = r.format() == null ? "mp4" : r.format();
        m.put("urls", Map.of(
                "playback", ready ? playback.forViewer(urls.vod(r.id(), "recording." + ext), s) : "",
                "thumbnail", ready && r.thumbnailPath() != null ? playback.forViewer(urls.vod(r.id(), "thumbnail.jpg"), s) : "",
                "page", urls.base() + "/vod/" + r.id()));
        return m;
    }

    public static Map<String, Object> analytics(StreamAnalytics a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("streamId", a.streamId());
        m.put("totalViews", a.totalViews());
        m.put("uniqueViewers", a.uniqueViewers());
        m.put("peakViewers", a.peakViewers());
        m.put("currentViewers", a.currentViewers());
        m.put("averageViewers", a.averageViewers());
        m.put("averageWatchTimeSeconds", a.averageWatchTimeSeconds());
        m.put("totalWatchTimeSeconds", a.totalWatchTimeSeconds());
        m.put("durationSeconds", a.durationSeconds());
        m.put("comments", a.comments());
        m.put("reactions", a.reactions());
        m.put("reactionsByType", a.reactionsByType());
        List<Map<String, Object>> series = a.perMinute().stream().map(p -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("at", p.at());
            row.put("viewers", p.viewers());
            row.put("joins", p.joins());
            row.put("comments", p.comments());
            row.put("reactions", p.reactions());
            return row;
        }).toList();
        m.put("perMinute", series);
        List<Map<String, Object>> health = a.mediaHealth().stream().map(row -> {
            Map<String, Object> out = new LinkedHashMap<>(row);
            out.put("at", Instant.ofEpochMilli((Long) out.remove("minute") * 60_000).toString());
            return out;
        }).toList();
        m.put("mediaHealth", health);
        return m;
    }
}
