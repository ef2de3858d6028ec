package io.relaycast.hls;

import io.relaycast.recorder.TapFeed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ladder's ffmpeg command: one process reads the tap, decodes once if any rung needs encoding, and writes one
 * fragmented MP4 output per rendition into that rendition's named pipe, where a {@link RenditionPackager} cuts it
 * into LL-HLS parts. ffmpeg 5.1's HLS muxer cannot write parts, so ffmpeg only makes the fragments:
 * {@code -movflags empty_moov+delay_moov+default_base_moof+frag_keyframe} (delay_moov: the init segment waits
 * for the first frame, whose SPS/PPS a remuxed WebRTC source only brings in band) with {@code -frag_duration} just under the part
 * target (a fragment ends at the first frame at or past it: at 30 fps ten frames for 334 ms), flushed as each
 * fragment is complete. A rung marked copy is the source's own video remuxed ({@code -c:v copy}): no decoder and no
 * encoder for it.
 */
final class LadderCommand {
    static final int FPS = 30;

    private LadderCommand() {
    }

    /**
     * @param copy      per rung: true when it is the source remuxed
     * @param videoMaps per rung, the input stream a remuxed rung copies ({@code 0:v:N} for simulcast layer N), or
     *                  null: the input's one video
     * @param fifos     per rung: the pipe it is written to
     */
    static List<String> build(HlsConfig config, List<HlsConfig.Rendition> ladder, boolean[] copy, String[] videoMaps,
                              Path sdpFile, boolean audio, List<Path> fifos) {
        int n = ladder.size();
        List<Integer> scaled = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!copy[i]) {
                scaled.add(i);
            }
        }
        List<String> cmd = new ArrayList<>(List.of(config.ffmpeg(), "-hide_banner", "-nostdin", "-y", "-loglevel", "warning")); // -y: the pipe exists
        cmd.addAll(TapFeed.inputArgs(sdpFile));
        if (!scaled.isEmpty()) {
            StringBuilder filter = new StringBuilder("[0:v:0]fps=" + FPS + ",split=" + scaled.size());
            for (int i : scaled) {
                filter.append("[s").append(i).append(']');
            }
            for (int i : scaled) {
                // -2: width keeps the aspect ratio and stays even (H.264 4:2:0 needs even sizes)
                filter.append(";[s").append(i).append("]scale=-2:").append(ladder.get(i).height())
                        .append("[v").append(i).append(']');
            }
            cmd.addAll(List.of("-filter_complex", filter.toString()));
        }
        for (int i = 0; i < n; i++) {
            String video = !copy[i] ? "[v" + i + "]" : videoMaps != null ? videoMaps[i] : "0:v";
            cmd.addAll(output(config, ladder.get(i), copy[i], video, audio ? "0:a" : null, fifos.get(i)));
        }
        return cmd;
    }

    /**
     * One rendition's output: its video (remuxed or encoded), AAC audio, and the fragmented MP4 muxer.
     *
     * @param videoMap the video to map (an input stream or a filter graph label)
     * @param audioMap the audio to map, or null
     */
    static List<String> output(HlsConfig config, HlsConfig.Rendition rung, boolean copy, String videoMap,
                               String audioMap, Path file) {
        int seg = config.segmentSeconds();
        long partMicros = config.partTarget().toNanos() / 1000;
        // a fragment closes at the first frame at or past frag_duration; one frame less than the part target keeps
        // every part (whole frames) at or under PART-TARGET at 30 fps
        long fragMicros = Math.max(50_000, partMicros - 1_000_000 / FPS);
        List<String> cmd = new ArrayList<>(List.of("-map", videoMap));
        if (audioMap != null) {
            cmd.addAll(List.of("-map", audioMap));
        }
        if (copy) {
            cmd.addAll(List.of("-c:v", "copy"));
        } else {
            int kbps = rung.videoKbps();
            cmd.addAll(List.of("-c:v", "libx264", "-b:v", kbps + "k", "-maxrate:v", (kbps * 6 / 5) + "k",
                    "-bufsize:v", kbps + "k", "-preset", config.preset(), "-tune", "zerolatency",
                    "-pix_fmt", "yuv420p",
                    // a keyframe at every segment boundary: segments start decodable and are cut exactly
                    "-g", Integer.toString(FPS * seg), "-keyint_min", Integer.toString(FPS * seg),
                    "-sc_threshold", "0", "-force_key_frames", "expr:gte(t,n_forced*" + seg + ")"));
        }
        if (audioMap != null) {
            cmd.addAll(List.of("-c:a", "aac", "-b:a", "96k", "-ac", "2", "-ar", "48000"));
        }
        cmd.addAll(List.of("-f", "mp4", "-movflags", "empty_moov+delay_moov+default_base_moof+frag_keyframe",
                "-frag_duration", Long.toString(fragMicros), "-flush_packets", "1", file.toString()));
        return cmd;
    }

    /** The arguments ffmpeg applies to output {@code i} (from after the previous output's file to its own file). */
    static List<String> outputArgs(List<String> cmd, List<String> outputs, int i) {
        int end = cmd.lastIndexOf(outputs.get(i));
        int start = i == 0 ? cmd.indexOf("-map") : cmd.lastIndexOf(outputs.get(i - 1)) + 1;
        return cmd.subList(start, end);
    }
}
