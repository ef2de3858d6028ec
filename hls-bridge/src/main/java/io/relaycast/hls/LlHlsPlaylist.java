package io.relaycast.hls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a rendition's media playlist (RFC 8216bis §4.4) from a {@link PartTracker}'s state: a classic sliding
 * window of complete segments ({@code EXTINF} + URI, which is all a player without LL-HLS reads) plus the
 * Low-Latency tags: {@code EXT-X-SERVER-CONTROL} (blocking reload, hold-backs), {@code EXT-X-PART-INF},
 * {@code EXT-X-PART} for the parts of the last segments and of the segment being made, and
 * {@code EXT-X-PRELOAD-HINT} naming the part that comes next.
 */
final class LlHlsPlaylist {
    /** §4.4.3.7: PART-HOLD-BACK "MUST be at least twice the Part Target Duration" and SHOULD be three times. */
    static final int PART_HOLD_BACK_PARTS = 3;
    /** §4.4.3.8: HOLD-BACK is at least three target durations. */
    static final int HOLD_BACK_SEGMENTS = 3;

    private LlHlsPlaylist() {
    }

    /** Called with the tracker's monitor held. */
    static String render(PartTracker t) {
        List<PartTracker.Segment> listed = new ArrayList<>(t.segments);
        if (t.open != null) {
            listed.add(t.open);
        }
        StringBuilder b = new StringBuilder(2048);
        b.append("#EXTM3U\n");
        // version 6: EXT-X-MAP in a playlist without I-frames only (§7); the LL-HLS tags need no higher version
        b.append("#EXT-X-VERSION:6\n");
        b.append("#EXT-X-TARGETDURATION:").append(t.targetDuration).append('\n');
        b.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=")
                .append(seconds(t.partTarget * PART_HOLD_BACK_PARTS))
                .append(",HOLD-BACK=").append(seconds(t.targetDuration * HOLD_BACK_SEGMENTS)).append('\n');
        b.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(t.partTarget)).append('\n');
        b.append("#EXT-X-MEDIA-SEQUENCE:").append(listed.isEmpty() ? t.nextMsn : listed.get(0).msn).append('\n');
        if (t.discontinuitySequence > 0) {
            b.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(t.discontinuitySequence).append('\n');
        }
        // §4.4.4.9: parts of segments more than three target durations from the end SHOULD go from the playlist
        double fromEnd = 0;
        int partsFrom = listed.size();
        for (int i = listed.size() - 1; i >= 0; i--) {
            fromEnd += listed.get(i).duration;
            if (fromEnd > HOLD_BACK_SEGMENTS * t.targetDuration) {
                break;
            }
            partsFrom = i;
        }
        String map = null;
        for (int i = 0; i < listed.size(); i++) {
            PartTracker.Segment s = listed.get(i);
            if (s.discontinuity && i > 0) {
                b.append("#EXT-X-DISCONTINUITY\n");
            }
            if (s.map != null && !s.map.equals(map)) {
                b.append("#EXT-X-MAP:URI=\"").append(s.map).append("\"\n");
                map = s.map;
            }
            if (i >= partsFrom) {
                for (PartTracker.Part p : s.parts) {
                    b.append("#EXT-X-PART:DURATION=").append(seconds(p.duration())).append(",URI=\"").append(p.uri())
                            .append('"').append(p.independent() ? ",INDEPENDENT=YES" : "").append('\n');
                }
            }
            if (s.uri != null) {
                b.append("#EXTINF:").append(seconds(s.duration)).append(",\n").append(s.uri).append('\n');
            }
        }
        if (!listed.isEmpty()) {
            // §4.4.5.3: the part being made; a request for it is held until it is complete
            b.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"").append(t.partNames.apply(t.nextPartSeq)).append("\"\n");
        }
        return b.toString();
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
