package io.relaycast.sfu.ice;

import io.relaycast.sfu.ice.IceTestSupport.RecordingListener;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;
import org.testng.annotations.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.relaycast.sfu.ice.IceTestSupport.CONFIG;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertSame;
import static org.testng.Assert.assertTrue;

public class IceSessionsTest {
    private IceHarvesters port;

    @BeforeClass
    public void bind() throws Exception {
        port = IceTestSupport.loopbackHarvesters();
    }

    @AfterClass(alwaysRun = true)
    public void unbind() {
        port.close();
    }

    @Test
    public void keepsSessionsByLocalUfragAndFreesThem() throws Exception {
        try (IceSessions sessions = new IceSessions(port)) {
            RecordingListener events = new RecordingListener();
            IceSession a = sessions.create(IceRole.CONTROLLED, events);
            IceSession b = sessions.create(IceRole.CONTROLLING, new RecordingListener());
            assertEquals(sessions.size(), 2);
            assertSame(sessions.get(a.localUfrag()), a);
            assertSame(sessions.get(b.localUfrag()), b);
            assertNull(sessions.get("nobody"));

            Map<String, Map<String, Object>> debug = sessions.debugState();
            assertEquals(debug.keySet(), java.util.Set.of(a.localUfrag(), b.localUfrag()));
            Map<String, Object> one = debug.get(a.localUfrag());
            assertEquals(one.get("state"), "NEW");
            assertEquals(one.get("role"), "CONTROLLED");
            assertNull(one.get("selectedPair"));
            for (String key : List.of("bytesIn", "packetsIn", "bytesOut", "packetsOut")) {
                assertEquals(one.get(key), 0L, key);
            }

            assertTrue(sessions.free(a.localUfrag()));
            assertFalse(sessions.free(a.localUfrag()), "already freed");
            assertNull(sessions.get(a.localUfrag()));
            assertEquals(sessions.size(), 1);
            assertEquals(a.state(), IceSessionState.CLOSED);
            assertEquals(a.endReason(), IceEndReason.CLOSED_LOCALLY);
            assertFalse(events.closed.isDone(), "the SFU freed it: no need to tell it");
            assertEquals(a.send(new byte[] {(byte) 0x80}, 0, 1), SendStatus.NOT_CONNECTED);
        }
    }

    @Test
    public void closingTheRegistryClosesEverySession() throws Exception {
        IceSession s;
        try (IceSessions sessions = new IceSessions(port)) {
            s = sessions.create(IceRole.CONTROLLED, new RecordingListener());
        }
        assertEquals(s.state(), IceSessionState.CLOSED);
    }

    @Test
    public void failsAndFreesASessionThatNeverConnects() throws Exception {
        Duration connectTimeout = Duration.ofMillis(800);
        try (IceSessions sessions = new IceSessions(port, IceTestSupport.withConnectTimeout(connectTimeout))) {
            RecordingListener events = new RecordingListener();
            long created = System.nanoTime();
            IceSession s = sessions.create(IceRole.CONTROLLED, events);
            assertTrue(s.setRemoteCredentials("abcd", "0123456789abcdefghijkl"));
            assertTrue(s.start());

            IceEndReason reason = events.failed.get(3, TimeUnit.SECONDS);
            long afterMs = TimeUnit.NANOSECONDS.toMillis(events.endedAtNanos - created);
            assertEquals(reason, IceEndReason.CONNECT_TIMEOUT);
            assertTrue(afterMs >= connectTimeout.toMillis(), "failed after " + afterMs + " ms");
            assertEquals(s.state(), IceSessionState.FAILED);
            assertFalse(events.closed.isDone());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (sessions.size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(sessions.size(), 0);
            assertEquals(s.addRemoteCandidate("candidate:1 1 udp 1 192.0.2.1 5000 typ host"),
                    CandidateStatus.SESSION_ENDED);
        }
    }

    @Test
    public void appliesTimeoutsOnlyOnceDue() throws Exception {
        try (IceSessions sessions = new IceSessions(port)) {
            RecordingListener events = new RecordingListener();
            IceSession s = sessions.create(IceRole.CONTROLLED, events);
            long now = System.nanoTime();
            s.checkTimers(now);
            assertEquals(s.state(), IceSessionState.NEW);
            s.checkTimers(now + CONFIG.connectTimeout().toNanos() + 1);
            assertEquals(s.state(), IceSessionState.FAILED);
            assertEquals(events.failed.getNow(null), IceEndReason.CONNECT_TIMEOUT);
            // final: a later tick changes nothing and does not report twice
            s.checkTimers(now + CONFIG.connectTimeout().toNanos() * 10);
            assertEquals(s.endReason(), IceEndReason.CONNECT_TIMEOUT);
            sessions.sweep();
            assertEquals(sessions.size(), 0);
        }
    }

    @Test
    public void ticksOftenEnoughForTheShortestTimeout() {
        assertEquals(IceSessions.tickPeriod(IceConfig.defaults()), Duration.ofSeconds(1));
        assertEquals(IceSessions.tickPeriod(CONFIG), Duration.ofMillis(400));
        assertEquals(IceSessions.tickPeriod(IceTestSupport.withConnectTimeout(Duration.ofMillis(100))),
                Duration.ofMillis(50));
    }
}
