package io.relaycast.hls;

import io.relaycast.recorder.Ffmpeg;
import io.relaycast.recorder.TapFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The height of a live source, read by ffprobe from the stream's tap: the encoded ladder's rungs are those at or
 * below it. Called once the publisher's media passes the tap (see {@link HlsSession}).
 */
final class SourceProbe {
    private static final Logger LOG = LoggerFactory.getLogger(SourceProbe.class);
    /** Used when ffprobe cannot tell (no keyframe in time): the fake/low-end camera case. */
    static final int DEFAULT_HEIGHT = 360;

    private SourceProbe() {
    }

    /**
     * ffprobe reads the tap until it knows the video size; it needs a keyframe, which we ask for meanwhile. A probe
     * that saw none answers 0 or nothing; one more is tried (the tap may have just taken a new layer, whose
     * keyframe comes now), then {@link #DEFAULT_HEIGHT}.
     */
    static int height(HlsConfig config, TapFeed feed, Path sdpFile, String streamId) {
        for (int attempt = 0; attempt < 2; attempt++) {
            int height = once(config, feed, sdpFile, streamId);
            if (height > 0) {
                return height;
            }
        }
        LOG.warn("stream {}: ffprobe could not tell the source size; assuming {}p", streamId, DEFAULT_HEIGHT);
        return DEFAULT_HEIGHT;
    }

    /** The source's height, or -1. */
    private static int once(HlsConfig config, TapFeed feed, Path sdpFile, String streamId) {
        feed.nudgeKeyframes();
        try {
            List<String> probe = new ArrayList<>(List.of(config.ffprobe(), "-v", "error", "-select_streams", "v:0",
                    "-show_entries", "stream=height", "-of", "csv=p=0"));
            probe.addAll(TapFeed.inputArgs(sdpFile));
            probe.remove("-i"); // ffprobe takes the input as its last argument
            Ffmpeg.Result r = Ffmpeg.run(probe, 10);
            String out = r.stdout().trim();
            if (r.ok() && out.matches("[1-9]\\d*")) {
                return Integer.parseInt(out);
            }
            LOG.info("stream {}: ffprobe could not tell the source size ({})", streamId,
                    r.stderrTail().isBlank() ? out : r.stderrTail());
        } catch (IOException e) {
            LOG.warn("stream {}: ffprobe failed: {}", streamId, e.getMessage());
        }
        return -1;
    }
}
