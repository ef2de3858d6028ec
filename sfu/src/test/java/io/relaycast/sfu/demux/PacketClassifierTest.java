package io.relaycast.sfu.demux;

import static org.testng.Assert.assertEquals;

import java.util.SplittableRandom;
import org.testng.annotations.Test;

public class PacketClassifierTest {

    private static PacketType classifyFirstBytes(int first, int second) {
        return PacketClassifier.classify(new byte[] {(byte) first, (byte) second}, 0, 2);
    }

    /** The RFC 7983 section 7 table, written out independently of the implementation. */
    private static PacketType expected(int first, int second) {
        if (first >= 0 && first <= 3) {
            return PacketType.STUN;
        }
        if (first >= 20 && first <= 63) {
            return PacketType.DTLS;
        }
        if (first >= 128 && first <= 191) {
            return second >= 192 && second <= 223 ? PacketType.RTCP : PacketType.RTP;
        }
        return PacketType.UNKNOWN;
    }

    @Test
    public void everyFirstByteFollowsRfc7983() {
        for (int first = 0; first < 256; first++) {
            for (int second : new int[] {0, 96, 111, 191, 192, 200, 206, 223, 224, 255}) {
                assertEquals(classifyFirstBytes(first, second), expected(first, second),
                        "first=" + first + " second=" + second);
            }
        }
    }

    @Test
    public void boundariesOfEachRange() {
        assertEquals(classifyFirstBytes(0, 1), PacketType.STUN);
        assertEquals(classifyFirstBytes(3, 0), PacketType.STUN);
        assertEquals(classifyFirstBytes(4, 0), PacketType.UNKNOWN);
        assertEquals(classifyFirstBytes(16, 0), PacketType.UNKNOWN); // ZRTP
        assertEquals(classifyFirstBytes(19, 0), PacketType.UNKNOWN);
        assertEquals(classifyFirstBytes(20, 0), PacketType.DTLS);
        assertEquals(classifyFirstBytes(22, 0xFE), PacketType.DTLS); // handshake record
        assertEquals(classifyFirstBytes(63, 0), PacketType.DTLS);
        assertEquals(classifyFirstBytes(64, 0), PacketType.UNKNOWN); // TURN channel
        assertEquals(classifyFirstBytes(127, 0), PacketType.UNKNOWN);
        assertEquals(classifyFirstBytes(0x80, 96), PacketType.RTP);
        assertEquals(classifyFirstBytes(0x80, 0x80 | 111), PacketType.RTP); // marker set, PT 111
        assertEquals(classifyFirstBytes(0x80, 191), PacketType.RTP);
        assertEquals(classifyFirstBytes(0x80, 192), PacketType.RTCP);
        assertEquals(classifyFirstBytes(0x81, 200), PacketType.RTCP);
        assertEquals(classifyFirstBytes(0xBF, 223), PacketType.RTCP);
        assertEquals(classifyFirstBytes(0x80, 224), PacketType.RTP);
        assertEquals(classifyFirstBytes(191, 200), PacketType.RTCP);
        assertEquals(classifyFirstBytes(192, 200), PacketType.UNKNOWN);
        assertEquals(classifyFirstBytes(255, 200), PacketType.UNKNOWN);
    }

    @Test
    public void honoursOffset() {
        byte[] buf = {0x00, 0x00, (byte) 0x80, (byte) 200, 0x16};
        assertEquals(PacketClassifier.classify(buf, 2, 2), PacketType.RTCP);
        assertEquals(PacketClassifier.classify(buf, 4, 1), PacketType.DTLS);
        assertEquals(PacketClassifier.classify(buf, 0, 5), PacketType.STUN);
    }

    @Test
    public void emptyTruncatedAndOutOfBoundsAreUnknown() {
        byte[] rtp = {(byte) 0x80, 96};
        assertEquals(PacketClassifier.classify(rtp, 0, 0), PacketType.UNKNOWN);
        assertEquals(PacketClassifier.classify(rtp, 0, 1), PacketType.UNKNOWN); // cannot tell RTP from RTCP
        assertEquals(PacketClassifier.classify(rtp, 0, 3), PacketType.UNKNOWN);
        assertEquals(PacketClassifier.classify(rtp, 2, 1), PacketType.UNKNOWN);
        assertEquals(PacketClassifier.classify(rtp, -1, 2), PacketType.UNKNOWN);
        assertEquals(PacketClassifier.classify(rtp, 1, Integer.MAX_VALUE), PacketType.UNKNOWN);
        assertEquals(PacketClassifier.classify(null, 0, 2), PacketType.UNKNOWN);
        assertEquals(PacketClassifier.classify(new byte[] {1}, 0, 1), PacketType.STUN);
    }

    @Test
    public void randomInputNeverThrowsAndAgreesWithTable() {
        SplittableRandom random = new SplittableRandom(7983);
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = new byte[random.nextInt(0, 8)];
            random.nextBytes(buf);
            int off = random.nextInt(-2, buf.length + 2);
            int len = random.nextInt(-2, buf.length + 3);
            PacketType type = PacketClassifier.classify(buf, off, len);
            boolean inBounds = off >= 0 && len >= 1 && off + len <= buf.length;
            if (!inBounds) {
                assertEquals(type, PacketType.UNKNOWN);
            } else if (len >= 2) {
                assertEquals(type, expected(buf[off] & 0xFF, buf[off + 1] & 0xFF));
            }
        }
    }
}
