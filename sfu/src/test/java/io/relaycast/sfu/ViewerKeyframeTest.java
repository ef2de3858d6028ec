package io.relaycast.sfu;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.TestDtlsSrtpClient;
import io.relaycast.sfu.ice.IceConfig;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.LoopbackBrowser;
import io.relaycast.sfu.sdp.MediaDescription;
import io.relaycast.sfu.sdp.SdpParser;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.ViewerAnswers;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * A new viewer's keyframe request reaches the room when the viewer's DTLS handshake completes, not at join: the
 * keyframe the publisher sends in answer would be lost on a viewer that cannot decrypt yet, and it would wait for
 * the next one (seconds with a long keyframe interval). A real SFU on loopback, a real ICE agent for the viewer
 * (ice4j, {@link LoopbackBrowser}) and a real DTLS-SRTP client (bctls) over that path.
 */
public class ViewerKeyframeTest {
    private static final long WAIT_MS = 15_000;
    private Sfu sfu;

    @BeforeClass
    public void start() throws IOException {
        // ice4j's consent interval is process-wide (the first SFU started in this JVM sets it, see Ice4jRuntime):
        // the same 300 ms as every other test here, so the order in which test classes run changes nothing
        IceConfig ice = new IceConfig(List.of(InetAddress.getLoopbackAddress()), Duration.ofMillis(300),
                Duration.ofSeconds(10), Duration.ofSeconds(20), 32);
        sfu = Sfu.start(new MediaConfig(0, ""), ice);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    public void theKeyframeRequestWaitsForTheViewersDtls() throws Exception {
        sfu.publish("kf", "pub", SfuTest.sdp("chrome-offer.sdp"), new SfuTest.Sink());
        assertEquals(keyframeRequests(), 0L, "a publisher alone asks for nothing");

        SfuTest.Sink viewerSink = new SfuTest.Sink();
        SessionDescription offer = new SdpParser().parse(sfu.subscribe("kf", "view", viewerSink));
        DtlsCertificate clientCert = DtlsCertificate.generate();
        try (LoopbackBrowser browser = new LoopbackBrowser(IceRole.CONTROLLED)) {
            String answer = ViewerAnswers.chromeLike(offer)
                    .replace("a=ice-ufrag:" + ViewerAnswers.VIEWER_UFRAG, "a=ice-ufrag:" + browser.ufrag())
                    .replace("a=ice-pwd:" + ViewerAnswers.VIEWER_PWD, "a=ice-pwd:" + browser.password())
                    .replace("a=fingerprint:sha-256 " + ViewerAnswers.VIEWER_FINGERPRINT,
                            "a=fingerprint:" + clientCert.sdpFingerprint());
            sfu.acceptAnswer("kf", "view", answer);
            sfu.addRemoteCandidate("kf", "view", new IceCandidate(browser.candidateLine(), "0", 0));
            assertEquals(keyframeRequests(), 0L, "joined and answered, but no transport yet: no keyframe request");

            MediaDescription first = offer.media().get(0);
            browser.setRemoteCredentials(first.attribute("ice-ufrag").orElseThrow(),
                    first.attribute("ice-pwd").orElseThrow());
            viewerSink.candidates.forEach(c -> browser.addRemoteCandidate(c.candidate()));
            browser.start();
            browser.connected.get(WAIT_MS, TimeUnit.MILLISECONDS);
            // ICE is up on our side; the SFU is the DTLS server and waits for our ClientHello, so its keys cannot
            // exist yet: a request now would be one the viewer cannot use
            assertEquals(keyframeRequests(), 0L, "ICE is up but DTLS is not: no keyframe request yet");

            TestDtlsSrtpClient client = new TestDtlsSrtpClient(clientCert,
                    DtlsFingerprint.parse(first.attribute("fingerprint").orElseThrow()),
                    SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
            DTLSTransport dtls = new DTLSClientProtocol().connect(client, new BrowserPath(browser));
            assertTrue(client.keys != null, "the handshake exported SRTP keys");

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (keyframeRequests() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(keyframeRequests(), 1L, "DTLS done: the viewer's one keyframe request reached the room");
            dtls.close();
        }
    }

    private long keyframeRequests() {
        Map<String, Object> room = sfu.mediaStats("kf");
        return room == null ? 0 : ((Number) room.get("keyframeRequests")).longValue();
    }

    /** bctls' view of the viewer's ICE path. */
    private record BrowserPath(LoopbackBrowser browser) implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            try {
                byte[] d = browser.next(waitMillis);
                if (d == null) {
                    return -1;
                }
                int n = Math.min(len, d.length);
                System.arraycopy(d, 0, buf, off, n);
                return n;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            browser.send(Arrays.copyOfRange(buf, off, off + len));
        }

        @Override
        public void close() {
        }
    }
}
