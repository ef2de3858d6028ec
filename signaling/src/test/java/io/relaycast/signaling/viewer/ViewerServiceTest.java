package io.relaycast.signaling.viewer;

import io.relaycast.signaling.analytics.MediaSample;
import io.relaycast.signaling.analytics.StreamAnalytics;
import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.testing.Services;
import io.relaycast.signaling.testing.OnBothEngines;
import org.testng.annotations.Factory;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.List;

import static io.relaycast.signaling.testing.Services.titled;
import static io.relaycast.signaling.testing.Services.user;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertNotNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** Viewer sessions, counts and analytics over a real database, on PostgreSQL and on H2. */
public class ViewerServiceTest extends OnBothEngines {

    @Factory(dataProvider = "engines", dataProviderClass = OnBothEngines.class)
    public ViewerServiceTest(String engine) {
        super(engine);
    }

    private String liveStream(Principal owner) {
        String id = s.streams.create(owner, titled("watch")).stream().id();
        s.streams.start(owner, id);
        return id;
    }

    @Test
    public void currentPeakAndUniqueFollowJoinsAndLeaves() {
        String id = liveStream(user("o"));
        Principal ann = user("ann");
        Principal bob = user("bob");
        ViewerSession a1 = s.viewers.join(ann, null, id, "api");
        ViewerSession b1 = s.viewers.join(bob, null, id, "api");
        ViewerSession a2 = s.viewers.join(ann, null, id, "api"); // second tab
        s.viewers.join(null, "conn-1", id, "api");
        assertEquals(s.viewers.stats(null, id), new ViewerStats(4, 4, 3));
        s.clock.advance(42_000);
        ViewerSession left = s.viewers.leave(ann, id, a1.id());
        assertEquals(left.leftAt() - left.joinedAt(), 42_000L, "watch time");
        s.viewers.leave(bob, id, b1.id());
        s.viewers.leave(bob, id, b1.id()); // twice is harmless
        assertEquals(s.viewers.stats(null, id), new ViewerStats(2, 4, 3));
        assertEquals(code(() -> s.viewers.leave(bob, id, a2.id())), ErrorCode.FORBIDDEN, "someone else's session");
        assertEquals(code(() -> s.viewers.leave(ann, id, "nope")), ErrorCode.SESSION_NOT_FOUND);
    }

    @Test
    public void joiningNeedsALiveVisibleStreamAndIsRateLimited() {
        Principal owner = user("o");
        String scheduled = s.streams.create(owner, titled("later")).stream().id();
        assertEquals(code(() -> s.viewers.join(user("v"), null, scheduled, "api")), ErrorCode.STREAM_NOT_LIVE);
        assertEquals(code(() -> s.viewers.join(user("v"), null, "missing", "api")), ErrorCode.STREAM_NOT_FOUND);
        String id = liveStream(owner);
        Principal reloader = user("reloader");
        for (int i = 0; i < 10; i++) {
            s.viewers.join(reloader, null, id, "api");
        }
        assertEquals(code(() -> s.viewers.join(reloader, null, id, "api")), ErrorCode.RATE_LIMITED);
        s.viewers.join(user("calm"), null, id, "api");
    }

    @Test
    public void endingAStreamClosesItsSessionsAndNotifies() {
        Principal owner = user("o");
        String id = liveStream(owner);
        List<String> changed = new ArrayList<>();
        s.viewers.addListener(changed::add);
        s.viewers.join(user("a"), null, id, "api");
        s.viewers.join(user("b"), null, id, "api");
        s.streams.end(owner, id);
        assertEquals(s.sessions.current(id), 0);
        assertTrue(changed.size() >= 3, changed.toString());
    }

    @Test
    public void analyticsAddUpTotalsAveragesAndMinutes() {
        Principal owner = user("owner");
        s.clock.advance(60_000 - s.clock.millis() % 60_000); // start on a minute boundary
        String id = liveStream(owner);
        Principal a = user("a");
        Principal b = user("b");
        ViewerSession sa = s.viewers.join(a, null, id, "api");
        s.chat.post(a, id, "hi");
        s.reactions.react(a, id, "fire", 10.0, 90.0);
        s.reactions.react(b, id, "fire", null, null);
        s.reactions.react(b, id, "wow", null, null);
        s.analytics.recordSample(id, owner.userId(), "publisher", new MediaSample(2_000_000L, 30.0, 1280, 720, 0.5, 40.0));
        s.analytics.recordSample(id, owner.userId(), "publisher", new MediaSample(1_000_000L, 30.0, 1280, 720, 1.5, 60.0));
        s.clock.advance(60_000);
        ViewerSession sb = s.viewers.join(b, null, id, "api");
        s.clock.advance(60_000);
        s.viewers.leave(a, id, sa.id());
        s.viewers.leave(b, id, sb.id());
        s.streams.end(owner, id);

        StreamAnalytics an = s.analytics.forOwner(owner, id);
        assertEquals(an.totalViews(), 2);
        assertEquals(an.uniqueViewers(), 2);
        assertEquals(an.peakViewers(), 2);
        assertEquals(an.durationSeconds(), 120);
        assertEquals(an.totalWatchTimeSeconds(), 180, "120 s + 60 s");
        assertEquals(an.averageViewers(), 1.5, 0.001, "180 s of watching over 120 s");
        assertEquals(an.averageWatchTimeSeconds(), 90.0, 0.001);
        assertEquals(an.comments(), 1);
        assertEquals(an.reactions(), 3);
        assertEquals(an.reactionsByType().get("fire"), Integer.valueOf(2));
        assertEquals(an.reactionsByType().get("wow"), Integer.valueOf(1));
        assertEquals(an.perMinute().size(), 3, "minutes 0, 1 and the end minute");
        assertEquals(an.perMinute().get(0).viewers(), 1);
        assertEquals(an.perMinute().get(0).comments(), 1);
        assertEquals(an.perMinute().get(0).reactions(), 3);
        assertEquals(an.perMinute().get(1).viewers(), 2);
        assertEquals(an.perMinute().get(1).joins(), 1);
        assertEquals(an.mediaHealth().size(), 1);
        assertEquals(((Number) an.mediaHealth().get(0).get("bitrate")).doubleValue(), 1_500_000.0, 0.1);
        assertEquals(((Number) an.mediaHealth().get(0).get("packetLoss")).doubleValue(), 1.0, 0.001);
        assertEquals(code(() -> s.analytics.forOwner(a, id)), ErrorCode.NOT_OWNER);
        assertEquals(code(() -> s.analytics.recordSample(id, "x", "publisher",
                new MediaSample(-1L, null, null, null, null, null))), ErrorCode.VALIDATION_FAILED);
        assertNotNull(an.perMinute().get(2).at());
    }

    private static ErrorCode code(Runnable r) {
        return expectThrows(ServiceException.class, r::run).code();
    }
}
