package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.testng.annotations.Test;

public class ByeTest {

    private final Bye bye = new Bye();

    @Test
    public void readsSsrcAndReason() {
        byte[] packet = hex(RtcpTestBytes.BYE_WITH_REASON);
        assertTrue(bye.reset(packet, 0, packet.length));
        assertEquals(bye.ssrcCount(), 1);
        assertEquals(bye.ssrc(0), 0x1234L);
        assertEquals(bye.reasonLength(), 8);
        assertEquals(new String(packet, bye.reasonOffset(), bye.reasonLength(), StandardCharsets.US_ASCII),
                "goodbye!");
    }

    @Test
    public void writesTheSameBytesItReads() {
        byte[] reason = "goodbye!".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[32];
        Arrays.fill(out, (byte) 0x33);
        int length = Bye.write(out, 0, new long[] {0x1234}, 1, reason, 0, reason.length);
        assertEquals(Arrays.copyOf(out, length), hex(RtcpTestBytes.BYE_WITH_REASON));
    }

    @Test
    public void roundTripsSeveralSourcesWithoutReason() {
        long[] ssrcs = {1, 0xFFFF_FFFFL, 42};
        byte[] out = new byte[16];
        assertEquals(Bye.write(out, 0, ssrcs, 3, null, 0, 0), 16);
        assertTrue(bye.reset(out, 0, out.length));
        assertEquals(bye.ssrcCount(), 3);
        assertEquals(bye.ssrc(1), 0xFFFF_FFFFL);
        assertEquals(bye.ssrc(2), 42L);
        assertEquals(bye.reasonOffset(), -1);
    }

    @Test
    public void rejectsMalformedByes() {
        byte[] countPastEnd = hex("82CB0001" + "00000001");
        assertFalse(bye.reset(countPastEnd, 0, countPastEnd.length));
        byte[] reasonPastEnd = hex("81CB0002" + "00000001" + "09414243");
        assertFalse(bye.reset(reasonPastEnd, 0, reasonPastEnd.length));
        byte[] packet = hex(RtcpTestBytes.BYE_WITH_REASON);
        assertFalse(bye.reset(packet, 0, packet.length - 1));
    }

    @Test
    public void writerRefusesBadArguments() {
        assertEquals(Bye.write(new byte[100], 0, new long[1], 1, new byte[256], 0, 256), -1);
        assertEquals(Bye.write(new byte[100], 0, new long[32], 32, null, 0, 0), -1);
        assertEquals(Bye.write(new byte[7], 0, new long[1], 1, null, 0, 0), -1);
        assertEquals(Bye.write(new byte[100], 0, new long[1], 2, null, 0, 0), -1);
        assertEquals(Bye.write(new byte[100], 0, new long[1], 1, new byte[2], 1, 2), -1);
    }
}
