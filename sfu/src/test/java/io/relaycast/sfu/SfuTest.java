package io.relaycast.sfu;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

import io.relaycast.sfu.api.IceCandidate;
import io.relaycast.sfu.api.MediaException;
import io.relaycast.sfu.api.MediaPlane;
import io.relaycast.sfu.config.MediaConfig;
import io.relaycast.sfu.ice.IceConfig;
import io.relaycast.sfu.sdp.SdpParser;
import io.relaycast.sfu.sdp.SessionDescription;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

/**
 * The {@link MediaPlane} contract of the real SFU on a loopback port, without media: what signaling sees (SDP,
 * candidates, refusals with codes, membership). Media itself is proven by the browser tests in the web module.
 */
public class SfuTest {
    private Sfu sfu;

    static final class Sink implements MediaPlane.CandidateSink {
        final List<IceCandidate> candidates = new CopyOnWriteArrayList<>();
        final List<String> closed = new CopyOnWriteArrayList<>();

        @Override
        public void onLocalCandidate(IceCandidate candidate) {
            candidates.add(candidate);
        }

        @Override
        public void onPeerClosed(String reason) {
            closed.add(reason);
        }
    }

    static String sdp(String name) {
        try (InputStream in = SfuTest.class.getResourceAsStream("/sdp/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("\r\n", "\n").replace("\n", "\r\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeClass
    public void start() throws IOException {
        IceConfig ice = new IceConfig(List.of(InetAddress.getLoopbackAddress()), Duration.ofMillis(300),
                Duration.ofSeconds(2), Duration.ofSeconds(2), 32);
        sfu = Sfu.start(new MediaConfig(0, ""), ice);
    }

    @AfterClass(alwaysRun = true)
    public void stop() {
        if (sfu != null) {
            sfu.close();
        }
    }

    @Test
    public void publishAnswersWithOurCandidatesAndTricklesThemToo() throws Exception {
        Sink sink = new Sink();
        String answer = sfu.publish("s1", "pub", sdp("chrome-offer.sdp"), sink);
        SessionDescription parsed = new SdpParser().parse(answer);
        assertEquals(parsed.media().get(0).attribute("setup").orElseThrow(), "passive", "we are the DTLS server");
        List<io.relaycast.sfu.sdp.IceCandidate> inSdp = parsed.media().get(0).candidates();
        assertFalse(inSdp.isEmpty(), "the browser must check us first on the shared port: candidates in the answer");
        assertEquals(inSdp.get(0).port(), sfu.udpPort());
        assertEquals(sink.candidates.size(), inSdp.size());
        assertEquals(sink.candidates.get(0).sdpMid(), "0");
        assertEquals(sink.candidates.get(0).sdpMLineIndex(), 0);
        assertTrue(sink.candidates.get(0).candidate().startsWith("candidate:"));
        assertTrue(sfu.isPublished("s1"));

        Sink viewer = new Sink();
        String offer = sfu.subscribe("s1", "view", viewer);
        SessionDescription viewerOffer = new SdpParser().parse(offer);
        assertEquals(viewerOffer.media().size(), 2);
        assertEquals(viewerOffer.media().get(1).attribute("setup").orElseThrow(), "actpass");
        assertFalse(viewer.candidates.isEmpty());

        expectCode("UNKNOWN_PEER", () -> sfu.acceptAnswer("s1", "pub", "v=0")); // a publisher answers nothing
        expectCode("SDP_MALFORMED", () -> sfu.acceptAnswer("s1", "view", "not sdp"));
        expectCode("INVALID_CANDIDATE", () -> sfu.addRemoteCandidate("s1", "view", new IceCandidate("candidate:x", "0", 0)));
        sfu.addRemoteCandidate("s1", "view", new IceCandidate(
                "candidate:1 1 udp 2122260223 abc.local 50000 typ host", "0", 0)); // mDNS: fine, just not used
        sfu.addRemoteCandidate("s1", "view", new IceCandidate("", null, null));
        expectCode("UNKNOWN_PEER", () -> sfu.addRemoteCandidate("s1", "nobody", new IceCandidate("", null, null)));

        sfu.close("s1", "view");
        assertEquals(roomOf("s1").get("subscriberCount"), 0);
        sfu.close("s1", "pub");
        assertFalse(sfu.isPublished("s1"));
        assertNull(roomOf("s1"), "an empty room is dropped");
        assertTrue(viewer.closed.isEmpty() && sink.closed.isEmpty(), "peers closed by signaling are not reported back");
    }

    @Test
    public void roomsTellTheirLifecycleToListenersInOrder() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        io.relaycast.sfu.room.RoomListener listener = new io.relaycast.sfu.room.RoomListener() {
            private void add(io.relaycast.sfu.room.Room room, String what) {
                if (room.streamId().equals("events")) {
                    seen.add(what);
                }
            }

            public void onRoomOpened(io.relaycast.sfu.room.Room room) {
                add(room, "opened");
            }

            public void onPublisherJoined(io.relaycast.sfu.room.Room room, String peerId) {
                add(room, "publisher+" + peerId);
            }

            public void onTrackAdded(io.relaycast.sfu.room.Room room, String peerId,
                                     io.relaycast.sfu.media.PublishedTrack track) {
                add(room, "track+" + track.kind());
            }

            public void onPublisherLeft(io.relaycast.sfu.room.Room room, String peerId) {
                add(room, "publisher-" + peerId);
            }

            public void onViewerJoined(io.relaycast.sfu.room.Room room, String peerId) {
                add(room, "viewer+" + peerId);
            }

            public void onViewerLeft(io.relaycast.sfu.room.Room room, String peerId) {
                add(room, "viewer-" + peerId);
            }

            public void onRoomClosed(io.relaycast.sfu.room.Room room) {
                add(room, "closed");
            }
        };
        sfu.addRoomListener(listener);
        try {
            sfu.publish("events", "pub", sdp("chrome-offer.sdp"), new Sink());
            sfu.subscribe("events", "view", new Sink());
            sfu.publish("events", "pub2", sdp("chrome-offer.sdp"), new Sink()); // replaces the publisher
            sfu.close("events", "view");
            sfu.close("events", "pub2");
            assertEquals(seen, List.of("opened", "publisher+pub", "track+AUDIO", "track+VIDEO", "viewer+view",
                    "publisher-pub", "publisher+pub2", "track+AUDIO", "track+VIDEO", "viewer-view", "publisher-pub2",
                    "closed"));
            sfu.publish("events", "pub3", sdp("chrome-offer.sdp"), new Sink());
            sfu.closeStream("events");
            assertEquals(seen.subList(12, seen.size()), List.of("opened", "publisher+pub3", "track+AUDIO",
                    "track+VIDEO", "closed"), "a new room for the stream, closed with its stream");
        } finally {
            sfu.removeRoomListener(listener);
        }
    }

    @Test
    public void aPassiveOfferMakesUsTheDtlsClient() throws Exception {
        // ffmpeg's WHIP muxer offers a=setup:passive: we answer active and will send the ClientHello (RFC 5763 §5)
        String answer = sfu.publish("s4", "ffmpeg", sdp("ffmpeg-whip-offer.sdp"), new Sink());
        assertTrue(answer.contains("a=setup:active"), answer);
        assertFalse(answer.contains("a=setup:passive"), answer);
        assertTrue(sfu.isPublished("s4"));
        sfu.close("s4", "ffmpeg");
    }

    @Test
    public void refusalsCarryStableCodes() throws Exception {
        int sessionsBefore = (Integer) sfu.debugState().get("iceSessions");
        expectCode("NOT_PUBLISHED", () -> sfu.subscribe("nobody-here", "v", new Sink()));
        expectCode("NOT_PUBLISHED", () -> sfu.answerViewer("nobody-here", "v", sdp("firefox-offer.sdp"), new Sink()));
        expectCode("NO_MEDIA", () -> sfu.publish("s2", "p", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n", new Sink()));
        expectCode("SDP_MALFORMED", () -> sfu.publish("s2", "p", "hello", new Sink()));
        assertFalse(sfu.isPublished("s2"));
        assertNull(roomOf("s2"), "a refused publication leaves no room behind");
        assertEquals(sfu.debugState().get("iceSessions"), sessionsBefore, "and no ICE session either");
    }

    @Test
    public void whepViewersGetAnAnswerAndCloseStreamEndsEveryone() throws Exception {
        sfu.publish("s3", "pub", sdp("chrome-offer.sdp"), new Sink());
        String whepOffer = sdp("firefox-offer.sdp").replace("a=sendrecv", "a=recvonly").replaceAll("a=ssrc[^\r\n]*\r\n", "");
        String answer = sfu.answerViewer("s3", "whep-1", whepOffer, new Sink());
        SessionDescription parsed = new SdpParser().parse(answer);
        assertEquals(parsed.media().get(0).mediaLine().payloadTypes(), List.of(109), "Firefox's opus number");
        assertEquals(parsed.media().get(1).attribute("setup").orElseThrow(), "passive");
        expectCode("INVALID_STATE", () -> sfu.acceptAnswer("s3", "whep-1", "v=0")); // it offered: nothing to answer
        sfu.subscribe("s3", "sio-1", new Sink());
        assertEquals(roomOf("s3").get("subscriberCount"), 2);

        sfu.closeStream("s3");
        assertFalse(sfu.isPublished("s3"));
        assertNull(roomOf("s3"));
        expectCode("UNKNOWN_PEER", () -> sfu.acceptAnswer("s3", "sio-1", "v=0"));
    }

    @Test
    public void aViewerIceRestartReOffersWithNewCredentialsAndNothingElseChanged() throws Exception {
        sfu.publish("s5", "pub", sdp("chrome-offer.sdp"), new Sink());
        Sink viewer = new Sink();
        String offer = sfu.subscribe("s5", "view", viewer);
        expectCode("INVALID_STATE", () -> sfu.restartIce("s5", "view")); // before the first answer: nothing to restart
        SessionDescription first = new SdpParser().parse(offer);
        String answer = io.relaycast.sfu.sdp.ViewerAnswers.chromeLike(first);
        sfu.acceptAnswer("s5", "view", answer);
        int trickled = viewer.candidates.size();

        String restart = sfu.restartIce("s5", "view");
        SessionDescription again = new SdpParser().parse(restart);
        String oldUfrag = first.media().get(0).attribute("ice-ufrag").orElseThrow();
        String newUfrag = again.media().get(0).attribute("ice-ufrag").orElseThrow();
        String newPwd = again.media().get(0).attribute("ice-pwd").orElseThrow();
        assertFalse(newUfrag.equals(oldUfrag), "RFC 8445 section 9: a new ufrag");
        assertFalse(newPwd.equals(first.media().get(0).attribute("ice-pwd").orElseThrow()), "and a new password");
        for (int i = 0; i < again.media().size(); i++) {
            assertEquals(again.media().get(i).attribute("ice-ufrag").orElseThrow(), newUfrag, "every m-section");
        }
        // line by line, only the credentials and the o= version differ (RFC 8839 section 4.4.1.1.1)
        String[] a = offer.split("\r\n");
        String[] b = restart.split("\r\n");
        assertEquals(b.length, a.length);
        for (int i = 0; i < a.length; i++) {
            if (a[i].startsWith("a=ice-ufrag:") || a[i].startsWith("a=ice-pwd:")) {
                continue;
            }
            if (a[i].startsWith("o=")) {
                String[] fa = a[i].split(" ");
                String[] fb = b[i].split(" ");
                assertEquals(fb[1], fa[1], "same session id");
                assertTrue(Long.parseLong(fb[2]) > Long.parseLong(fa[2]), "a higher session version (RFC 3264 section 8)");
                continue;
            }
            assertEquals(b[i], a[i], "unchanged line " + i);
        }
        assertEquals(viewer.candidates.size(), trickled, "the candidates are in the SDP; not trickled into the old generation");

        // the answer must bring new credentials and the same fingerprint
        expectCode("ICE_CREDENTIALS_UNCHANGED", () -> sfu.acceptAnswer("s5", "view", answer));
        String otherCert = answer.replace(io.relaycast.sfu.sdp.ViewerAnswers.VIEWER_FINGERPRINT,
                io.relaycast.sfu.sdp.ViewerAnswers.VIEWER_FINGERPRINT.replace("7A:11", "7A:12"));
        String restarted = answer.replace("a=ice-ufrag:" + io.relaycast.sfu.sdp.ViewerAnswers.VIEWER_UFRAG, "a=ice-ufrag:nEw9")
                .replace("a=ice-pwd:" + io.relaycast.sfu.sdp.ViewerAnswers.VIEWER_PWD, "a=ice-pwd:Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2");
        expectCode("FINGERPRINT_CHANGED", () -> sfu.acceptAnswer("s5", "view", otherCert.replace(
                "a=ice-ufrag:" + io.relaycast.sfu.sdp.ViewerAnswers.VIEWER_UFRAG, "a=ice-ufrag:nEw9")));
        sfu.acceptAnswer("s5", "view", restarted);
        expectCode("INVALID_STATE", () -> sfu.acceptAnswer("s5", "view", restarted)); // a second answer: too late
        expectCode("UNKNOWN_PEER", () -> sfu.restartIce("s5", "nobody"));
        expectCode("UNKNOWN_PEER", () -> sfu.restartIce("s5", "pub")); // publishers re-offer instead
        Map<String, Object> transport = sfu.room("s5").subscriber("view").transport().debugState();
        assertEquals(transport.get("iceRestartsRequested"), 1);
        assertNotNull(transport.get("iceRestarting"), "the new session checks; media stays on the old one meanwhile");

        sfu.close("s5", "view");
        expectCode("UNKNOWN_PEER", () -> sfu.restartIce("s5", "view")); // late: the viewer is gone
        sfu.closeStream("s5");
    }

    @Test
    public void aPublisherReOfferWithNewCredentialsRestartsIceOnTheSamePublication() throws Exception {
        String offer = sdp("chrome-offer.sdp");
        String first = sfu.publish("s7", "pub", offer, new Sink());
        var publisher = sfu.room("s7").publisher();
        String restartOffer = offer.replace("a=ice-ufrag:RHtU", "a=ice-ufrag:NeW1")
                .replace("a=ice-pwd:VQcDMpg0TMkxpdzPaEMM1ZA7", "a=ice-pwd:Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2");
        String second = sfu.publish("s7", "pub", restartOffer, new Sink());
        String ufrag1 = new SdpParser().parse(first).media().get(0).attribute("ice-ufrag").orElseThrow();
        String ufrag2 = new SdpParser().parse(second).media().get(0).attribute("ice-ufrag").orElseThrow();
        assertFalse(ufrag1.equals(ufrag2), "our answer has new credentials too");
        assertTrue(sfu.room("s7").publisher() == publisher, "the same publication: no new peer, no new DTLS");
        assertEquals(publisher.transport().debugState().get("iceRestartsRequested"), 1);

        // the same ufrag again: a plain re-offer, published as before (replaces the publication)
        sfu.publish("s7", "pub", restartOffer, new Sink());
        var replaced = sfu.room("s7").publisher();
        assertFalse(replaced == publisher, "not a restart: a new publication");
        // a new certificate with a new ufrag: a new peer connection, not a restart
        String newPc = offer.replace("a=ice-ufrag:RHtU", "a=ice-ufrag:NeW2").replace("BF:D3:7E", "BF:D3:7F");
        sfu.publish("s7", "pub", newPc, new Sink());
        assertFalse(sfu.room("s7").publisher() == replaced, "a new fingerprint is a new publication");
        sfu.closeStream("s7");
    }

    @Test
    public void aWhepViewerRestartsWithItsNewCredentialsAndGetsOurs() throws Exception {
        sfu.publish("s6", "pub", sdp("chrome-offer.sdp"), new Sink());
        String whepOffer = sdp("firefox-offer.sdp").replace("a=sendrecv", "a=recvonly").replaceAll("a=ssrc[^\r\n]*\r\n", "");
        String answer = sfu.answerViewer("s6", "whep-1", whepOffer, new Sink());
        String ourUfrag = new SdpParser().parse(answer).media().get(0).attribute("ice-ufrag").orElseThrow();
        String theirUfrag = new SdpParser().parse(whepOffer).media().get(0).attribute("ice-ufrag")
                .orElseGet(() -> whepOffer.replaceAll("(?s).*a=ice-ufrag:([^\r\n]+).*", "$1"));
        expectCode("ICE_CREDENTIALS_UNCHANGED", () -> sfu.restartIceAnswering("s6", "whep-1", theirUfrag,
                "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2", List.of(), false));
        expectCode("INVALID_ICE_CREDENTIALS", () -> sfu.restartIceAnswering("s6", "whep-1", "x", "y", List.of(), false));
        MediaPlane.IceRestartAnswer ours = sfu.restartIceAnswering("s6", "whep-1", "nEw9", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2",
                List.of("candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host"), true);
        assertFalse(ours.iceUfrag().equals(ourUfrag));
        assertTrue(ours.icePwd().length() >= 22);
        assertFalse(ours.candidates().isEmpty());
        assertTrue(ours.candidates().get(0).contains(" " + sfu.udpPort() + " "), "the same shared port");
        sfu.subscribe("s6", "sio-1", new Sink());
        expectCode("INVALID_STATE", () -> sfu.restartIceAnswering("s6", "sio-1", "nEw9", "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2",
                List.of(), false)); // we offered to it: it asks for a restart offer instead
        sfu.closeStream("s6");
    }

    @Test
    public void peersThatNeverConnectAreFreedAndReported() throws Exception {
        Sink publisher = new Sink();
        Sink viewer = new Sink();
        sfu.publish("s4", "pub", sdp("chrome-offer.sdp"), publisher);
        sfu.subscribe("s4", "view", viewer);
        long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
        while ((publisher.closed.isEmpty() || viewer.closed.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        // this SFU's connect timeout is 2 s: ICE fails, the SFU frees both and tells signaling why
        assertEquals(viewer.closed.size(), 1);
        assertTrue(viewer.closed.get(0).contains("connect timeout"), viewer.closed.toString());
        assertEquals(publisher.closed.size(), 1);
        assertFalse(sfu.isPublished("s4"));
        assertNull(roomOf("s4"));
    }

    @Test
    public void aTakenPortIsReportedAtStart() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            IceConfig ice = IceConfig.defaults().withBindAddresses(List.of(InetAddress.getLoopbackAddress()));
            IOException e = expectThrows(IOException.class,
                    () -> Sfu.start(new MediaConfig(taken.getLocalPort(), ""), ice));
            assertNotNull(e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> roomOf(String streamId) {
        return (Map<String, Object>) ((Map<String, Object>) sfu.debugState().get("rooms")).get(streamId);
    }

    private static void expectCode(String code, org.testng.Assert.ThrowingRunnable call) {
        MediaException e = expectThrows(MediaException.class, call);
        assertEquals(e.code(), code, e.getMessage());
    }
}
