package io.relaycast.sfu.ice;

import io.relaycast.sfu.config.MediaConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** Loopback ICE for tests: short timers, 127.0.0.1 only, and recorders for listener events and datagrams. */
final class IceTestSupport {
    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /**
     * Every test shares this consent interval: ice4j reads it once per process. 300 ms checks and a 2 s consent
     * timeout keep the expiry test to seconds.
     */
    static final IceConfig CONFIG = new IceConfig(List.of(LOOPBACK), Duration.ofMillis(300), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 32);

    static final long CONNECT_WAIT_MS = 5_000;

    private IceTestSupport() {
    }

    /** A shared port of its own on 127.0.0.1 (ephemeral): the SFU's, or one per simulated browser. */
    static IceHarvesters loopbackHarvesters() throws IOException {
        return new IceHarvesters(new MediaConfig(0, ""), CONFIG);
    }

    static IceConfig withMaxCandidates(int max) {
        return new IceConfig(CONFIG.bindAddresses(), CONFIG.consentCheckInterval(), CONFIG.consentTimeout(),
                CONFIG.connectTimeout(), max);
    }

    static IceConfig withConnectTimeout(Duration timeout) {
        return new IceConfig(CONFIG.bindAddresses(), CONFIG.consentCheckInterval(), CONFIG.consentTimeout(),
                timeout, CONFIG.maxRemoteCandidates());
    }

    /** Offer/answer: each side learns the other's credentials and candidates; both start checking. */
    static void offerAnswer(IceSession server, LoopbackBrowser browser) {
        assertTrue(server.setRemoteCredentials(browser.ufrag(), browser.password()));
        browser.setRemoteCredentials(server.localUfrag(), server.localPassword());
        server.localCandidates().forEach(browser::addRemoteCandidate);
        assertEquals(server.addRemoteCandidate(browser.candidateLine()), CandidateStatus.ACCEPTED);
        assertTrue(server.start());
        browser.start();
    }

    /** {@link #offerAnswer}, then waits until both sides are connected. */
    static SelectedPair connect(IceSession server, RecordingListener serverEvents, LoopbackBrowser browser)
            throws Exception {
        offerAnswer(server, browser);
        SelectedPair pair = serverEvents.connected.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        browser.connected.get(CONNECT_WAIT_MS, TimeUnit.MILLISECONDS);
        return pair;
    }

    /** A datagram that is not STUN (RFC 7983): first byte {@code first}, then a sequence number and filler. */
    static byte[] payload(int first, int seq, int len) {
        byte[] b = new byte[len];
        b[0] = (byte) first;
        b[1] = (byte) seq;
        for (int i = 2; i < len; i++) {
            b[i] = (byte) (i * 31 + seq);
        }
        return b;
    }

    /**
     * A connectivity check as an attacker would send it without the password (RFC 5389 §6, RFC 8445 §7.1.1):
     * USERNAME, PRIORITY and ICE-CONTROLLING, but no MESSAGE-INTEGRITY.
     */
    static byte[] bindingRequest(String username, Random random) {
        byte[] user = username.getBytes(StandardCharsets.US_ASCII);
        int padded = (user.length + 3) & ~3;
        int attributes = 4 + padded + 8 + 12;
        ByteBuffer b = ByteBuffer.allocate(20 + attributes);
        b.putShort((short) 0x0001).putShort((short) attributes).putInt(0x2112A442);
        byte[] transaction = new byte[12];
        random.nextBytes(transaction);
        b.put(transaction);
        b.putShort((short) 0x0006).putShort((short) user.length).put(user);
        b.position(20 + 4 + padded);
        b.putShort((short) 0x0024).putShort((short) 4).putInt(1853817087); // PRIORITY
        b.putShort((short) 0x802A).putShort((short) 8).putLong(random.nextLong()); // ICE-CONTROLLING
        return b.array();
    }

    /** The ERROR-CODE (RFC 5389 §15.6) of a STUN response as class * 100 + number, or -1 without one. */
    static int errorCode(byte[] response, int length) {
        int at = 20;
        while (at + 4 <= length) {
            int type = ((response[at] & 0xFF) << 8) | (response[at + 1] & 0xFF);
            int len = ((response[at + 2] & 0xFF) << 8) | (response[at + 3] & 0xFF);
            if (type == 0x0009 && len >= 4) {
                return (response[at + 6] & 0x07) * 100 + (response[at + 7] & 0xFF);
            }
            at += 4 + ((len + 3) & ~3);
        }
        return -1;
    }

    static final class RecordingListener implements IceSessionListener {
        final CompletableFuture<SelectedPair> connected = new CompletableFuture<>();
        final CompletableFuture<IceEndReason> failed = new CompletableFuture<>();
        final CompletableFuture<IceEndReason> closed = new CompletableFuture<>();
        volatile long endedAtNanos;

        @Override
        public void onConnected(IceSession session, SelectedPair pair) {
            connected.complete(pair);
        }

        @Override
        public void onFailed(IceSession session, IceEndReason reason) {
            endedAtNanos = System.nanoTime();
            failed.complete(reason);
        }

        @Override
        public void onClosed(IceSession session, IceEndReason reason) {
            endedAtNanos = System.nanoTime();
            closed.complete(reason);
        }
    }

    /** Copies each datagram (the handler's buffer is only lent for the call). */
    static final class DatagramCollector implements DatagramHandler {
        final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();

        @Override
        public void onDatagram(byte[] buf, int off, int len) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            received.add(copy);
        }

        byte[] next(long timeoutMs) throws InterruptedException {
            return received.poll(timeoutMs, TimeUnit.MILLISECONDS);
        }
    }
}
