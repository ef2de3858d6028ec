package io.relaycast.sfu.stun;

import static io.relaycast.sfu.stun.StunTestMessages.hex;
import static org.testng.Assert.assertTrue;

import java.util.SplittableRandom;
import org.testng.annotations.Test;

/** Random and mutated datagrams must never make the STUN reader or verifier throw. */
public class StunFuzzTest {

    private static final byte[][] SEEDS = {
        hex(StunTestMessages.RFC5769_REQUEST),
        hex(StunTestMessages.RFC5769_IPV4_RESPONSE),
        hex(StunTestMessages.RFC5769_IPV6_RESPONSE),
        hex(StunTestMessages.RFC5769_LONG_TERM_REQUEST),
    };

    private final StunMessage message = new StunMessage();
    private final StunMessageIntegrity integrity = StunMessageIntegrity.forPassword(StunTestMessages.PASSWORD);
    private final byte[] ufrag = StunTestMessages.ascii("evtj");
    private final byte[] transactionId = new byte[12];

    @Test
    public void randomBytesNeverThrow() {
        SplittableRandom random = new SplittableRandom(5389);
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = new byte[random.nextInt(0, 120)];
            random.nextBytes(buf);
            if (buf.length >= 20 && random.nextBoolean()) {
                // Give the random bytes a plausible header so that the attribute walk gets exercised.
                buf[0] &= 0x3F;
                buf[2] = 0;
                buf[3] = (byte) ((buf.length - 20) & ~3);
                buf[4] = 0x21;
                buf[5] = 0x12;
                buf[6] = (byte) 0xA4;
                buf[7] = 0x42;
            }
            exercise(buf, 0, buf.length);
        }
    }

    @Test
    public void mutatedVectorsNeverThrow() {
        SplittableRandom random = new SplittableRandom(5769);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] buf = SEEDS[random.nextInt(SEEDS.length)].clone();
            for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
                buf[random.nextInt(buf.length)] = (byte) random.nextInt(256);
            }
            int len = random.nextInt(4) == 0 ? random.nextInt(buf.length + 1) : buf.length;
            if (exercise(buf, 0, len)) {
                accepted++;
            }
        }
        assertTrue(accepted > 1_000, "mutations should often stay well-formed: " + accepted);
    }

    private boolean exercise(byte[] buf, int off, int len) {
        if (!message.reset(buf, off, len)) {
            integrity.verify(message);
            message.verifyFingerprint();
            return false;
        }
        int end = off + StunMessage.HEADER_LENGTH + message.messageLength();
        assertTrue(end <= off + len);
        message.messageClass();
        message.method();
        message.copyTransactionId(transactionId, 0);
        message.transactionIdEquals(transactionId, 0);
        for (int type : new int[] {0x0006, 0x0008, 0x0020, 0x8022, 0x8028, 0xFFFF}) {
            int value = message.findAttribute(type);
            assertTrue(value < 0 || value + message.attributeLength(value) <= end);
        }
        if (message.hasIceUsername()) {
            assertTrue(message.remoteUfragOffset() + message.remoteUfragLength() <= end);
            message.localUfragEquals(ufrag);
            message.localUfrag();
            message.remoteUfrag();
        }
        integrity.verify(message);
        message.verifyFingerprint();
        return true;
    }
}
