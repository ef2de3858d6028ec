package io.relaycast.signaling.chat;

import io.relaycast.signaling.auth.Principal;
import io.relaycast.signaling.stream.StreamDraft;
import io.relaycast.signaling.testing.OnBothEngines;
import org.testng.annotations.Factory;
import org.testng.annotations.Test;

import static io.relaycast.signaling.testing.Services.titled;
import static io.relaycast.signaling.testing.Services.user;
import static org.testng.Assert.assertEquals;
import static org.testng.Assert.assertTrue;

/** ChatService keeps no per-user state forever (issue 11 item 3: lastPost grew with every user who ever posted). */
public class ChatMemoryTest extends OnBothEngines {

    @Factory(dataProvider = "engines", dataProviderClass = OnBothEngines.class)
    public ChatMemoryTest(String engine) {
        super(engine);
    }

    @Test
    public void slowModeMemoryIsTrimmedAndOpenChatKeepsNone() {
        Principal owner = user("owner");
        String open = s.streams.create(owner, titled("open")).stream().id();
        String slow = s.streams.create(owner, new StreamDraft("slow", null, null, null, null, null, null, null, null,
                null, "slow", 30)).stream().id();
        for (int i = 0; i < 50; i++) {
            s.chat.post(user("open-" + i), open, "hi");
        }
        assertEquals(s.chat.slowModeEntries(), 0, "open chat needs no slow-mode memory");
        for (int i = 0; i < 50; i++) {
            s.chat.post(user("slow-" + i), slow, "hi");
        }
        assertEquals(s.chat.slowModeEntries(), 50);
        s.clock.advance(3_600_000 + 61_000); // past the longest slow-mode gap, and past the trim interval
        s.chat.post(user("late"), slow, "still here");
        assertTrue(s.chat.slowModeEntries() <= 1, "an hour later only the new poster is kept: " + s.chat.slowModeEntries());
    }
}
