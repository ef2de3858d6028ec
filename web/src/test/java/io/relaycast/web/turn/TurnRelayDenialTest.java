package io.relaycast.web.turn;

import io.relaycast.web.turn.TurnTests.Credential;
import org.testng.SkipException;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.relaycast.web.turn.TurnTests.ip;
import static io.relaycast.web.turn.TurnTests.now;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.fail;

/**
 * Relays into the TURN server's own networks are refused with the shipped config: loopback, private ranges,
 * link-local (with the cloud metadata address) and their IPv6 forms get 403 Forbidden IP, while public peers
 * are permitted. CreatePermission and ChannelBind only name a peer: no packet goes to it, so nothing here sends
 * traffic anywhere but to 127.0.0.1.
 */
public class TurnRelayDenialTest {
    private Coturn coturn;
    private String secret;
    private boolean ipv6;
    private TurnClient v4;
    private TurnClient v6;

    @BeforeClass
    public void start() throws IOException {
        secret = TurnTests.randomSecret();
        ipv6 = TurnTests.hasIpv6Loopback();
        Coturn.Builder b = Coturn.builder().secret(secret);
        if (ipv6) {
            b.arg("--relay-ip=::1"); // IPv6 relayed addresses too (RFC 6156), still only on loopback
        }
        coturn = b.start();
        v4 = allocated(coturn, false);
        if (ipv6) {
            v6 = allocated(coturn, true);
        }
    }

