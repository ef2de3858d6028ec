package io.relaycast.signaling.stream;

import java.util.Locale;

/** Who may chat and how often: anyone, followers only, or anyone with a per-user delay (slow mode). */
public enum ChatMode {
    OPEN, FOLLOWERS, SLOW;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ChatMode parse(String s) {
        for (ChatMode m : values()) {
            if (m.wire().equals(s)) {
                return m;
            }
        }
        throw io.relaycast.signaling.error.ServiceException.invalid("chatMode must be 'open', 'followers' or 'slow'");
    }
}
