package io.relaycast.hls;

import io.relaycast.recorder.Ffmpeg;
import io.relaycast.recorder.TapFeed;
import io.relaycast.sfu.media.ForwardedCodec;
import io.relaycast.sfu.media.PublishedTrack;
import io.relaycast.sfu.media.PublishedTracks;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The HLS ladder of an H.264 simulcast publisher (issue 18 item 3): the publisher already encodes every rendition,
 * so each layer becomes a rendition as it is ({@code -c:v copy}), and the node decodes and encodes nothing. The tap
 * splits the layers onto ports of their own in one SDP ({@link TapFeed#splitLayers}), so one ffmpeg input carries
 * every layer on the clock of one RTP session (its sender reports), which keeps the renditions' timestamps aligned
 * for players switching between them.
 *
 * @param renditions one per distinct layer height, highest first
 * @param videoMaps  per rendition, the ffmpeg stream of its layer ({@code 0:v:N}, N = layer, 0 the lowest)
 */
record SimulcastLadder(List<HlsConfig.Rendition> renditions, String[] videoMaps) {
    private static final Logger LOG = LoggerFactory.getLogger(SimulcastLadder.class);
    /** RtpTap splits at most this many layers (browsers send three). */
    static final int MAX_LAYERS = 4;

    /** The number of layers to remux, or 0 when the source is not H.264 simulcast (or remuxing is off). */
    static int layers(HlsConfig config, PublishedTracks tracks) {
        PublishedTrack v = tracks == null ? null : tracks.video();
        if (!config.remuxSimulcast() || v == null || v.primaryCodec().codec() != ForwardedCodec.H264 || !v.isSimulcast()) {
            return 0;
        }
        int n = Math.max(v.rids().size(), v.ssrcs().size());
        return n >= 2 && n <= MAX_LAYERS ? n : 0;
    }

    /**
     * Splits the tap's layers and learns their heights: the ladder is then the layers remuxed. Null (and the tap back
     * to one layer) when the heights cannot be probed: the ladder is then encoded.
     */
    static SimulcastLadder probe(HlsConfig config, TapFeed feed, Path sdpFile, int layers, String streamId)
            throws IOException {
        feed.splitLayers(layers);
        Files.writeString(sdpFile, feed.tap().sdp(), StandardCharsets.US_ASCII);
        feed.nudgeKeyframes();
        List<Integer> heights = probeHeights(config, sdpFile, layers);
        if (heights == null) {
            LOG.warn("stream {}: cannot probe the {} simulcast layers; the HLS ladder is encoded instead", streamId, layers);
            feed.splitLayers(0);
            return null;
        }
        LOG.info("stream {}: H.264 simulcast layers {} (lowest first): the HLS renditions are the layers remuxed",
                streamId, heights);
        return of(heights);
    }

    /**
     * The height of every video stream of the split tap's SDP (lowest layer first), or null when ffprobe cannot
     * tell them all within its 10 s (a layer the publisher paused, no keyframe): then the ladder is encoded.
     */
    static List<Integer> probeHeights(HlsConfig config, Path sdpFile, int layers) throws IOException {
        List<String> probe = new ArrayList<>(List.of(config.ffprobe(), "-v", "error", "-select_streams", "v",
                "-show_entries", "stream=height", "-of", "csv=p=0"));
        probe.addAll(TapFeed.inputArgs(sdpFile));
        probe.remove("-i"); // ffprobe takes the input as its last argument
        Ffmpeg.Result r = Ffmpeg.run(probe, 10);
        List<Integer> heights = new ArrayList<>();
        for (String line : r.stdout().trim().split("\n")) {
            String h = line.trim().replace(",", "");
            if (h.matches("\\d{2,5}")) {
                heights.add(Integer.parseInt(h));
            }
        }
        return r.ok() && heights.size() == layers ? heights : null;
    }

    /** One rendition per distinct layer height, highest first, each the layer remuxed. */
    static SimulcastLadder of(List<Integer> layerHeights) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < layerHeights.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing((Integer i) -> layerHeights.get(i)).reversed());
        List<HlsConfig.Rendition> rungs = new ArrayList<>();
        List<String> maps = new ArrayList<>();
        for (int layer : order) {
            int h = layerHeights.get(layer);
            if (rungs.stream().noneMatch(x -> x.height() == h)) {
                rungs.add(new HlsConfig.Rendition(h + "p", h, 0)); // 0: BANDWIDTH is measured
                maps.add("0:v:" + layer);
            }
        }
        return new SimulcastLadder(List.copyOf(rungs), maps.toArray(new String[0]));
    }
}
