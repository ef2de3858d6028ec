package io.relaycast.web.load;

import io.relaycast.load.LoadCommand;
import io.relaycast.load.LoadOptions;
import io.relaycast.load.LoadRun;
import io.relaycast.load.LoadSummary;
import io.relaycast.web.TestServer;
import org.testng.annotations.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;

/**
 * {@code relaycast load} against a real server (this run's PostgreSQL, the real SFU on loopback): the tool creates
 * a stream, publishes its synthetic VP8+Opus stream over WHIP, and 50 WebRTC viewers (Socket.IO signaling, ICE,
 * DTLS, SRTP) and 20 chatters hold for 20 s. The summary must show every viewer connected and receiving at the
 * publisher's rate, chat delivered to every chatter, and no error; the server's own viewer count must agree.
 */
public class LoadToolTest {

    @Test
    public void fiftyViewersAndTwentyChattersAgainstARunningServer() throws Exception {
        try (TestServer s = TestServer.start()) {
            ByteArrayOutputStream progress = new ByteArrayOutputStream();
            LoadOptions o = LoadOptions.parse("--url", s.baseUrl(), "--viewers", "50", "--chatters", "20",
                    "--duration", "20s");
            LoadSummary r = new LoadRun(o, new PrintStream(progress, true, StandardCharsets.UTF_8)).run();
            String text = r.format() + "\nprogress:\n" + progress.toString(StandardCharsets.UTF_8);

            assertEquals(r.viewersConnected(), 50, text);
            assertEquals(r.viewersReceiving(), 50, text);
            // 30 frames/s, at least one packet each, for most of 20 s, for every viewer
            assertTrue(r.videoPackets() >= 50L * 30 * 15, text);
            assertTrue(r.audioPackets() >= 50L * 50 * 15, text);
            // the synthetic publisher sends 1,500 kbit/s of video plus audio: each viewer gets about that
            assertTrue(r.kbpsPerViewer() > 1000 && r.kbpsPerViewer() < 2500, text);
            assertTrue(r.lossPercent() < 1.0, text);
            assertNotNull(r.forwardMs(), text);
            assertNotNull(r.joinToFirstPacketMs(), text);
            assertNotNull(r.joinToKeyframeMs(), "the keyframe probe found no VP8 keyframe: " + text);

            assertEquals(r.chattersJoined(), 20, text);
            assertTrue(r.chatAccepted() >= 20L * 5, text); // a message every 3 s for 20 s, each
            assertEquals(r.chatExpected(), r.chatAccepted() * 20, text);
            assertTrue(r.chatReceived() >= r.chatExpected() * 0.99, text);
            assertTrue(r.chatLatencyMs()[0] < 1000, text);

            assertTrue(r.errors().isEmpty(), text);
            assertTrue(r.ok(), text);
            assertTrue(text.contains("50/50 connected"), text);
            assertTrue(progress.toString(StandardCharsets.UTF_8).contains("viewers"), text);

            // the server counted them too (peak over the run: 50 load viewers)
            var viewers = s.api.get("/api/v1/streams/" + r.streamId() + "/viewers", null);
            assertEquals(viewers.status(), 200, viewers.body());
            assertTrue(viewers.json().path("peak").asInt() >= 50, viewers.body());
        }
    }

    @Test
    public void aTargetThatRefusesIsSaidPlainly() throws Exception {
        int closed;
        try (ServerSocket free = new ServerSocket(0)) {
            closed = free.getLocalPort();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoadCommand.run(new String[] {"--url", "http://127.0.0.1:" + closed, "--viewers", "2",
                "--duration", "1s"}, new PrintStream(out), new PrintStream(err));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(status, 3, e);
        assertTrue(e.contains("refused the connection") && e.contains("is Relaycast running there"), e);
        assertEquals(out.size(), 0);
    }

    @Test
    public void aTargetThatIsNotRelaycastIsSaidPlainly() throws Exception {
        try (TestServer s = TestServer.start()) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            // the Socket.IO port answers HTTP, but not the REST API
            int status = LoadCommand.run(new String[] {"--url", s.socketUrl(), "--viewers", "1", "--duration", "1s"},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
            assertEquals(status, 3, err.toString(StandardCharsets.UTF_8));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("config/client"), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    public void badFlagsAreUsageErrors() {
        assertUsage(new String[] {"--viewrs", "3"}, "unknown option --viewrs");
        assertUsage(new String[] {"--viewers", "many"}, "--viewers must be a whole number");
        assertUsage(new String[] {"--duration", "soon"}, "--duration must be a duration");
        assertUsage(new String[] {"--url", "ftp://x"}, "--url must be http(s)");
        assertUsage(new String[] {"--viewers", "0"}, "nothing to run");
        assertUsage(new String[] {"stray"}, "unexpected argument 'stray'");
        assertUsage(new String[] {"--viewers"}, "--viewers needs a value");
        LoadOptions o = LoadOptions.parse("--viewers=5", "--duration", "1.5s", "--chat-interval", "500ms");
        assertEquals(o.viewers(), 5);
        assertEquals(o.duration().toMillis(), 1500);
        assertEquals(o.chatInterval().toMillis(), 500);
        assertNull(o.streamId());
    }

    private static void assertUsage(String[] args, String message) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoadCommand.run(args, new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        String e = err.toString(StandardCharsets.UTF_8);
        assertEquals(status, 2, e);
        assertTrue(e.contains(message), e);
    }
}
