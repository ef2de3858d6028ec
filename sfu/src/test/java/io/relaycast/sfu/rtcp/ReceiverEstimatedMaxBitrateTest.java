package io.relaycast.sfu.rtcp;

import static io.relaycast.sfu.rtcp.RtcpTestBytes.hex;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;

import java.util.Arrays;
import org.testng.annotations.Test;

public class ReceiverEstimatedMaxBitrateTest {

    private final ReceiverEstimatedMaxBitrate remb = new ReceiverEstimatedMaxBitrate();

    @Test
    public void readsTheKnownPacket() {
        byte[] packet = hex(RtcpTestBytes.REMB);
        assertTrue(remb.reset(packet, 0, packet.length));
        assertEquals(remb.senderSsrc(), 1L);
        assertEquals(remb.mediaSsrc(), 0L);
        assertEquals(remb.exponent(), 2);
        assertEquals(remb.mantissa(), 0x23D09);
        assertEquals(remb.bitrate(), 0x23D09L << 2);
        assertEquals(remb.bitrate(), 586_788L);
        assertEquals(remb.ssrcCount(), 1);
        assertEquals(remb.ssrc(0), 0x22L);
    }

    @Test
    public void writesTheKnownPacket() {
        byte[] out = new byte[24];
        assertEquals(ReceiverEstimatedMaxBitrate.write(out, 0, 1, 586_788L, new long[] {0x22}, 1), 24);
        assertEquals(out, hex(RtcpTestBytes.REMB));
    }

    @Test
    public void representableBitratesRoundTripExactly() {
        long[] bitrates = {0, 1, 0x3FFFF, 0x40000, 1_000_000, 0x25L << 30, 0x3FFFFL << 40};
        byte[] out = new byte[64];
        for (long bitrate : bitrates) {
            int length = ReceiverEstimatedMaxBitrate.write(out, 0, 7, bitrate, new long[] {1, 2, 3}, 3);
            assertEquals(length, 32);
            assertTrue(remb.reset(out, 0, length));
            assertEquals(remb.bitrate(), bitrate, "bitrate " + bitrate);
            assertEquals(remb.ssrcCount(), 3);
            assertEquals(remb.ssrc(2), 3L);
        }
    }

    @Test
    public void otherBitratesRoundDownNeverUp() {
        byte[] out = new byte[64];
        long bitrate = 0x3FFFF * 2 + 1; // needs 19 bits: the low bit is lost
        ReceiverEstimatedMaxBitrate.write(out, 0, 7, bitrate, null, 0);
        assertTrue(remb.reset(out, 0, 20));
        assertEquals(remb.bitrate(), bitrate - 1);
        ReceiverEstimatedMaxBitrate.write(out, 0, 7, Long.MAX_VALUE, null, 0);
        assertTrue(remb.reset(out, 0, 20));
        assertTrue(remb.bitrate() <= Long.MAX_VALUE && remb.bitrate() > Long.MAX_VALUE / 2);
    }

    @Test
    public void hugeExponentsSaturate() {
        byte[] packet = hex(RtcpTestBytes.REMB);
        packet[17] = (byte) 0xFF; // exponent 63
        assertTrue(remb.reset(packet, 0, packet.length));
        assertEquals(remb.exponent(), 63);
        assertEquals(remb.bitrate(), Long.MAX_VALUE);
        packet[17] = (byte) 0xFC; // exponent 63, mantissa 0
        packet[18] = 0;
        packet[19] = 0;
        assertTrue(remb.reset(packet, 0, packet.length));
        assertEquals(remb.bitrate(), 0L);
    }

    @Test
    public void rejectsWrongIdentifierAndSsrcCountPastTheEnd() {
        byte[] packet = hex(RtcpTestBytes.REMB);
        byte[] wrongId = packet.clone();
        wrongId[15] = 'X';
        assertFalse(remb.reset(wrongId, 0, wrongId.length));
        byte[] tooManySsrcs = packet.clone();
        tooManySsrcs[16] = 2;
        assertFalse(remb.reset(tooManySsrcs, 0, tooManySsrcs.length));
        byte[] truncated = Arrays.copyOf(packet, 16);
        truncated[3] = 3;
        assertFalse(remb.reset(truncated, 0, truncated.length));
        byte[] transportCc = hex(RtcpTestBytes.TRANSPORT_CC);
        assertFalse(remb.reset(transportCc, 0, transportCc.length), "same FMT, other PT");
    }

    @Test
    public void writerRefusesBadArguments() {
        assertEquals(ReceiverEstimatedMaxBitrate.write(new byte[64], 0, 1, -1, null, 0), -1);
        assertEquals(ReceiverEstimatedMaxBitrate.write(new byte[2000], 0, 1, 1, new long[256], 256), -1);
        assertEquals(ReceiverEstimatedMaxBitrate.write(new byte[23], 0, 1, 1, new long[1], 1), -1);
        assertEquals(ReceiverEstimatedMaxBitrate.write(new byte[64], 0, 1, 1, new long[1], 2), -1);
    }
}
