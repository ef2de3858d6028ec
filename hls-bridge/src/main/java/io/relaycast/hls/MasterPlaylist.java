package io.relaycast.hls;

import java.util.List;

/**
 * The master playlist (RFC 8216bis §4.4.6.2), written once every rendition has a complete segment: one
 * {@code EXT-X-STREAM-INF} per rendition, best first, with the size and codecs its init segment declares.
 */
final class MasterPlaylist {
    /** AAC-LC (RFC 6381 with ISO/IEC 14496-3 object type 2): what the ladder encodes audio to. */
    private static final String AAC = "mp4a.40.2";
    private static final int AUDIO_BPS = 96_000;

    private MasterPlaylist() {
    }

    /** One rendition as the master lists it. */
    record Variant(String uri, Mp4Fragments.Init init, int configuredKbps, long measuredBps, boolean audio) {
    }

    static String render(List<Variant> variants) {
        StringBuilder b = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:6\n");
        for (Variant v : variants) {
            // BANDWIDTH is the peak (§4.4.6.2): the configured maxrate of an encoded rung (1.2 x its bitrate), or
            // the highest measured segment rate of a remuxed one, whichever is higher
            long video = Math.max(v.configuredKbps() * 1200L, v.measuredBps());
            long bandwidth = video + (v.audio() ? AUDIO_BPS : 0);
            b.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(bandwidth);
            if (v.init().width() > 0 && v.init().height() > 0) {
                b.append(",RESOLUTION=").append(v.init().width()).append('x').append(v.init().height());
            }
            if (v.init().videoCodecs() != null) {
                b.append(",CODECS=\"").append(v.init().videoCodecs()).append(v.audio() ? "," + AAC : "").append('"');
            }
            b.append('\n');
            b.append(v.uri()).append('\n');
        }
        return b.toString();
    }
}
