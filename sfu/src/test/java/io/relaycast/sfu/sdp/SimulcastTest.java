package io.relaycast.sfu.sdp;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import java.util.List;
import org.testng.annotations.Test;

public class SimulcastTest {

    @Test
    public void readsChromeSendList() throws SdpException {
        Simulcast simulcast = Simulcast.parse("send q;h;f");
        assertEquals(simulcast.send().size(), 3);
        assertEquals(simulcast.send().get(1), List.of(new Simulcast.Stream("h", false)));
        assertTrue(simulcast.recv().isEmpty());
        assertEquals(simulcast.toAttributeValue(), "send q;h;f");
    }

    @Test
    public void readsAlternativesPausedStreamsAndBothDirections() throws SdpException {
        // RFC 8853 section 5.1 example shape.
        Simulcast simulcast = Simulcast.parse("recv 1,~4;2;3 send 5");
        assertEquals(simulcast.recv().get(0), List.of(new Simulcast.Stream("1", false), new Simulcast.Stream("4", true)));
        assertEquals(simulcast.send(), List.of(List.of(new Simulcast.Stream("5", false))));
        assertEquals(simulcast.toAttributeValue(), "send 5 recv 1,~4;2;3");
    }

    @Test
    public void refusesBrokenLists() {
        for (String bad : new String[] {"send", "send q;;f", "send q h", "sideways q", "send q send h", "send q;h!"}) {
            SdpException e = expectThrows(SdpException.class, () -> Simulcast.parse(bad));
            assertEquals(e.code(), "SDP_MALFORMED", bad);
            assertTrue(e.getMessage().contains("a=simulcast:"), e.getMessage());
        }
    }

    @Test
    public void ridLinesAreReadWithRestrictions() throws SdpException {
        Rid rid = Rid.parse("h send pt=96,97;max-width=640");
        assertEquals(rid.id(), "h");
        assertEquals(rid.direction(), Rid.Direction.SEND);
        assertEquals(rid.direction().reverse(), Rid.Direction.RECV);
        assertEquals(rid.restrictions(), "pt=96,97;max-width=640");
        assertEquals(rid.toAttributeValue(), "h send pt=96,97;max-width=640");
        assertEquals(expectThrows(SdpException.class, () -> Rid.parse("h sideways")).code(), "SDP_MALFORMED");
        assertEquals(expectThrows(SdpException.class, () -> Rid.parse("h.1 send")).code(), "SDP_MALFORMED");
    }
}