    private TurnClient allocated(Coturn c, boolean family6) throws IOException {
        TurnClient client = TurnClient.udp(c.udpAddress());
        Credential cred = Credential.of(secret, now() + 600, "denial-" + (family6 ? "v6" : "v4"));
        TurnClient.Answer a = client.allocate(cred.username(), cred.password(), family6);
        assertTrue(a.ok(), a + "\n" + c.log());
        assertEquals(a.relayed().getAddress().getAddress().length, family6 ? 16 : 4, a.toString());
        return client;
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        for (AutoCloseable c : new AutoCloseable[]{v4, v6, coturn}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // closing
            }
        }
    }

    @Test
    public void relayingTo127001IsDenied() throws IOException {
        try (DatagramSocket target = new DatagramSocket(new InetSocketAddress(ip("127.0.0.1"), 0))) {
            InetSocketAddress peer = new InetSocketAddress(ip("127.0.0.1"), target.getLocalPort());
            TurnClient.Answer permission = v4.createPermission(peer.getAddress());
            assertEquals(permission.code(), 403, "CreatePermission 127.0.0.1: " + permission);
            assertTrue(permission.integrityVerified(), "a signed 403 from coturn, not a forged one");
            TurnClient.Answer bind = v4.channelBind(peer, 0x4000);
            assertEquals(bind.code(), 403, "ChannelBind 127.0.0.1: " + bind);
            // and data sent anyway never arrives
            v4.send(peer, "should not arrive".getBytes(StandardCharsets.UTF_8));
            target.setSoTimeout(300);
            try {
                target.receive(new DatagramPacket(new byte[1500], 1500));
                fail("coturn relayed a Send indication to 127.0.0.1");
            } catch (SocketTimeoutException expected) {
                // nothing relayed
            }
        }
    }

    @DataProvider
    public Object[][] deniedIpv4Peers() {
        return new Object[][]{
                {"127.0.0.1"}, {"127.1.2.3"}, {"0.0.0.0"}, {"0.1.2.3"},
                {"10.0.0.1"}, {"10.255.255.254"}, {"172.16.0.1"}, {"172.31.255.254"}, {"192.168.1.1"},
                {"100.64.0.1"}, {"100.100.100.200"},
                {"169.254.169.254"}, {"169.254.0.1"}, {"192.0.0.170"}, {"198.18.0.1"}, {"240.0.0.1"},
                {"224.0.0.251"}, {"255.255.255.255"},
        };
    }

    @Test(dataProvider = "deniedIpv4Peers")
    public void specialIpv4PeersAreDenied(String peer) throws IOException {
        TurnClient.Answer a = v4.createPermission(ip(peer));
        assertEquals(a.code(), 403, peer + ": " + a);
    }

    @DataProvider
    public Object[][] deniedIpv6Peers() {
        return new Object[][]{
                {"::1"}, {"::"},
                {"::ffff:127.0.0.1"}, {"::ffff:10.0.0.1"}, {"::ffff:192.168.1.1"}, {"::ffff:169.254.169.254"},
                {"64:ff9b::a9fe:a9fe"}, {"64:ff9b::a00:1"}, {"64:ff9b:1::a00:1"}, {"2002:a9fe:a9fe::1"},
                {"fd00:ec2::254"}, {"fc00::1"}, {"fdff:ffff::1"}, {"fe80::1"}, {"febf::1"}, {"fec0::1"}, {"ff02::1"},
        };
    }

    @Test(dataProvider = "deniedIpv6Peers")
    public void specialIpv6PeersAreDenied(String peer) throws IOException {
        if (!ipv6) {
            throw new SkipException("this machine has no IPv6 loopback (::1) for an IPv6 relay");
        }
        TurnClient.Answer a = v6.createPermission(ip(peer));
        assertEquals(a.code(), 403, peer + ": " + a);
    }

    /** The other side: none of the ranges swallows public addresses (a range from "::" would deny all IPv4). */
    @DataProvider
    public Object[][] publicPeers() {
        return new Object[][]{
                {"198.51.100.7", false}, {"203.0.113.9", false}, {"8.8.8.8", false}, {"32.2.0.1", false},
                {"100.128.0.1", false}, {"172.32.0.1", false}, {"169.255.0.1", false}, {"11.0.0.1", false},
                {"2001:db8::1", true}, {"2a00:1450::1", true}, {"fe00::1", true}, {"64:ff9b:2::1", true},
        };
    }

    @Test(dataProvider = "publicPeers")
    public void publicPeersArePermitted(String peer, boolean family6) throws IOException {
        if (family6 && !ipv6) {
            throw new SkipException("this machine has no IPv6 loopback (::1) for an IPv6 relay");
        }
        TurnClient.Answer a = (family6 ? v6 : v4).createPermission(ip(peer));
        assertTrue(a.ok(), peer + ": " + a);
    }

    /** Without the shipped ranges coturn would relay to private and metadata addresses: the file is what stops it. */
    @Test
    public void theDenialComesFromTheShippedRanges() throws IOException {
        Path bare = Files.createTempFile("relaycast-bare-turnserver", ".conf");
        Files.writeString(bare, "use-auth-secret\nrealm=relaycast\nfingerprint\nno-cli\nlog-file=stdout\n");
        Coturn.Builder b = Coturn.builder().config(bare).secret(secret);
        if (ipv6) {
            b.arg("--relay-ip=::1");
        }
        try (Coturn plain = b.start(); TurnClient c = allocated(plain, false)) {
            assertTrue(c.createPermission(ip("10.0.0.1")).ok(), "coturn alone allows 10.0.0.1");
            assertTrue(c.createPermission(ip("169.254.169.254")).ok(), "coturn alone allows the metadata address");
            assertEquals(c.createPermission(ip("127.0.0.1")).code(), 403, "coturn alone refuses loopback");
            if (ipv6) {
                try (TurnClient c6 = allocated(plain, true)) {
                    // including the IPv4-mapped forms, which an IPv6 relay socket would carry to the IPv4 address
                    for (String peer : new String[]{"fd00:ec2::254", "fe80::1", "::ffff:10.0.0.1", "::ffff:169.254.169.254"}) {
                        assertTrue(c6.createPermission(ip(peer)).ok(), "coturn alone allows " + peer);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(bare);
        }
    }
}
