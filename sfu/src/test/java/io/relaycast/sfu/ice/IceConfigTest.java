package io.relaycast.sfu.ice;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import org.testng.annotations.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

public class IceConfigTest {

    @Test
    public void defaultsFollowRfc7675() {
        IceConfig d = IceConfig.defaults();
        assertEquals(d.consentCheckInterval(), Duration.ofSeconds(5));
        assertEquals(d.consentTimeout(), Duration.ofSeconds(30));
        assertEquals(d.connectTimeout(), Duration.ofSeconds(30));
        assertEquals(d.maxRemoteCandidates(), 32);
        assertTrue(d.bindAddresses().isEmpty());
        assertEquals(IceConfig.from(ConfigFactory.parseString("udp-port = 10000")), d);
    }

    @Test
    public void readsTheIceBlock() throws Exception {
        IceConfig c = IceConfig.from(ConfigFactory.parseString("""
                udp-port = 10000
                ice {
                  bind-addresses = ["127.0.0.1", "::1"]
                  consent-check-interval = 1 s
                  consent-timeout = 10 s
                  connect-timeout = 20 s
                  max-remote-candidates = 8
                }
                """));
        assertEquals(c.bindAddresses(), List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")));
        assertEquals(c.consentCheckInterval(), Duration.ofSeconds(1));
        assertEquals(c.consentTimeout(), Duration.ofSeconds(10));
        assertEquals(c.connectTimeout(), Duration.ofSeconds(20));
        assertEquals(c.maxRemoteCandidates(), 8);
    }

    @Test(expectedExceptions = ConfigException.BadValue.class, expectedExceptionsMessageRegExp = ".*bind-addresses.*")
    public void refusesAHostNameAsBindAddress() {
        IceConfig.from(ConfigFactory.parseString("ice.bind-addresses = [\"media.example.com\"]"));
    }

    @Test(expectedExceptions = ConfigException.BadValue.class, expectedExceptionsMessageRegExp = ".*2.4x.*")
    public void refusesAConsentTimeoutThatOneLostCheckWouldTrip() {
        IceConfig.from(ConfigFactory.parseString("ice { consent-check-interval = 5 s, consent-timeout = 10 s }"));
    }

    @Test(expectedExceptions = IllegalArgumentException.class)
    public void refusesAZeroCandidateLimit() {
        new IceConfig(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(30), 0);
    }

    @Test(expectedExceptions = IllegalArgumentException.class)
    public void refusesAZeroConnectTimeout() {
        new IceConfig(List.of(), Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO, 32);
    }

    @Test
    public void readsAndValidatesTheIceTcpPort() {
        assertEquals(IceConfig.defaults().tcpPort(), 0, "off by default");
        assertEquals(IceConfig.from(ConfigFactory.parseString("ice { tcp-port = 10000 }")).tcpPort(), 10000);
        for (String bad : List.of("-1", "65536")) {
            try {
                IceConfig.from(ConfigFactory.parseString("ice { tcp-port = " + bad + " }"));
                org.testng.Assert.fail("accepted " + bad);
            } catch (ConfigException.BadValue expected) {
                assertTrue(expected.getMessage().contains("tcp-port"), expected.getMessage());
            }
        }
    }
}
