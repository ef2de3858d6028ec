package io.relaycast.sfu.relay;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertTrue;

import io.relaycast.sfu.Sfu;
import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.LocalPublication;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.dtls.DtlsCertificate;
import io.relaycast.sfu.dtls.DtlsFingerprint;
import io.relaycast.sfu.dtls.TestDtlsSrtpClient;
import io.relaycast.sfu.ice.IceConfig;
import io.relaycast.sfu.ice.IceRole;
import io.relaycast.sfu.ice.LoopbackBrowser;
import io.relaycast.sfu.rtcp.PictureLossIndication;
import io.relaycast.sfu.rtp.BigEndian;
import io.relaycast.sfu.sdp.MediaDescription;
import io.relaycast.sfu.sdp.SdpParser;
import io.relaycast.sfu.sdp.SessionDescription;
import io.relaycast.sfu.sdp.ViewerAnswers;
import io.relaycast.sfu.srtp.SrtpRole;
import io.relaycast.sfu.srtp.SrtpSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.SRTPProtectionProfile;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * Two SFUs in one JVM, an origin and an edge, joined by a relay over real UDP on loopback with real SRTP: a
 * simulcast publication (three VP8 layers by rid, and Opus) on the origin; viewers on the edge, each a real ICE
 * agent (ice4j) with a real DTLS-SRTP client (bctls). The edge's viewers get every packet of their layer and every
 * audio packet; the origin sends one copy per packet to the edge whatever the edge's viewer count; a viewer's
 * keyframe request reaches the origin's publisher; a new publication on the origin re-establishes the relay; the
 * relay closes after the grace period once the edge's last viewer left.
 */
public class RelayTest {
    private static final long WAIT_MS = 15_000;
    private static final String STREAM = "relayed";
    private static final int EXT_MID = 4;
    private static final int EXT_RID = 10;
    private static final long AUDIO_SSRC = 2573572233L; // signalled in chrome-simulcast-offer.sdp
    private static final long[] LAYER_SSRCS = {1111, 2222, 3333};
    private static final String[] RIDS = {"q", "h", "f"};
    /** Layers differ in size as a browser's do: the viewers' "low" is the layer with the lowest bitrate. */
    private static final int[] LAYER_PAYLOAD = {200, 500, 1100};
    private static final int VIEWERS = 3;

    private Sfu origin;
    private Sfu edge;
    private RelayOrigin relayOrigin;
    private RelayEdge relayEdge;
    private final AtomicInteger keyframesAtPublisher = new AtomicInteger();
    private final List<AutoCloseable> closeLater = new CopyOnWriteArrayList<>();

    @BeforeClass
    public void start() throws IOException {
        // ice4j's consent interval is process-wide: the same 300 ms as every other SFU test
        IceConfig ice = new IceConfig(List.of(InetAddress.getLoopbackAddress()), Duration.ofMillis(300),
                Duration.ofSeconds(10), Duration.ofSeconds(20), 32);
        origin = Sfu.start(new MediaConfig(0, ""), ice);
        edge = Sfu.start(new MediaConfig(0, ""), ice);
        // a short grace and keepalive; relay sockets on loopback
        RelayConfig config = new RelayConfig("a shared secret of at least thirty-two bytes".getBytes(
                StandardCharsets.UTF_8), Duration.ofSeconds(30), Duration.ofMillis(800), 16, Duration.ofSeconds(5),
                Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(5), "127.0.0.1", "127.0.0.1",
                RelayConfig.DEFAULT_SOCKET_BUFFER);
        relayOrigin = new RelayOrigin(origin, config);
        // the web module's connector signs an HTTP request; here the edge asks the origin's RelayOrigin directly,
        // through the same JSON both ways (the simulcast tracks' description included)
        relayEdge = new RelayEdge(edge.roomTable(), edge, config,
                request -> RelayGrant.parse(relayOrigin.open(RelayRequest.parse(request.toJson())).toJson()),
                "edge-node");
    }

