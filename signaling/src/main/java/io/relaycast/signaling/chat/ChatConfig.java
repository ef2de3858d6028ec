package io.relaycast.signaling.chat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/** {@code relaycast.chat}: message length and the per-user, per-room rate limit. */
public record ChatConfig(int maxLength, int messagesPerWindow, long windowMillis, int maxHistoryPage) {

    public static ChatConfig from(Config c) {
        int max = c.getInt("max-length");
        if (max < 1 || max > 2000) {
            throw new ConfigException.BadValue(c.origin(), "max-length", "must be 1-2000, was " + max);
        }
        int messages = c.getInt("rate-limit.messages");
        if (messages < 1) {
            throw new ConfigException.BadValue(c.origin(), "rate-limit.messages", "must be at least 1");
        }
        long window = c.getDuration("rate-limit.window").toMillis();
        if (window < 1) {
            throw new ConfigException.BadValue(c.origin(), "rate-limit.window", "must be positive");
        }
        int page = c.getInt("max-history-page");
        if (page < 1 || page > 1000) {
            throw new ConfigException.BadValue(c.origin(), "max-history-page", "must be 1-1000");
        }
        return new ChatConfig(max, messages, window, page);
    }
}
