package io.relaycast.sfu.sdp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.List;
import java.util.Optional;
import org.testng.annotations.DataProvider;
import org.testng.annotations.Test;

public class IceCandidateTest {

    @DataProvider
    public Object[][] realCandidates() {
        return new Object[][] {
                // Chrome host, with its usual extensions
                {"842163049 1 udp 2122260223 192.168.1.37 54400 typ host generation 0 network-id 1 network-cost 10"},
                // Chrome mDNS-obfuscated host
                {"1560499547 1 udp 2113937151 2cf0b2c0-0842-4fe3-aaa0-4556a2dfbadc.local 33192 typ host generation 0"
                        + " network-cost 999"},
                // Chrome ICE-TCP active (RFC 6544), port 9 because active candidates do not listen
                {"195632406 1 tcp 1518280447 192.168.92.78 9 typ host tcptype active generation 0 network-id 1"},
                // server reflexive with related address (RFC 8839 section 5.1)
                {"3522357606 1 udp 1686055167 2001:db8::5:72ac 64439 typ srflx raddr 2001:db8::154 rport 64439"
                        + " generation 0 network-id 2 network-cost 10"},
                // Firefox: upper-case transport, tiny foundation
                {"0 1 UDP 2122252543 192.168.1.3 59464 typ host"},
                // relay on TCP passive
                {"4276087827 1 tcp 1518280448 198.51.100.20 3478 typ relay raddr 203.0.113.9 rport 51000 tcptype passive"},
        };
    }

    @Test(dataProvider = "realCandidates")
    public void formatsBackToTheSameText(String value) throws SdpException {
        IceCandidate candidate = IceCandidate.parseAttributeValue(value);
        assertEquals(candidate.toAttributeValue(), value);
        assertEquals(candidate.toCandidateString(), "candidate:" + value);
    }

    @Test
    public void readsEveryField() throws SdpException {
        IceCandidate c = IceCandidate.parse("a=candidate:3522357606 1 udp 1686055167 203.0.113.5 64439 typ srflx"
                + " raddr 192.168.1.2 rport 50000 generation 0 ufrag EsAw");
        assertEquals(c.foundation(), "3522357606");
        assertEquals(c.component(), 1);
        assertTrue(c.isUdp());
        assertFalse(c.isTcp());
        assertEquals(c.priority(), 1686055167L);
        assertEquals(c.address(), "203.0.113.5");
        assertEquals(c.port(), 64439);
        assertEquals(c.type(), "srflx");
        assertEquals(c.relatedAddress(), "192.168.1.2");
        assertEquals(c.relatedPort(), 50000);
        assertEquals(c.extensions(), List.of(new IceCandidate.Extension("generation", "0"),
                new IceCandidate.Extension("ufrag", "EsAw")));
        assertEquals(c.extension("ufrag"), Optional.of("EsAw"));
        assertEquals(c.tcpType(), Optional.empty());
    }

    @Test
    public void readsTcpType() throws SdpException {
        IceCandidate c = IceCandidate.parse("candidate:1 1 TCP 1518280447 192.0.2.1 9 typ host tcptype active");
        assertTrue(c.isTcp());
        assertEquals(c.tcpType(), Optional.of("active"));
    }

    @Test
    public void acceptsAllThreePrefixForms() throws SdpException {
        String bare = "1 1 udp 2130706431 203.0.113.50 10000 typ host";
        assertEquals(IceCandidate.parse(bare), IceCandidate.parse("candidate:" + bare));
        assertEquals(IceCandidate.parse(bare), IceCandidate.parse("a=candidate:" + bare + "\r\n"));
    }

    @Test
    public void buildsOurOwnCandidates() {
        IceCandidate host = IceCandidate.of("1", 1, "udp", 2130706431L, "203.0.113.50", 10000, "host");
        assertEquals(host.toCandidateString(), "candidate:1 1 udp 2130706431 203.0.113.50 10000 typ host");
        assertTrue(host.extensions().isEmpty());
        expectThrows(IllegalArgumentException.class,
                () -> IceCandidate.of("1", 1, "udp", 1L, "bad address", 10000, "host"));
    }

    @DataProvider
    public Object[][] brokenCandidates() {
        return new Object[][] {
                {"1 1 udp 2122260223 192.0.2.1 5000 host", "typ"},
                {"1 1 udp 2122260223 192.0.2.1 port typ host", "port"},
                {"1 1 udp 2122260223 192.0.2.1 70000 typ host", "port"},
                {"1 1 udp high 192.0.2.1 5000 typ host", "priority"},
                {"1 0 udp 2122260223 192.0.2.1 5000 typ host", "component"},
                {"1 1 udp 2122260223 192.0.2.1 5000 typ host generation", "extension"},
                {"1 1 udp 2122260223 192.0.2.1 5000 typ srflx raddr 10.0.0.1 rport x", "related port"},
                {"123456789012345678901234567890123 1 udp 1 192.0.2.1 5000 typ host", "foundation"},
                {"f*o 1 udp 1 192.0.2.1 5000 typ host", "foundation"},
                {"1 1 udp 2122260223", "typ"},
                {"", "typ"},
        };
    }

    @Test(dataProvider = "brokenCandidates")
    public void refusesBrokenCandidatesNamingTheField(String value, String field) {
        SdpException e = expectThrows(SdpException.class, () -> IceCandidate.parse("candidate:" + value));
        assertEquals(e.code(), "SDP_MALFORMED");
        assertTrue(e.getMessage().contains(field), e.getMessage());
        assertTrue(e.getMessage().contains("a=candidate:"), e.getMessage());
    }
}
