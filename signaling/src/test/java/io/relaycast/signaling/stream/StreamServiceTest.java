package io.relaycast.signaling.stream;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.testing.Services;
import io.relaycast.signaling.testing.OnBothEngines;
import io.relaycast.signaling.testing.TestDatabases;
import org.testng.annotations.Factory;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.List;

import static io.relaycast.signaling.testing.Services.titled;
import static io.relaycast.signaling.testing.Services.user;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNotEquals;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** Stream lifecycle and listings over a real database, on PostgreSQL and on H2. */
public class StreamServiceTest extends OnBothEngines {

    @Factory(dataProvider = "engines", dataProviderClass = OnBothEngines.class)
    public StreamServiceTest(String engine) {
        super(engine);
    }

    @Test
    public void createdStreamRoundTripsEveryField() {
        Principal owner = user("Ann");
        long at = s.clock.millis() + 3_600_000;
        var draft = new StreamDraft("  Cooking live ", "pasta", "food", List.of("pasta", "live", "pasta"), "1080p",
                "followers", at, true, false, false, "slow", 30);
        var created = s.streams.create(owner, draft);
        Stream read = s.streams.require(created.stream().id());
        assertEquals(read.title(), "Cooking live");
        assertEquals(read.description(), "pasta");
        assertEquals(read.category(), "food");
        assertEquals(read.tags(), List.of("pasta", "live"), "duplicates removed, order kept");
        assertEquals(read.quality(), "1080p");
        assertEquals(read.visibility(), Visibility.FOLLOWERS);
        assertEquals(read.status(), StreamStatus.SCHEDULED);
        assertEquals(read.scheduledAt(), Long.valueOf(at));
        assertTrue(read.recordingEnabled());
        assertFalse(read.chatEnabled());
        assertFalse(read.reactionsEnabled());
        assertEquals(read.chatMode(), ChatMode.SLOW);
        assertEquals(read.slowModeSeconds(), 30);
        assertNull(read.startedAt());
        assertTrue(created.streamKey().startsWith("rk_"));
    }

    @Test
    public void streamKeyIsStoredHashedAndRotationKillsTheOldKey() {
        Principal owner = user("Key");
        var created = s.streams.create(owner, titled("k"));
        String id = created.stream().id();
        String stored = s.streamRepository.keyHash(id).orElseThrow();
        assertNotEquals(stored, created.streamKey());
        assertFalse(stored.contains(created.streamKey()));
        assertTrue(s.streams.verifyStreamKey(id, created.streamKey()));
        var rotated = s.streams.rotateKey(owner, id);
        assertNotEquals(rotated.streamKey(), created.streamKey());
        assertFalse(s.streams.verifyStreamKey(id, created.streamKey()), "old key dead at once");
        assertTrue(s.streams.verifyStreamKey(id, rotated.streamKey()));
        assertFalse(s.streams.verifyStreamKey(id, null));
        assertFalse(s.streams.verifyStreamKey("no-such-stream", rotated.streamKey()));
    }

    @Test
    public void lifecycleOnlyMovesAlongItsEdges() {
        Principal owner = user("Life");
        String id = s.streams.create(owner, titled("life")).stream().id();
        assertEquals(code(() -> s.streams.end(owner, id)), ErrorCode.STREAM_NOT_LIVE, "no end before start");
        Stream live = s.streams.start(owner, id);
        assertEquals(live.status(), StreamStatus.LIVE);
        assertEquals(live.startedAt(), Long.valueOf(s.clock.millis()));
        assertEquals(code(() -> s.streams.start(owner, id)), ErrorCode.STREAM_ALREADY_LIVE);
        assertEquals(code(() -> s.streams.cancel(owner, id)), ErrorCode.STREAM_ALREADY_LIVE);
        s.clock.advance(5_000);
        Stream ended = s.streams.end(owner, id);
        assertEquals(ended.status(), StreamStatus.ENDED);
        assertEquals(ended.endedAt() - ended.startedAt(), 5_000L);
        assertEquals(code(() -> s.streams.start(owner, id)), ErrorCode.STREAM_ENDED);
        assertEquals(code(() -> s.streams.update(owner, id, titled("x"))), ErrorCode.INVALID_TRANSITION);

        String other = s.streams.create(owner, titled("cancel me")).stream().id();
        assertEquals(s.streams.cancel(owner, other).status(), StreamStatus.CANCELLED);
        assertEquals(code(() -> s.streams.start(owner, other)), ErrorCode.STREAM_CANCELLED, "no start of a cancelled stream");
        assertEquals(code(() -> s.streams.cancel(owner, other)), ErrorCode.STREAM_CANCELLED);
    }