    @AfterClass(alwaysRun = true)
    public void stop() throws Exception {
        for (AutoCloseable c : closeLater) {
            c.close();
        }
        if (relayEdge != null) {
            relayEdge.close();
        }
        if (relayOrigin != null) {
            relayOrigin.close();
        }
        if (edge != null) {
            edge.close();
        }
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    public void edgeViewersAreServedFromOneRelayedCopy() throws Exception {
        LocalPublication publication = publish("pub-1");
        warmUp(publication); // the origin learns the layers' SSRCs from their rid before the edge asks

        assertFalse(edge.isPublished(STREAM));
        List<Viewer> viewers = new ArrayList<>();
        for (int i = 0; i < VIEWERS; i++) {
            relayEdge.ensure(STREAM); // what ClusterMediaPlane does before each subscribe
            viewers.add(connect("viewer-" + i));
        }
        assertEquals(relayOrigin.size(), 1, "one relay for the edge, whatever its viewer count");
        assertTrue(relayEdge.isRelayed(STREAM));
        for (Viewer v : viewers) {
            edge.setQuality(STREAM, v.id, "low"); // a per-viewer choice on the edge: layer q
        }
        String relayId = relayId();
        await(() -> relayOrigin.debugState(STREAM).get(0).get("edge").toString().contains("127.0.0.1"),
                "the origin heard the edge");
        // the edge's viewers' DTLS completions asked for keyframes: they went upstream to the publisher
        await(() -> keyframesAtPublisher.get() > 0, "a viewer's join reached the origin's publisher as a PLI");

        // 1.5 s of media first: the edge measures its layers' bitrates once a second, and a viewer's "low" means
        // the lowest layer measured (until then the SFU takes whatever layer's keyframe comes)
        send(publication, 0, 150);
        Thread.sleep(200);
        for (Viewer v : viewers) {
            v.reset();
        }
        long before = relayOrigin.packetsSent(relayId);
        int rounds = 300;
        send(publication, 1000, rounds);
        for (Viewer v : viewers) {
            try {
                v.awaitPackets(rounds, rounds, true);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "\nedge: " + edge.mediaStats(STREAM), e);
            }
        }
        long sent = relayOrigin.packetsSent(relayId) - before;
        assertEquals(sent, 4L * rounds, "one copy of every packet (3 layers + audio) to the edge, not one per viewer");
        for (Viewer v : viewers) {
            v.assertContiguous();
        }

        // an explicit keyframe request (PLI, RFC 4585 section 6.3.1) from one edge viewer reaches the publisher
        Thread.sleep(600); // past the rooms' keyframe throttle interval
        int kf = keyframesAtPublisher.get();
        viewers.get(0).sendPli();
        await(() -> keyframesAtPublisher.get() > kf, "the edge viewer's PLI reached the origin's publisher");
        assertTrue(((Number) relayOrigin.debugState(STREAM).get(0).get("keyframeRequestsReceived")).longValue() > 0);

        // the publisher reconnects (a new publication on the origin): the relay is re-established, media flows on
        LocalPublication again = publish("pub-2");
        publication.close();
        await(() -> relayOrigin.size() == 1 && !relayId.equals(relayId()), "a new relay for the new publication");
        await(() -> relayOrigin.debugState(STREAM).get(0).get("edge").toString().contains("127.0.0.1"),
                "the origin heard the edge on the new relay");
        Viewer v0 = viewers.get(0);
        v0.reset();
        warmUp(again);
        send(again, 5000, 50);
        v0.awaitPackets(50, 1, false); // the new publication's audio; video once its q keyframe arrived

        // the last viewer leaves: after the grace period the relay is closed on both sides
        for (Viewer v : viewers) {
            edge.close(STREAM, v.id);
        }
        Thread.sleep(300);
        assertTrue(relayEdge.isRelayed(STREAM), "still relayed inside the grace period");
        await(() -> !relayEdge.isRelayed(STREAM), "the edge closed the relay after the grace period");
        await(() -> relayOrigin.size() == 0, "the origin freed its end (the edge's BYE)");
        assertFalse(edge.isPublished(STREAM), "the edge's room is gone with the relay");
        again.close();
    }

