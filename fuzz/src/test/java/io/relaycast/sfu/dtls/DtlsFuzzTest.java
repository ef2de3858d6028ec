package io.relaycast.sfu.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.relaycast.sfu.demux.PacketClassifier;
import io.relaycast.sfu.demux.PacketType;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * The media port's first-byte demux (RFC 7983 section 7) and what reaches our DTLS server: datagrams a peer sends
 * after ICE, as a sequence, into {@link DtlsSrtpServer} exactly as {@link DtlsSession} runs it (bctls's
 * DTLSServerProtocol, our extensions, use_srtp and fingerprint checks). Contract: the classifier routes by the
 * RFC 7983 ranges and never throws; only DTLS-classified datagrams reach the DTLS stack; the handshake ends with an
 * {@link IOException} (a fatal alert, or our transport running out of input) or a {@link RuntimeException} that
 * {@code DtlsSession} classifies, never an {@link Error} and never a hang; it never completes (no fuzz input knows
 * a private key matching the expected fingerprint); and every record we send back is DTLS 1.0/1.2 record framing
 * (RFC 6347 section 4.1: type 20-23, version 0xFEFF/0xFEFD, the length covering the rest) within our MTU.
 */
class DtlsFuzzTest {
    private static final int MTU = 1200;
    private static final DtlsCertificate CERTIFICATE = DtlsCertificate.processWide();
    /** The fingerprint a peer's SDP announced: of a certificate no fuzz input holds the key of. */
    private static final List<DtlsFingerprint> REMOTE = List.of(DtlsFingerprint.of("sha-256", DtlsCertificate.generate().encoded()));
    private static final SecureRandom RANDOM = new SecureRandom();

    @FuzzTest(maxDuration = "10m")
    void datagrams(FuzzedDataProvider data) {
        Deque<byte[]> toServer = new ArrayDeque<>();
        int count = data.consumeInt(1, 6);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            byte[] d = i == count - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 1500));
            PacketType type = PacketClassifier.classify(d, 0, d.length);
            int first = d.length == 0 ? -1 : d[0] & 0xFF;
            if (first >= 20 && first <= 63) {
                assertEquals(PacketType.DTLS, type, "RFC 7983: 20-63 is DTLS");
                toServer.add(d);
            } else {
                assertTrue(type != PacketType.DTLS, "only 20-63 is DTLS");
            }
        }
        if (toServer.isEmpty()) {
            return;
        }
        List<byte[]> sent = new ArrayList<>();
        DtlsSrtpServer server = new DtlsSrtpServer(new BcTlsCrypto(RANDOM), CERTIFICATE, REMOTE, 2_000, (level, description) -> { });
        DTLSTransport established = null;
        try {
            established = server.handshake(new ScriptedTransport(toServer, sent));
        } catch (IOException | RuntimeException expected) {
            // a fatal alert, or ScriptedTransport's end of input: DtlsSession turns both into a failed handshake
        }
        if (established != null) {
            fail("a handshake completed against a fingerprint no input can match");
        }
        for (byte[] datagram : sent) {
            assertTrue(datagram.length <= MTU, "within our MTU");
            for (int p = 0; p < datagram.length; ) {
                assertTrue(datagram.length - p >= 13, "a whole record header");
                int type = datagram[p] & 0xFF;
                int version = ((datagram[p + 1] & 0xFF) << 8) | (datagram[p + 2] & 0xFF);
                int length = ((datagram[p + 11] & 0xFF) << 8) | (datagram[p + 12] & 0xFF);
                assertTrue(type >= 20 && type <= 23, "record type");
                assertTrue(version == 0xFEFF || version == 0xFEFD, "DTLS 1.0/1.2 record version");
                assertTrue(13 + length <= datagram.length - p, "record length inside the datagram");
                p += 13 + length;
            }
        }
    }

    /** Hands bctls the fuzz datagrams in order, then ends the handshake as a closed transport would. */
    private static final class ScriptedTransport implements DatagramTransport {
        private final Deque<byte[]> in;
        private final List<byte[]> out;

        ScriptedTransport(Deque<byte[]> in, List<byte[]> out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return MTU;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            byte[] d = in.poll();
            if (d == null) {
                throw new IOException("end of fuzz input");
            }
            int n = Math.min(len, d.length);
            System.arraycopy(d, 0, buf, off, n);
            return n;
        }

        @Override
        public void send(byte[] buf, int off, int len) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            out.add(copy);
        }

        @Override
        public void close() {
        }
    }
}