    @Test
    public void racingTransitionsHaveOneWinner() {
        Principal owner = user("Race");
        String id = s.streams.create(owner, titled("race")).stream().id();
        assertTrue(s.streamRepository.transition(id, StreamStatus.SCHEDULED, StreamStatus.LIVE, "started_at", 1));
        assertFalse(s.streamRepository.transition(id, StreamStatus.SCHEDULED, StreamStatus.LIVE, "started_at", 2));
        assertFalse(s.streamRepository.transition(id, StreamStatus.SCHEDULED, StreamStatus.CANCELLED, "cancelled_at", 2));
        assertEquals(s.streams.require(id).startedAt(), Long.valueOf(1));
    }

    @Test
    public void onlyTheOwnerManagesAStream() {
        Principal owner = user("Own");
        Principal stranger = user("Str");
        String id = s.streams.create(owner, titled("mine")).stream().id();
        assertEquals(code(() -> s.streams.start(stranger, id)), ErrorCode.NOT_OWNER);
        assertEquals(code(() -> s.streams.update(stranger, id, titled("x"))), ErrorCode.NOT_OWNER);
        assertEquals(code(() -> s.streams.rotateKey(stranger, id)), ErrorCode.NOT_OWNER);
        assertEquals(code(() -> s.streams.cancel(stranger, id)), ErrorCode.NOT_OWNER);
        assertEquals(s.streams.require(id).status(), StreamStatus.SCHEDULED);
    }

    @Test
    public void invalidDraftsAreRefusedWithAMessage() {
        Principal owner = user("Bad");
        for (StreamDraft d : List.of(titled(""), titled("   "), titled("x".repeat(121)),
                new StreamDraft("t", null, null, null, "999p", null, null, null, null, null, null, null),
                new StreamDraft("t", null, null, null, null, "secret", null, null, null, null, null, null),
                new StreamDraft("t", null, null, null, null, null, null, null, null, null, "loud", null),
                new StreamDraft("t", null, null, List.of("<script>"), null, null, null, null, null, null, null, null),
                new StreamDraft("t", null, null, null, null, null, s.clock.millis() - 3_600_000, null, null, null, null, null),
                new StreamDraft("t", null, null, null, null, null, null, null, null, null, "slow", 0))) {
            ServiceException e = expectThrows(ServiceException.class, () -> s.streams.create(owner, d));
            assertEquals(e.code(), ErrorCode.VALIDATION_FAILED, String.valueOf(d));
            assertFalse(e.getMessage().isBlank());
        }
        assertEquals(code(() -> s.streams.create(owner, new StreamDraft(null, null, null, null, null, null, null, null,
                null, null, null, null))), ErrorCode.VALIDATION_FAILED, "title required");
    }

