package io.relaycast.hls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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

    /** True once every rendition has its init segment and a complete segment: the master can name them all. */
    static boolean ready(RenditionPackager[] packagers) {
        for (RenditionPackager p : packagers) {
            if (p.segmentsDone() == 0 || p.init() == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * Writes the master of these renditions to {@code file} (by rename). An encoded rung's BANDWIDTH comes from its
     * configured bitrate, a remuxed ({@code copied}) one's from what was measured.
     */
    static void write(Path file, RenditionPackager[] packagers, boolean[] copied, List<HlsConfig.Rendition> rungs,
                      boolean audio) throws IOException {
        List<Variant> variants = new ArrayList<>();
        for (int i = 0; i < packagers.length; i++) {
            variants.add(new Variant("r" + i + "/index.m3u8", packagers[i].init(),
                    copied[i] ? 0 : rungs.get(i).videoKbps(), packagers[i].peakBitsPerSecond(), audio));
        }
        HlsFiles.writeAtomically(file, render(variants));
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
