package io.relaycast.sfu.relay;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.testng.annotations.Test;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertThrows;
import static org.testng.Assert.assertTrue;

/** {@code relaycast.cluster.relay} as shipped in config/relaycast.conf, and the socket buffers it asks for. */
public class RelayConfigTest {

    private static Config shipped(String overrides) {
        Path conf = Path.of("..", "config", "relaycast.conf");
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.parseFile(conf.toFile()))
                .resolve().getConfig("relaycast.cluster.relay");
    }

    @Test
    public void theShippedDefaultsParse() {
        RelayConfig c = RelayConfig.from(shipped(""));
        assertEquals(c.socketBuffer(), RelayConfig.DEFAULT_SOCKET_BUFFER);
        assertEquals(c.socketBuffer(), 4 * 1024 * 1024);
        assertEquals(RelayConfig.from(shipped("relaycast.cluster.relay.socket-buffer = 0")).socketBuffer(), 0);
        assertThrows(ConfigException.BadValue.class,
                () -> RelayConfig.from(shipped("relaycast.cluster.relay.socket-buffer = 1KiB")));
    }

    /**
     * The kernel's default UDP buffer (net.core.rmem_default, about 208 KiB) is what relay sockets had: an edge's
     * relay thread starved for a moment overran it. What is asked for is granted up to net.core.rmem_max.
     */
    @Test
    public void relaySocketsGetTheBufferAskedFor() throws Exception {
        RelayConfig c = RelayConfig.from(shipped("relaycast.cluster.relay.socket-buffer = 1MiB"));
        long rmemMax = Long.parseLong(Files.readString(Path.of("/proc/sys/net/core/rmem_max")).trim());
        long rmemDefault = Long.parseLong(Files.readString(Path.of("/proc/sys/net/core/rmem_default")).trim());
        try (DatagramChannel ch = DatagramChannel.open()) {
            c.applyBuffers(ch);
            ch.bind(new InetSocketAddress("127.0.0.1", 0));
            int granted = ch.getOption(StandardSocketOptions.SO_RCVBUF);
            // Linux reports twice what it accounts for (socket(7)), capped at twice rmem_max
            assertTrue(granted >= Math.min(1024 * 1024, rmemMax), "SO_RCVBUF " + granted + " (rmem_max " + rmemMax + ")");
            if (rmemMax > rmemDefault) {
                assertTrue(granted > rmemDefault * 2 || granted >= 2 * 1024 * 1024,
                        "more than the kernel default: " + granted);
            }
        }
    }
}
