package io.relaycast.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sfu.stun.StunMessage;
import io.relaycast.sfu.stun.StunMessageClass;
import io.relaycast.sfu.stun.StunMessageIntegrity;
import io.relaycast.sfu.stun.StunMessageWriter;

/**
 * STUN messages (RFC 8489 section 5, 14) as the ICE layer reads them on the media port, with the short-term
 * credential check (RFC 8489 section 9.1) and the binding answer we write back. Contract: {@code reset} never throws,
 * every attribute an accepted message points at lies inside it, integrity and fingerprint checks never throw, and
 * the answer to an accepted Binding request is itself a well-formed, correctly signed success response for the same
 * transaction.
 */
class StunFuzzTest {
    /** The short-term password of RFC 5769's test vectors (the seeds are those vectors). */
    private static final String PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt";
    private final StunMessage message = new StunMessage();
    private final StunMessage answer = new StunMessage();
    private final StunMessageIntegrity integrity = StunMessageIntegrity.forPassword(PASSWORD);
    private final StunMessageWriter writer = new StunMessageWriter(PASSWORD);
    private final byte[] transaction = new byte[12];
    private final byte[] out = new byte[StunMessageWriter.MAX_RESPONSE_LENGTH + 64];

    @FuzzTest(maxDuration = "10m")
    void message(byte[] datagram) {
        boolean accepted = message.reset(datagram, 0, datagram.length);
        boolean signed = integrity.verify(message);
        message.verifyFingerprint();
        if (!accepted) {
            assertTrue(!signed, "a message that does not parse is never authenticated");
            return;
        }
        int end = StunMessage.HEADER_LENGTH + message.messageLength();
        assertTrue(end <= datagram.length && message.messageLength() % 4 == 0, "RFC 8489 5: length is a multiple of 4");
        for (int type : new int[] {0x0001, 0x0006, 0x0008, 0x0020, 0x0024, 0x0025, 0x8022, 0x8028, 0x8029, 0x802A, 0xFFFF}) {
            int value = message.findAttribute(type);
            assertTrue(value < 0 || value >= StunMessage.HEADER_LENGTH && value + message.attributeLength(value) <= end);
        }
        if (message.hasIceUsername()) {
            assertTrue(message.remoteUfragOffset() + message.remoteUfragLength() <= end);
            message.localUfrag();
            message.remoteUfrag();
        }
        if (message.messageClass() == StunMessageClass.REQUEST && message.method() == StunMessage.BINDING) {
            message.copyTransactionId(transaction, 0);
            int n = writer.bindingSuccess(out, 0, datagram, 0, new byte[] {(byte) 192, 0, 2, 1}, 32853);
            assertTrue(answer.reset(out, 0, n), "our answer parses");
            assertEquals(StunMessageClass.SUCCESS_RESPONSE, answer.messageClass());
            assertTrue(answer.transactionIdEquals(transaction, 0), "same transaction");
            assertTrue(integrity.verify(answer) && answer.verifyFingerprint(), "our answer is signed and fingerprinted");
            byte[] copy = new byte[12];
            answer.copyTransactionId(copy, 0);
            assertArrayEquals(transaction, copy);
        }
    }
}
