package io.relaycast.web.pages;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import io.relaycast.web.config.RelaycastConfig;
import org.testng.annotations.Test;

import java.util.List;
import java.util.Map;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;

/** {@code relaycast.embed.frame-ancestors}: the shipped default, origins, and nothing that could break the header. */
public class EmbedConfigTest {
    private static EmbedConfig parse(String hocon) {
        return EmbedConfig.from(ConfigFactory.parseString(hocon));
    }

    @Test
    public void anySiteByDefaultAndOriginListsWhenTheOperatorNarrowsIt() {
        assertEquals(RelaycastConfig.load(Map.of()).embed().frameAncestors(), List.of("*"));
        EmbedConfig c = parse("frame-ancestors = [\"https://shop.example.com\", \"https://*.example.org:8443\", \"'self'\"]");
        assertEquals(c.directive(), "https://shop.example.com https://*.example.org:8443 'self'");
    }

    @Test
    public void sourcesThatCouldInjectIntoTheHeaderAreRefusedAtStartUp() {
        for (String bad : List.of("[]", "[\"https://a.example; script-src *\"]", "[\"shop.example.com\"]",
                "[\"https://a.example/path\"]", "[\"'unsafe-inline'\"]", "[\"https://a.example https://b.example\"]")) {
            assertThrows(ConfigException.class, () -> parse("frame-ancestors = " + bad));
        }
    }
}
