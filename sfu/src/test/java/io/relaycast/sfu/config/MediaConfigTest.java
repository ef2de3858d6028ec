package io.relaycast.sfu.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.HashMap;
import java.util.Map;
import org.testng.annotations.Test;

public class MediaConfigTest {

    private static Config media(Map<String, Object> extra) {
        Map<String, Object> m = new HashMap<>(Map.of("udp-port", 10000, "public-ip", ""));
        m.putAll(extra);
        return ConfigFactory.parseMap(m);
    }

    @Test
    public void readsPublisherBitratesWithSiPrefixes() {
        MediaConfig c = MediaConfig.from(media(Map.of("publisher-start-bitrate", "1.2M",
                "publisher-max-bitrate", "3000k")));
        assertEquals(c.publisherStartKbps(), 1200);
        assertEquals(c.publisherMaxKbps(), 3000);
        MediaConfig off = MediaConfig.from(media(Map.of("publisher-start-bitrate", "0", "publisher-max-bitrate", "0")));
        assertEquals(off.publisherStartKbps(), 0, "0: the browser's own start");
        MediaConfig defaults = MediaConfig.from(media(Map.of()));
        assertEquals(defaults.publisherStartKbps(), MediaConfig.DEFAULT_PUBLISHER_START_KBPS);
        assertEquals(defaults.publisherMaxKbps(), MediaConfig.DEFAULT_PUBLISHER_MAX_KBPS);
    }

    @Test
    public void refusesNonsenseNamingTheKey() {
        ConfigException e = expectThrows(Map.of("publisher-max-bitrate", "fast"));
        assertTrue(e.getMessage().contains("publisher-max-bitrate"), e.getMessage());
        e = expectThrows(Map.of("publisher-start-bitrate", "50k"));
        assertTrue(e.getMessage().contains("publisher-start-bitrate"), e.getMessage());
        e = expectThrows(Map.of("publisher-start-bitrate", "3M", "publisher-max-bitrate", "2M"));
        assertTrue(e.getMessage().contains("must not exceed"), e.getMessage());
    }

    private static ConfigException expectThrows(Map<String, Object> extra) {
        return org.testng.Assert.expectThrows(ConfigException.class, () -> MediaConfig.from(media(extra)));
    }
}
