package io.relaycast.signaling.chat;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.StreamDraft;
import io.relaycast.signaling.testing.Services;
import io.relaycast.signaling.testing.OnBothEngines;
import org.testng.annotations.Factory;
import org.testng.annotations.Test;

import java.util.ArrayList;
import java.util.List;

import static io.relaycast.signaling.testing.Services.titled;
import static io.relaycast.signaling.testing.Services.user;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertFalse;
import static org.testng.Assert.assertNull;
import static org.testng.Assert.assertTrue;
import static org.testng.Assert.expectThrows;

/** Chat rules and history over a real database, on PostgreSQL and on H2. */
public class ChatServiceTest extends OnBothEngines {

    @Factory(dataProvider = "engines", dataProviderClass = OnBothEngines.class)
    public ChatServiceTest(String engine) {
        super(engine);
    }

    private String stream(Principal owner, StreamDraft d) {
        return s.streams.create(owner, d).stream().id();
    }

    @Test
    public void messageIsTrimmedStoredAndAnnounced() {
        List<Comment> heard = new ArrayList<>();
        s.chat.addListener(new ChatListener() {
            @Override
            public void onMessage(Comment c) {
                heard.add(c);
            }
        });
        String id = stream(user("o"), titled("chat"));
        Principal ann = user("Ann");
        Comment c = s.chat.post(ann, id, "  hello there \n");
        assertEquals(c.content(), "hello there");
        assertEquals(c.displayName(), "Ann");
        assertEquals(c.userId(), ann.userId());
        assertTrue(heard.stream().anyMatch(h -> h.id().equals(c.id())));
        assertEquals(s.chat.history(null, id, null, 10).items().get(0).id(), c.id());
    }

    @Test
    public void lengthIsOneToFiveHundredAfterTrimming() {
        String id = stream(user("o"), titled("len"));
        assertEquals(code(() -> s.chat.post(user("a"), id, "   ")), ErrorCode.VALIDATION_FAILED);
        assertEquals(code(() -> s.chat.post(user("a"), id, "")), ErrorCode.VALIDATION_FAILED);
        assertEquals(code(() -> s.chat.post(user("a"), id, null)), ErrorCode.VALIDATION_FAILED);
        assertEquals(code(() -> s.chat.post(user("a"), id, "x".repeat(501))), ErrorCode.VALIDATION_FAILED);
        assertEquals(code(() -> s.chat.post(user("a"), id, "nul\u0000byte")), ErrorCode.VALIDATION_FAILED);
        assertEquals(s.chat.post(user("b"), id, "  " + "x".repeat(500) + "  ").content().length(), 500);
        // 500 emoji are 1000 UTF-16 chars but 500 characters to a person
        assertEquals(s.chat.post(user("c"), id, "\uD83D\uDD25".repeat(500)).content().codePointCount(0, 1000), 500);
    }

    @Test
    public void rateLimitIsPerUserAndRoom() {
        String room = stream(user("o"), titled("rate"));
        String otherRoom = stream(user("o2"), titled("rate2"));
        Principal fast = user("fast");
        for (int i = 0; i < 5; i++) {
            s.chat.post(fast, room, "m" + i);
        }
        assertEquals(code(() -> s.chat.post(fast, room, "sixth")), ErrorCode.RATE_LIMITED);
        s.chat.post(fast, otherRoom, "other room is fine");
        s.chat.post(user("someone else"), room, "others unaffected");
        s.clock.advance(10_001);
        s.chat.post(fast, room, "after the window");
    }

    @Test
    public void slowModeSpacesMessagesButNotTheOwners() {
        Principal owner = user("owner");
        String id = stream(owner, new StreamDraft("slow", null, null, null, null, null, null, null, null, null, "slow", 30));
        Principal viewer = user("v");
        s.chat.post(viewer, id, "one");
        ServiceException e = expectThrows(ServiceException.class, () -> s.chat.post(viewer, id, "two"));
        assertEquals(e.code(), ErrorCode.SLOW_MODE);
        assertTrue(e.getMessage().contains("30"), e.getMessage());
        s.chat.post(owner, id, "owner 1");
        s.chat.post(owner, id, "owner 2");
        s.clock.advance(30_000);
        s.chat.post(viewer, id, "two, later");
    }

