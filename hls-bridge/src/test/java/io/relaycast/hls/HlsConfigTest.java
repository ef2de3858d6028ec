package io.relaycast.hls;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.testng.annotations.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;

public class HlsConfigTest {
    private static HlsConfig config(Map<String, Object> overrides) {
        return HlsConfig.from(ConfigFactory.parseMap(overrides).withFallback(ConfigFactory.parseString("""
                enabled = true
                ffmpeg = ffmpeg
                ffprobe = ffprobe
                directory = hls
                renditions = ["1080p", "720p", "480p", "360p", "240p", "144p"]
                segment-seconds = 1
                playlist-segments = 6
                preset = ultrafast
                queue-packets = 256
                thumbnail-interval = 30s
                part-target = 334ms
                blocking-reload-timeout = 3s
                remux-simulcast = true
                """)), Path.of("/data"));
    }

    private static List<String> names(List<HlsConfig.Rendition> ladder) {
        return ladder.stream().map(HlsConfig.Rendition::name).toList();
    }

    @Test
    public void theLadderStopsAtTheSourceHeight() {
        HlsConfig c = config(Map.of());
        assertEquals(names(c.ladderFor(1080)), List.of("1080p", "720p", "480p", "360p", "240p", "144p"));
        assertEquals(names(c.ladderFor(360)), List.of("360p", "240p", "144p"));
        assertEquals(names(c.ladderFor(400)), List.of("360p", "240p", "144p"), "no upscaling to 480p");
        assertEquals(names(c.ladderFor(100)), List.of("144p"), "a tiny source still gets the lowest rendition");
        assertEquals(c.directory(), Path.of("/data/hls"));
    }

    @Test
    public void theConfiguredListIsSortedAndChecked() {
        HlsConfig c = config(Map.of("renditions", List.of("240p", "720p")));
        assertEquals(names(c.ladderFor(2160)), List.of("720p", "240p"));
        assertEquals(names(c.ladderFor(480)), List.of("240p"));
        assertThrows(ConfigException.class, () -> config(Map.of("renditions", List.of("4k"))));
        assertThrows(ConfigException.class, () -> config(Map.of("renditions", List.of())));
        assertThrows(ConfigException.class, () -> config(Map.of("segment-seconds", 4)));
        assertThrows("over half a segment", ConfigException.class, () -> config(Map.of("part-target", "600ms")));
        assertThrows(ConfigException.class, () -> config(Map.of("blocking-reload-timeout", "100ms")));
        assertEquals(config(Map.of()).partTarget().toMillis(), 334);
    }
}
