package io.relaycast.signaling.moderation;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.testing.OnBothEngines;
import org.testng.annotations.Factory;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.List;

import static io.relaycast.signaling.testing.Services.moderator;
import static io.relaycast.signaling.testing.Services.titled;
import static io.relaycast.signaling.testing.Services.user;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** Bans and timeouts over a real database, on PostgreSQL and on H2, with a hand-moved clock. */
public class ModerationServiceTest extends OnBothEngines {

    @Factory(dataProvider = "engines", dataProviderClass = OnBothEngines.class)
    public ModerationServiceTest(String engine) {
        super(engine);
    }

    private String liveStream(Principal owner) {
        String id = s.streams.create(owner, titled("Moderated")).stream().id();
        s.streams.start(owner, id);
        return id;
    }

    private static ErrorCode refusal(Runnable r) {
        return expectThrows(ServiceException.class, r::run).code();
    }

    @Test
    public void aBannedUsersChatAndReactionsAreRefusedUntilUnbanned() {
        Principal owner = user("Owner");
        Principal troll = user("Troll");
        Principal fan = user("Fan");
        String id = liveStream(owner);
        List<Ban> told = new ArrayList<>();
        s.moderation.addListener(new ModerationListener() {
            @Override
            public void onBanned(Ban ban) {
                told.add(ban);
            }
        });
        s.chat.post(troll, id, "before");
        Ban b = s.moderation.ban(owner, id, troll.userId(), null, "spam");
        assertEquals(told, List.of(b), "listeners told once");
        assertEquals(refusal(() -> s.chat.post(troll, id, "after")), ErrorCode.BANNED);
        assertEquals(refusal(() -> s.reactions.react(troll, id, "fire", null, null)), ErrorCode.BANNED);
        s.chat.post(fan, id, "others chat on");
        s.reactions.react(fan, id, "fire", null, null);
        assertEquals(s.moderation.active(owner, id).size(), 1);
        assertEquals(s.moderation.active(owner, id).get(0).reason(), "spam");

        s.moderation.unban(owner, id, troll.userId());
        s.chat.post(troll, id, "back");
        assertTrue(s.moderation.active(owner, id).isEmpty());
        assertEquals(refusal(() -> s.moderation.unban(owner, id, troll.userId())), ErrorCode.NOT_FOUND);
    }

    @Test
    public void aTimeoutEndsByItself() {
        Principal owner = user("Owner");
        Principal loud = user("Loud");
        String id = liveStream(owner);
        Ban b = s.moderation.ban(moderator("Mod"), id, loud.userId(), 60L, null);
        assertEquals((long) b.expiresAt(), s.clock.millis() + 60_000);
        assertEquals(refusal(() -> s.chat.post(loud, id, "hi")), ErrorCode.BANNED);
        s.clock.advance(59_000);
        assertEquals(refusal(() -> s.chat.post(loud, id, "hi")), ErrorCode.BANNED);
        assertEquals(s.moderation.active(owner, id).size(), 1);
        s.clock.advance(1_001);
        s.chat.post(loud, id, "hi again");
        s.reactions.react(loud, id, "clap", null, null);
        assertTrue(s.moderation.active(owner, id).isEmpty(), "an expired timeout is not listed");
    }

    @Test
    public void onlyTheOwnerOrAModeratorBansAndTheOwnerCannotBeBanned() {
        Principal owner = user("Owner");
        Principal viewer = user("Viewer");
        String id = liveStream(owner);
        assertEquals(refusal(() -> s.moderation.ban(viewer, id, user("X").userId(), null, null)), ErrorCode.FORBIDDEN);
        assertEquals(refusal(() -> s.moderation.active(viewer, id)), ErrorCode.FORBIDDEN);
        assertEquals(refusal(() -> s.moderation.ban(moderator("Mod"), id, owner.userId(), null, null)), ErrorCode.VALIDATION_FAILED);
        assertEquals(refusal(() -> s.moderation.ban(owner, id, viewer.userId(), 0L, null)), ErrorCode.VALIDATION_FAILED);
        assertEquals(refusal(() -> s.moderation.ban(owner, id, viewer.userId(), 8L * 24 * 3600, null)), ErrorCode.VALIDATION_FAILED);
        assertEquals(refusal(() -> s.moderation.ban(owner, id, "", null, null)), ErrorCode.VALIDATION_FAILED);
        assertFalse(s.moderation.active(owner, id).stream().anyMatch(b -> b.userId().equals(viewer.userId())));
        // a ban on one stream is not a ban on another
        String other = liveStream(owner);
        s.moderation.ban(owner, id, viewer.userId(), null, null);
        s.chat.post(viewer, other, "elsewhere is fine");
    }

    @Test
    public void unpinClearsThePin() {
        Principal owner = user("Owner");
        String id = liveStream(owner);
        var c = s.chat.post(user("A"), id, "pin me");
        assertTrue(s.chat.pin(owner, id, c.id()).pinned());
        assertEquals(refusal(() -> s.chat.unpin(user("B"), id, c.id())), ErrorCode.FORBIDDEN);
        assertFalse(s.chat.unpin(moderator("Mod"), id, c.id()).pinned());
    }
}