    /**
     * A layer the origin learnt before the relay but could not describe (its SSRCs are listed by layer, and the
     * layer below was unknown then), whose packets reach the edge without their rid (browsers stop sending it once
     * the SSRC is acknowledged): the edge cannot place them, asks again, and the new description places them.
     */
    @Test
    public void aLayerTheEdgeCannotPlaceMakesItAskForANewDescription() throws Exception {
        String stream = "late-layer";
        LocalPublication p = origin.publishLocal(stream, "pub-late", sdp("chrome-simulcast-offer.sdp"),
                new MediaPlane.CandidateSink() {
                    @Override
                    public void onLocalCandidate(IceCandidate candidate) {
                    }
                });
        try {
            p.sendRtp(video(1, 100, true), 0, videoLength); // the origin learns h (layer 1) by its rid; q unknown
            relayEdge.ensure(stream);
            edge.subscribe(stream, "waiting-viewer", new Sink()); // a viewer keeps the relay (and its re-asking)
            String first = (String) relayOrigin.debugState(stream).get(0).get("relayId");
            await(() -> String.valueOf(relayOrigin.debugState(stream).get(0).get("edge")).contains("127.0.0.1"),
                    "the origin heard the edge");
            for (int n = 0; n < 5; n++) {
                p.sendRtp(video(0, 200 + n, n == 0), 0, videoLength); // q with its rid: both learn it
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            int seq = 101;
            while (placedPackets(stream, LAYER_SSRCS[1]) == 0) {
                assertTrue(System.nanoTime() < deadline, "the edge never placed layer h: " + edge.mediaStats(stream));
                byte[] h = rtp(96, seq, 90L * seq, LAYER_SSRCS[1], LAYER_PAYLOAD[1], ascii(EXT_MID, "1"));
                p.sendRtp(h, 0, h.length - 64); // no rid: what a browser sends once the SSRC is acknowledged
                seq++;
                Thread.sleep(20);
            }
            List<Map<String, Object>> relays = relayOrigin.debugState(stream);
            assertEquals(relays.size(), 1, "one relay: " + relays);
            assertNotEquals(relays.get(0).get("relayId"), first, "placed after asking again");
        } finally {
            edge.close(stream, "waiting-viewer");
            p.close();
            edge.closeStream(stream);
        }
    }

    @SuppressWarnings("unchecked")
    private long placedPackets(String stream, long ssrc) {
        Map<String, Object> stats = edge.mediaStats(stream);
        Map<String, Object> publisher = stats == null ? null : (Map<String, Object>) stats.get("publisher");
        if (publisher == null) {
            return 0;
        }
        for (Map<String, Object> source : (List<Map<String, Object>>) publisher.get("sources")) {
            if (((Number) source.get("ssrc")).longValue() == ssrc) {
                return ((Number) source.get("packets")).longValue();
            }
        }
        return 0;
    }

    @Test
    public void aStreamNobodyPublishesIsNotRelayed() {
        try {
            relayEdge.ensure("nobody-here");
            throw new AssertionError("relayed a stream that is not published");
        } catch (MediaException e) {
            assertEquals(e.code(), "NOT_PUBLISHED");
        }
        assertFalse(relayEdge.isRelayed("nobody-here"));
    }

    private String relayId() {
        List<Map<String, Object>> relays = relayOrigin.debugState(STREAM);
        return relays.isEmpty() ? "" : (String) relays.get(0).get("relayId");
    }

    private LocalPublication publish(String peerId) throws MediaException {
        LocalPublication p = origin.publishLocal(STREAM, peerId, sdp("chrome-simulcast-offer.sdp"),
                new MediaPlane.CandidateSink() {
                    @Override
                    public void onLocalCandidate(IceCandidate candidate) {
                    }
                });
        p.onKeyframeRequest(keyframesAtPublisher::incrementAndGet);
        return p;
    }

    private int seqBase;

    /** One packet per layer and one audio packet, with mid and rid: how the origin places each SSRC. */
    private void warmUp(LocalPublication p) {
        seqBase += 10_000;
        for (int layer = 0; layer < 3; layer++) {
            p.sendRtp(video(layer, seqBase - 1, false), 0, videoLength);
        }
        byte[] a = audio(seqBase - 1);
        p.sendRtp(a, 0, a.length - 64);
    }

    /** {@code rounds} x (audio + every layer), a keyframe on every layer first and every 30 rounds. */
    private void send(LocalPublication p, int firstSeq, int rounds) throws InterruptedException {
        for (int n = 0; n < rounds; n++) {
            int seq = seqBase + n;
            byte[] a = audio(seq);
            p.sendRtp(a, 0, a.length - 64);
            for (int layer = 0; layer < 3; layer++) {
                p.sendRtp(video(layer, seq, n % 30 == 0), 0, videoLength);
            }
            Thread.sleep(10); // a publisher's pace (100 packets/s per layer): the layers' bitrates are measured
            // once a second, which is what a viewer's "low" is chosen by
        }
        seqBase += rounds;
    }

    private int videoLength;

    private byte[] video(int layer, int seq, boolean keyframe) {
        int size = LAYER_PAYLOAD[layer];
        byte[] p = rtp(96, seq, 90L * seq, LAYER_SSRCS[layer], size, ascii(EXT_MID, "1"), ascii(EXT_RID, RIDS[layer]));
        int payload = p.length - 64 - size;
        p[payload] = 0x10; // RFC 7741: S=1, PID=0
        p[payload + 1] = (byte) (keyframe ? 0x00 : 0x01); // P=0: keyframe
        videoLength = p.length - 64;
        return p;
    }

    private static byte[] audio(int seq) {
        return rtp(111, seq, 960L * seq, AUDIO_SSRC, 80, ascii(EXT_MID, "0"));
    }

    /** An RTP packet with RFC 8285 one-byte extensions and 64 spare octets after it. */
    private static byte[] rtp(int pt, int seq, long ts, long ssrc, int payloadLength, byte[]... elements) {
        ByteArrayOutputStream ext = new ByteArrayOutputStream();
        for (byte[] e : elements) {
            ext.write(((e[0] & 0x0F) << 4) | (e.length - 2));
            ext.write(e, 1, e.length - 1);
        }
        while (ext.size() % 4 != 0) {
            ext.write(0);
        }
        int extLength = 4 + ext.size();
        byte[] p = new byte[12 + extLength + payloadLength + 64];
        p[0] = (byte) 0x90;
        p[1] = (byte) pt;
        BigEndian.put16(p, 2, seq & 0xFFFF);
        BigEndian.put32(p, 4, ts & 0xFFFF_FFFFL);
        BigEndian.put32(p, 8, ssrc);
        BigEndian.put16(p, 12, 0xBEDE);
        BigEndian.put16(p, 14, ext.size() / 4);
        System.arraycopy(ext.toByteArray(), 0, p, 16, ext.size());
        return p;
    }

    private static byte[] ascii(int id, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        byte[] e = new byte[v.length + 1];
        e[0] = (byte) id;
        System.arraycopy(v, 0, e, 1, v.length);
        return e;
    }

    static String sdp(String name) {
        try (InputStream in = RelayTest.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            Thread.sleep(20);
        }
    }

    /** A viewer of the edge: real ICE, real DTLS-SRTP; counts the RTP it gets by SSRC from the clear header. */
    private Viewer connect(String id) throws Exception {
        Sink sink = new Sink();
        String offerSdp = edge.subscribe(STREAM, id, sink);
        SessionDescription offer = new SdpParser().parse(offerSdp);
        DtlsCertificate cert = DtlsCertificate.generate();
        LoopbackBrowser browser = new LoopbackBrowser(IceRole.CONTROLLED);
        closeLater.add(browser);
        String answer = ViewerAnswers.chromeLike(offer)
                .replace("a=ice-ufrag:" + ViewerAnswers.VIEWER_UFRAG, "a=ice-ufrag:" + browser.ufrag())
                .replace("a=ice-pwd:" + ViewerAnswers.VIEWER_PWD, "a=ice-pwd:" + browser.password())
                .replace("a=fingerprint:sha-256 " + ViewerAnswers.VIEWER_FINGERPRINT,
                        "a=fingerprint:" + cert.sdpFingerprint());
        edge.acceptAnswer(STREAM, id, answer);
        edge.addRemoteCandidate(STREAM, id, new IceCandidate(browser.candidateLine(), "0", 0));
        MediaDescription first = offer.media().get(0);
        browser.setRemoteCredentials(first.attribute("ice-ufrag").orElseThrow(),
                first.attribute("ice-pwd").orElseThrow());
        sink.candidates.forEach(c -> browser.addRemoteCandidate(c.candidate()));
        browser.start();
        browser.connected.get(WAIT_MS, TimeUnit.MILLISECONDS);
        TestDtlsSrtpClient client = new TestDtlsSrtpClient(cert,
                DtlsFingerprint.parse(first.attribute("fingerprint").orElseThrow()),
                SRTPProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80);
        new DTLSClientProtocol().connect(client, new BrowserPath(browser));
        assertTrue(client.keys != null, "the handshake exported SRTP keys");
        return new Viewer(id, browser, new SrtpSession(client.keys, SrtpRole.CLIENT), ssrcs(offerSdp));
    }

    /** The SFU's SSRC for each m-section (the first a=ssrc of each), audio first. */
    private static long[] ssrcs(String offer) {
        String[] sections = offer.split("\r\nm=");
        long[] out = new long[sections.length - 1];
        Pattern ssrc = Pattern.compile("a=ssrc:(\\d+) ");
        for (int i = 1; i < sections.length; i++) {
            Matcher m = ssrc.matcher(sections[i]);
            assertTrue(m.find(), "an SSRC in section " + i);
            out[i - 1] = Long.parseLong(m.group(1));
        }
        return out;
    }

    private static final class Viewer {
        final String id;
        final LoopbackBrowser browser;
        final SrtpSession srtp;
        final long audioSsrc;
        final long videoSsrc;
        final List<Integer> audioSeqs = new ArrayList<>();
        final List<Integer> videoSeqs = new ArrayList<>();

        Viewer(String id, LoopbackBrowser browser, SrtpSession srtp, long[] ssrcs) {
            this.id = id;
            this.browser = browser;
            this.srtp = srtp;
            this.audioSsrc = ssrcs[0];
            this.videoSsrc = ssrcs[1];
        }

        void reset() throws InterruptedException {
            while (browser.next(50) != null) {
                // drop what came meanwhile
            }
            audioSeqs.clear();
            videoSeqs.clear();
        }

        /** Reads until it has {@code audio} audio and {@code video} video packets (SRTP keeps the header clear). */
        void awaitPackets(int audio, int video, boolean exact) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (audioSeqs.size() < audio || videoSeqs.size() < video) {
                assertTrue(System.nanoTime() < deadline, id + " got " + audioSeqs.size() + " audio and "
                        + videoSeqs.size() + " video packets, expected " + audio + " and " + video);
                byte[] d = browser.next(100);
                if (d == null || d.length < 12 || (d[0] & 0xC0) != 0x80) {
                    continue;
                }
                int pt = d[1] & 0xFF;
                if (pt >= 192 && pt <= 223) {
                    continue; // RTCP (RFC 5761 section 4): sender reports
                }
                long ssrc = BigEndian.u32(d, 8);
                int seq = BigEndian.u16(d, 2);
                if (ssrc == audioSsrc) {
                    audioSeqs.add(seq);
                } else if (ssrc == videoSsrc) {
                    videoSeqs.add(seq);
                }
            }
            if (!exact) {
                return;
            }
            // nothing more than that: a second copy of anything would show here
            byte[] extra;
            while ((extra = browser.next(200)) != null) {
                if (extra.length >= 12 && ((extra[1] & 0xFF) < 192 || (extra[1] & 0xFF) > 223)) {
                    long ssrc = BigEndian.u32(extra, 8);
                    assertNotEquals(ssrc, audioSsrc, id + ": more audio than was sent");
                    if (ssrc == videoSsrc) {
                        videoSeqs.add(BigEndian.u16(extra, 2));
                    }
                }
            }
            assertEquals(videoSeqs.size(), video, id + ": layer q only, each packet once: " + videoSeqs);
        }

        void assertContiguous() {
            for (List<Integer> seqs : List.of(audioSeqs, videoSeqs)) {
                for (int i = 1; i < seqs.size(); i++) {
                    assertEquals((int) seqs.get(i), (seqs.get(i - 1) + 1) & 0xFFFF, id + " sequence at " + i);
                }
            }
        }

        /** A PLI for the video SSRC, SRTCP-protected with the viewer's keys, over its ICE path. */
        void sendPli() throws IOException {
            byte[] buf = new byte[64];
            int len = PictureLossIndication.write(buf, 0, 0x5EED, videoSsrc);
            int n = srtp.protectRtcp(buf, 0, len);
            assertTrue(n > 0, "protected");
            browser.send(Arrays.copyOf(buf, n));
        }
    }

    private static final class Sink implements MediaPlane.CandidateSink {
        final List<IceCandidate> candidates = new CopyOnWriteArrayList<>();

        @Override
        public void onLocalCandidate(IceCandidate candidate) {
            candidates.add(candidate);
        }
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