    @Test
    public void chatOffAndFollowersOnlyAnswerWithCodes() {
        Principal owner = user("owner");
        String off = stream(owner, new StreamDraft("off", null, null, null, null, null, null, null, false, null, null, null));
        assertEquals(code(() -> s.chat.post(user("v"), off, "hi")), ErrorCode.CHAT_DISABLED);
        String fans = stream(owner, new StreamDraft("fans", null, null, null, null, null, null, null, null, null, "followers", null));
        Principal stranger = user("stranger");
        assertEquals(code(() -> s.chat.post(stranger, fans, "hi")), ErrorCode.FOLLOWERS_ONLY);
        s.users.follow(stranger, owner.userId());
        s.chat.post(stranger, fans, "now I follow");
        s.chat.post(Services.moderator("mod"), fans, "moderators may");
    }

    @Test
    public void endedStreamsCloseChat() {
        Principal owner = user("owner");
        String id = stream(owner, titled("ending"));
        s.streams.start(owner, id);
        s.streams.end(owner, id);
        assertEquals(code(() -> s.chat.post(user("late"), id, "hello?")), ErrorCode.STREAM_ENDED);
    }

    @Test
    public void historyPagesBackwardsWithACursor() {
        String id = stream(user("o"), titled("history"));
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            Principal p = user("p" + i);
            sent.add(s.chat.post(p, id, "msg " + i).id());
        }
        CommentPage newest = s.chat.history(null, id, null, 5);
        assertEquals(newest.items().stream().map(Comment::id).toList(), sent.subList(7, 12), "newest five, oldest first");
        CommentPage older = s.chat.history(null, id, newest.nextCursor(), 5);
        assertEquals(older.items().stream().map(Comment::id).toList(), sent.subList(2, 7));
        CommentPage oldest = s.chat.history(null, id, older.nextCursor(), 5);
        assertEquals(oldest.items().stream().map(Comment::id).toList(), sent.subList(0, 2));
        assertNull(oldest.nextCursor(), "no page before the first");
        assertEquals(code(() -> s.chat.history(null, id, "not a cursor!", 5)), ErrorCode.VALIDATION_FAILED);
        assertEquals(code(() -> s.chat.history(null, id, null, 0)), ErrorCode.VALIDATION_FAILED);
    }

    @Test
    public void pinKeepsOnePinAndDeleteIsSoftAndGuarded() {
        Principal owner = user("owner");
        String id = stream(owner, titled("pins"));
        Principal author = user("author");
        Comment first = s.chat.post(author, id, "first");
        Comment second = s.chat.post(user("other"), id, "second");
        assertEquals(code(() -> s.chat.pin(author, id, first.id())), ErrorCode.FORBIDDEN);
        assertTrue(s.chat.pin(owner, id, first.id()).pinned());
        assertTrue(s.chat.pin(Services.moderator("mod"), id, second.id()).pinned());
        assertFalse(s.comments.find(id, first.id()).orElseThrow().pinned(), "pinning unpins the previous one");
        assertEquals(s.comments.pinned(id).orElseThrow().id(), second.id());

        assertEquals(code(() -> s.chat.delete(author, id, second.id())), ErrorCode.FORBIDDEN, "not the author's");
        s.chat.delete(author, id, first.id()); // authors may delete their own
        s.chat.delete(owner, id, second.id());
        assertTrue(s.chat.history(null, id, null, 10).items().isEmpty());
        assertTrue(s.comments.find(id, first.id()).orElseThrow().deletedAt() != null, "soft: the row stays");
        assertEquals(code(() -> s.chat.delete(owner, id, first.id())), ErrorCode.COMMENT_NOT_FOUND);
        assertEquals(code(() -> s.chat.pin(owner, id, "missing")), ErrorCode.COMMENT_NOT_FOUND);
    }

    private static ErrorCode code(Runnable r) {
        return expectThrows(ServiceException.class, r::run).code();
    }
}
