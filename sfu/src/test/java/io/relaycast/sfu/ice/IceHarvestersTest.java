package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.ice.IceTestSupport.RecordingListener;
import io.relaycast.sfu.sdp.IceCandidate;
import org.testng.annotations.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static io.relaycast.sfu.ice.IceTestSupport.CONFIG;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

public class IceHarvestersTest {

    @Test
    public void bindsOneEphemeralPortOnEveryAddress() throws Exception {
        InetAddress one = InetAddress.getByName("127.0.0.1");
        InetAddress two = InetAddress.getByName("127.0.0.2"); // all of 127/8 is loopback on Linux
        try (IceHarvesters h = new IceHarvesters(new MediaConfig(0, ""), CONFIG.withBindAddresses(List.of(one, two)));
             IceSessions sessions = new IceSessions(h)) {
            assertTrue(h.port() > 0);
            assertEquals(h.boundAddresses(),
                    List.of(new InetSocketAddress(one, h.port()), new InetSocketAddress(two, h.port())));
            IceSession s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
            List<String> lines = s.localCandidates();
            assertEquals(lines.size(), 2, lines.toString());
            for (String line : lines) {
                IceCandidate c = IceCandidate.parseLine(line);
                assertNotNull(c, line);
                assertEquals(c.port(), h.port());
                assertEquals(c.type(), "host");
            }
            assertEquals(IceCandidate.parseLine(lines.get(0)).address().startsWith("127.0.0."), true);
        }
    }

    @Test
    public void advertisesThePublicIpAsServerReflexive() throws Exception {
        try (IceHarvesters h = new IceHarvesters(new MediaConfig(0, "203.0.113.7"), CONFIG);
             IceSessions sessions = new IceSessions(h)) {
            IceSession s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
            List<String> lines = s.localCandidates();
            assertEquals(lines.size(), 2, lines.toString());
            IceCandidate host = IceCandidate.parseLine(lines.get(0));
            IceCandidate mapped = IceCandidate.parseLine(lines.get(1));
            assertEquals(host.type(), "host");
            assertEquals(host.address(), "127.0.0.1");
            // RFC 8445 §5.1.1.2: a server-reflexive candidate carries its base as raddr/rport, and the NAT keeps
            // the port
            assertEquals(mapped.type(), "srflx");
            assertEquals(mapped.address(), "203.0.113.7");
            assertEquals(mapped.port(), h.port());
            assertEquals(mapped.relatedAddress(), "127.0.0.1");
            assertEquals(mapped.relatedPort(), h.port());
            assertTrue(mapped.priority() < host.priority(), "host first (RFC 8445 §5.1.2.2 type preferences)");
        }
    }

    @Test
    public void mapsNoAddressOfTheOtherFamily() throws Exception {
        try (IceHarvesters h = new IceHarvesters(new MediaConfig(0, "2001:db8::7"), CONFIG);
             IceSessions sessions = new IceSessions(h)) {
            IceSession s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
            assertEquals(s.localCandidates().size(), 1, s.localCandidates().toString());
        }
    }

    @Test
    public void refusesAPortSomeoneElseHolds() throws Exception {
        try (IceHarvesters first = IceTestSupport.loopbackHarvesters()) {
            // ice4j alone would bind it too (SO_REUSEADDR) and split the traffic with the first server
            IOException e = expectThrows(IOException.class,
                    () -> new IceHarvesters(new MediaConfig(first.port(), ""), CONFIG));
            assertTrue(e.getMessage().contains(String.valueOf(first.port())), e.getMessage());
        }
    }

    @Test
    public void bindsTheConfiguredPort() throws Exception {
        int free;
        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(0, IceTestSupport.LOOPBACK)) {
            free = probe.getLocalPort();
        }
        try (IceHarvesters h = new IceHarvesters(new MediaConfig(free, ""), CONFIG)) {
            assertEquals(h.port(), free);
            assertEquals(h.boundAddresses(), List.of(new InetSocketAddress(IceTestSupport.LOOPBACK, free)));
        }
    }
}
