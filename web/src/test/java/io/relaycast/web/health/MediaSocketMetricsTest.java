package io.relaycast.web.health;

import io.relaycast.sfu.api.MediaSocketStats;
import io.relaycast.web.TestServer;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** The real SFU's media port in {@code /metrics}: its kernel drop counter and granted receive buffer. */
public class MediaSocketMetricsTest {
    private TestServer server;

    @BeforeClass
    public void start() {
        server = TestServer.start();
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    public void theMediaPortsKernelCountersAreScraped() {
        MediaSocketStats stats = server.server.media().socketStats();
        assertTrue(stats.receiveBufferBytes() > 0 && stats.kernelDrops() >= 0, String.valueOf(stats));
        assertEquals(stats.requestedReceiveBufferBytes(), 4 * 1024 * 1024, "the shipped default");
        String body = server.api.get("/metrics", null).body();
        assertEquals(value(body, "relaycast_media_udp_receive_buffer_bytes"), (double) stats.receiveBufferBytes(),
                body);
        double drops = value(body, "relaycast_media_udp_kernel_drops_total");
        assertTrue(drops >= 0 && drops <= server.server.media().socketStats().kernelDrops(), "drops " + drops);
    }

    private static double value(String scrape, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? (\\S+)$").matcher(scrape);
        assertTrue(m.find(), name + " is not in /metrics");
        return Double.parseDouble(m.group(1));
    }
}
