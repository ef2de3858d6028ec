package io.relaycast.hls;

import org.testng.annotations.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

/** The ladder's ffmpeg arguments: which rungs are remuxed, which encoded, and the fMP4 fragment settings. */
public class LadderCommandTest {
    private static final HlsConfig CONFIG = new HlsConfig(true, "ffmpeg", "ffprobe", Path.of("/tmp"), HlsConfig.LADDER,
            1, 6, "ultrafast", 256, Duration.ofSeconds(30), Duration.ofMillis(334), Duration.ofSeconds(3), true);
    private static final List<Path> FIFOS = List.of(Path.of("/x/r0/media.fifo"), Path.of("/x/r1/media.fifo"),
            Path.of("/x/r2/media.fifo"));

    private static List<String> out(List<String> cmd, int i) {
        return LadderCommand.outputArgs(cmd, FIFOS.stream().map(Path::toString).toList(), i);
    }

    @Test
    public void anH264SourceHasItsTopRungRemuxedAndTheRestEncoded() {
        List<HlsConfig.Rendition> ladder = CONFIG.ladderFor(360);
        List<String> cmd = LadderCommand.build(CONFIG, ladder, new boolean[] {true, false, false}, null,
                Path.of("/x/tap.sdp"), true, FIFOS);
        assertEquals(out(cmd, 0), List.of("-map", "0:v", "-map", "0:a", "-c:v", "copy", "-c:a", "aac", "-b:a", "96k",
                "-ac", "2", "-ar", "48000", "-f", "mp4", "-movflags", "empty_moov+delay_moov+default_base_moof+frag_keyframe",
                "-frag_duration", "300667", "-flush_packets", "1"));
        assertTrue(out(cmd, 1).contains("libx264") && out(cmd, 1).contains("[v1]"));
        assertTrue(out(cmd, 2).contains("libx264") && out(cmd, 2).contains("[v2]"));
        String graph = cmd.get(cmd.indexOf("-filter_complex") + 1);
        assertEquals(graph, "[0:v:0]fps=30,split=2[s1][s2];[s1]scale=-2:240[v1];[s2]scale=-2:144[v2]");
    }

    @Test
    public void aSimulcastLadderIsTheLayersRemuxedWithNothingDecoded() {
        SimulcastLadder s = SimulcastLadder.of(List.of(180, 360, 720)); // layers lowest first
        assertEquals(s.renditions().stream().map(HlsConfig.Rendition::height).toList(), List.of(720, 360, 180));
        assertEquals(List.of(s.videoMaps()), List.of("0:v:2", "0:v:1", "0:v:0"));
        List<String> cmd = LadderCommand.build(CONFIG, s.renditions(), new boolean[] {true, true, true}, s.videoMaps(),
                Path.of("/x/tap.sdp"), true, FIFOS);
        assertFalse(cmd.contains("-filter_complex"));
        assertFalse(cmd.contains("libx264"));
        for (int i = 0; i < 3; i++) {
            assertEquals(out(cmd, i).subList(0, 6), List.of("-map", s.videoMaps()[i], "-map", "0:a", "-c:v", "copy"));
        }
        assertEquals(SimulcastLadder.of(List.of(360, 360)).renditions().size(), 1, "one rendition per distinct height");
    }
}