    @Test
    public void liveListingOrdersByViewersAndHidesFollowersOnlyFromStrangers() {
        String category = "cat-" + engine + "-" + System.nanoTime();
        Principal a = user("A");
        Principal b = user("B");
        Principal c = user("C");
        Principal fan = user("Fan");
        String quiet = live(a, category, "public");
        String busy = live(b, category, "public");
        String secret = live(c, category, "followers");
        s.users.follow(fan, c.userId());
        for (int i = 0; i < 3; i++) {
            s.viewers.join(user("v" + i), null, busy, "api");
        }
        s.viewers.join(user("w"), null, quiet, "api");

        Page<Stream> strangers = s.streams.live(user("Nobody"), category, 10, 0);
        assertEquals(ids(strangers), List.of(busy, quiet));
        assertEquals(strangers.items().get(0).viewerCount(), 3);
        assertEquals(strangers.total(), 2);
        Page<Stream> anonymous = s.streams.live(null, category, 10, 0);
        assertEquals(ids(anonymous), List.of(busy, quiet));
        Page<Stream> fans = s.streams.live(fan, category, 10, 0);
        assertEquals(fans.total(), 3);
        assertTrue(ids(fans).contains(secret));
        Page<Stream> second = s.streams.live(fan, category, 2, 2);
        assertEquals(second.items().size(), 1, "paging: offset 2 of 3");
        assertEquals(code(() -> s.streams.live(fan, category, 0, 0)), ErrorCode.VALIDATION_FAILED);
        assertEquals(code(() -> s.streams.live(fan, category, 1000, 0)), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    public void scheduledListingIsSoonestFirstAndMineHasEverything() {
        Principal owner = user("Sched");
        long now = s.clock.millis();
        String later = s.streams.create(owner, new StreamDraft("later", null, null, null, null, null, now + 7_200_000,
                null, null, null, null, null)).stream().id();
        String sooner = s.streams.create(owner, new StreamDraft("sooner", null, null, null, null, null, now + 3_600_000,
                null, null, null, null, null)).stream().id();
        String cancelled = s.streams.create(owner, titled("gone")).stream().id();
        s.streams.cancel(owner, cancelled);
        List<String> scheduled = ids(s.streams.scheduled(null, 100, 0));
        assertTrue(scheduled.indexOf(sooner) >= 0 && scheduled.indexOf(sooner) < scheduled.indexOf(later), scheduled.toString());
        List<String> mine = ids(s.streams.ownedBy(owner, owner.userId(), 100, 0));
        assertEquals(mine.size(), 3);
        assertTrue(mine.contains(cancelled));
        assertFalse(ids(s.streams.ownedBy(user("x"), owner.userId(), 100, 0)).contains(cancelled),
                "others do not see cancelled streams");
    }

    @Test
    public void eligibilityFollowsTheFollowGraph() {
        try (Services strict = new Services(TestDatabases.open(engine), 2)) {
            Principal star = user("Star");
            Eligibility e = strict.streams.eligibility(star.userId());
            assertFalse(e.eligible());
            assertEquals(e.required(), 2);
            assertEquals(e.followerCount(), 0);
            assertTrue(e.reason().contains("2"));
            assertEquals(code(() -> strict.streams.create(star, titled("nope"))), ErrorCode.NOT_ELIGIBLE);
            strict.users.follow(user("f1"), star.userId());
            Principal f2 = user("f2");
            strict.users.follow(f2, star.userId());
            strict.users.follow(f2, star.userId()); // idempotent
            assertEquals(strict.streams.eligibility(star.userId()).followerCount(), 2);
            String id = strict.streams.create(star, titled("yes")).stream().id();
            strict.users.unfollow(f2, star.userId());
            assertEquals(code(() -> strict.streams.start(star, id)), ErrorCode.NOT_ELIGIBLE, "start re-checks eligibility");
        }
    }

    @Test
    public void followersOnlyStreamsAdmitFollowersOwnerAndAdmins() {
        Principal owner = user("Priv");
        String id = s.streams.create(owner, new StreamDraft("private", null, null, null, null, "followers", null, null,
                null, null, null, null)).stream().id();
        Principal fan = user("fan");
        s.users.follow(fan, owner.userId());
        assertEquals(s.streams.requireVisible(fan, id).id(), id);
        assertEquals(s.streams.requireVisible(owner, id).id(), id);
        assertEquals(s.streams.requireVisible(new Principal("adm", "adm", java.util.Set.of(Principal.ADMIN)), id).id(), id);
        assertEquals(code(() -> s.streams.requireVisible(user("stranger"), id)), ErrorCode.FOLLOWERS_ONLY);
        assertEquals(code(() -> s.streams.requireVisible(null, id)), ErrorCode.FOLLOWERS_ONLY);
        assertEquals(code(() -> s.streams.require("nope")), ErrorCode.STREAM_NOT_FOUND);
    }

    @Test
    public void listenersHearTransitions() {
        List<String> heard = new ArrayList<>();
        s.streams.addListener(new StreamLifecycleListener() {
            @Override
            public void onStarted(Stream stream) {
                heard.add("start:" + stream.id());
            }

            @Override
            public void onEnded(Stream stream) {
                heard.add("end:" + stream.id());
            }
        });
        Principal owner = user("L");
        String id = s.streams.create(owner, titled("l")).stream().id();
        s.streams.start(owner, id);
        s.streams.end(owner, id);
        assertTrue(heard.containsAll(List.of("start:" + id, "end:" + id)), heard.toString());
    }

    private String live(Principal owner, String category, String visibility) {
        String id = s.streams.create(owner, new StreamDraft("t", null, category, null, null, visibility, null, null,
                null, null, null, null)).stream().id();
        s.streams.start(owner, id);
        return id;
    }

    private static List<String> ids(Page<Stream> p) {
        return p.items().stream().map(Stream::id).toList();
    }

    static ErrorCode code(Runnable r) {
        return expectThrows(ServiceException.class, r::run).code();
    }
}
