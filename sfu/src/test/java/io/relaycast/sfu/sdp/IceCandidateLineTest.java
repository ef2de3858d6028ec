package io.relaycast.sfu.sdp;

import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

import java.util.List;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

/**
 * {@link IceCandidate#parseLine}: the lenient entry the ICE layer uses for signalled and trickled lines (null, not an
 * exception, for what is not a candidate), on the same grammar as SDP.
 */
public class IceCandidateLineTest {

    @DataProvider
    public Object[][] browserCandidates() {
        return new Object[][] {
                // Chrome, server-reflexive, with its extensions
                {"candidate:842163049 1 udp 1677729535 192.0.2.10 61665 typ srflx raddr 10.0.0.5 rport 61665 "
                        + "generation 0 ufrag EsAw network-id 1 network-cost 10"},
                // Firefox: upper-case transport, no extensions
                {"candidate:0 1 UDP 2122252543 192.168.1.2 57563 typ host"},
                // an mDNS-obfuscated host candidate is syntactically fine
                {"candidate:1 1 udp 2113937151 3f1c7a52-1b2e-4f9e-9a51-3d1c2b7e8f90.local 54400 typ host generation 0"},
                {"candidate:2 1 udp 2122262783 2001:db8::1 49203 typ host generation 0"},
                {"candidate:3 1 tcp 1518283007 192.0.2.10 9 typ host tcptype active generation 0"},
                {"candidate:4 1 udp 41885439 203.0.113.9 3478 typ relay raddr 192.0.2.10 rport 61665"},
                {"candidate:a+/Z 256 udp 0 192.0.2.1 65535 typ prflx"},
        };
    }

    @Test(dataProvider = "browserCandidates")
    public void roundTripsBrowserCandidates(String line) {
        IceCandidate c = IceCandidate.parseLine(line);
        assertNotNull(c, line);
        assertEquals(c.toCandidateString(), line);
        assertEquals(IceCandidate.parseLine(c.toCandidateString()), c);
        assertEquals(IceCandidate.parseLine("a=" + line + "\r\n"), c, "with the SDP prefix and line end");
    }

    @Test
    public void readsEveryField() {
        IceCandidate c = IceCandidate.parseLine("a=candidate:842163049 1 udp 1677729535 192.0.2.10 61665 typ srflx "
                + "raddr 10.0.0.5 rport 61666 generation 0 ufrag EsAw");
        assertNotNull(c);
        assertEquals(c.foundation(), "842163049");
        assertEquals(c.component(), 1);
        assertEquals(c.transport(), "udp");
        assertEquals(c.priority(), 1677729535L);
        assertEquals(c.address(), "192.0.2.10");
        assertEquals(c.port(), 61665);
        assertEquals(c.type(), "srflx");
        assertEquals(c.relatedAddress(), "10.0.0.5");
        assertEquals(c.relatedPort(), 61666);
        assertEquals(c.extensions(), List.of(new IceCandidate.Extension("generation", "0"),
                new IceCandidate.Extension("ufrag", "EsAw")));
        assertEquals(c.extension("ufrag").orElse(null), "EsAw");
        assertEquals(c.extension("generation").orElse(null), "0");
        assertTrue(c.extension("network-id").isEmpty());
        assertEquals(IceCandidate.parseLine("candidate:1 1 udp 4294967295 192.0.2.1 1 typ host").priority(), 4294967295L);
    }

    @Test
    public void formatsOurCandidates() {
        assertEquals(IceCandidate.of("1", 1, "udp", 2130706431L, "127.0.0.1", 10000, "host").toCandidateString(),
                "candidate:1 1 udp 2130706431 127.0.0.1 10000 typ host");
        assertEquals(IceCandidate.of("2", 1, "udp", 1694498815L, "203.0.113.7", 10000, "srflx", "10.0.0.2", 10000,
                        List.of()).toCandidateString(),
                "candidate:2 1 udp 1694498815 203.0.113.7 10000 typ srflx raddr 10.0.0.2 rport 10000");
    }

    @DataProvider
    public Object[][] malformed() {
        String ok = "candidate:1 1 udp 2122252543 192.0.2.1 5000 typ host";
        return new Object[][] {
                {null}, {""}, {"   "}, {"candidate:"}, {"candidate:1 1 udp 2122252543"}, {"a=candidat:1 1 udp 1 192.0.2.1 5000 typ host"},
                {"1 1 udp 2122252543 192.0.2.1 5000 typ host"},
                {"candidate:1 1 udp 2122252543 192.0.2.1 5000 type host"},
                {"candidate:1 1 udp 2122252543 192.0.2.1 5000 host"},
                {"candidate:" + "x".repeat(33) + " 1 udp 1 192.0.2.1 5000 typ host"},
                {"candidate:a-b 1 udp 1 192.0.2.1 5000 typ host"},
                {"candidate:1 0 udp 1 192.0.2.1 5000 typ host"},
                {"candidate:1 257 udp 1 192.0.2.1 5000 typ host"},
                {"candidate:1 x udp 1 192.0.2.1 5000 typ host"},
                {"candidate:1 1 udp -1 192.0.2.1 5000 typ host"},
                {"candidate:1 1 udp 4294967296 192.0.2.1 5000 typ host"},
                {"candidate:1 1 udp 12345678901 192.0.2.1 5000 typ host"},
                {"candidate:1 1 udp 1 192.0.2.1 65536 typ host"},
                {"candidate:1 1 udp 1 192.0.2.1 50x0 typ host"},
                {ok + " raddr"},
                {ok + " raddr 10.0.0.1 rport"},
                {ok + " raddr 10.0.0.1 rport 70000"},
                {ok + " rport x1"},
                {ok + " generation"},
                {ok + " ufrag \u00e9t\u00e9"},
        };
    }

    @Test(dataProvider = "malformed")
    public void refusesMalformedLines(String line) {
        assertNull(IceCandidate.parseLine(line), String.valueOf(line));
    }

    @Test
    public void toleratesRepeatedBlanksAsTheSdpGrammarDoes() {
        // one grammar for SDP and trickle (SdpSyntax.words): browsers write single spaces, more costs nothing
        IceCandidate c = IceCandidate.parseLine("candidate:1  1 udp 2122252543 192.0.2.1 5000 typ host\tgeneration 0");
        assertNotNull(c);
        assertEquals(c.toCandidateString(), "candidate:1 1 udp 2122252543 192.0.2.1 5000 typ host generation 0");
    }
}
