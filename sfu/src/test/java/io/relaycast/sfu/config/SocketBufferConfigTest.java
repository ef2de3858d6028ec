package io.relaycast.sfu.config;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.util.Map;
import org.testng.annotations.Test;

public class SocketBufferConfigTest {

    @Test
    public void readsSizesWithUnitsAndDefaultsWhenAbsent() {
        SocketBufferConfig c = SocketBufferConfig.from(ConfigFactory.parseMap(Map.of(
                "socket-receive-buffer", "8MiB", "socket-send-buffer", "512KiB")));
        assertEquals(c.receiveBytes(), 8 * 1024 * 1024);
        assertEquals(c.sendBytes(), 512 * 1024);
        SocketBufferConfig defaults = SocketBufferConfig.from(ConfigFactory.empty());
        assertEquals(defaults, SocketBufferConfig.DEFAULTS);
        assertEquals(defaults.receiveBytes(), 4 * 1024 * 1024, "4 MiB receive by default");
        SocketBufferConfig kernel = SocketBufferConfig.from(ConfigFactory.parseMap(Map.of(
                "socket-receive-buffer", 0, "socket-send-buffer", 0)));
        assertEquals(kernel, SocketBufferConfig.KERNEL_DEFAULTS, "0: the kernel's default");
        MediaConfig media = MediaConfig.from(ConfigFactory.parseMap(Map.of("udp-port", 0, "public-ip", "",
                "socket-receive-buffer", "16MiB")));
        assertEquals(media.socketBuffers().receiveBytes(), 16 * 1024 * 1024, "read by MediaConfig");
    }

    @Test
    public void refusesSizesOutOfRangeNamingTheKey() {
        ConfigException e = expectThrows(ConfigException.class, () -> SocketBufferConfig.from(
                ConfigFactory.parseMap(Map.of("socket-receive-buffer", "1KiB"))));
        assertTrue(e.getMessage().contains("socket-receive-buffer"), e.getMessage());
        e = expectThrows(ConfigException.class, () -> SocketBufferConfig.from(
                ConfigFactory.parseMap(Map.of("socket-send-buffer", "4GiB"))));
        assertTrue(e.getMessage().contains("socket-send-buffer"), e.getMessage());
        expectThrows(ConfigException.class, () -> SocketBufferConfig.from(
                ConfigFactory.parseMap(Map.of("socket-send-buffer", "lots"))));
    }
}
