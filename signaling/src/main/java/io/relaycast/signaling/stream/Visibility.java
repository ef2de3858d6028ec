package io.relaycast.signaling.stream;

import java.util.Locale;

/** Who may watch: everybody, or only the owner's followers. */
public enum Visibility {
    PUBLIC, FOLLOWERS;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Visibility parse(String s) {
        for (Visibility v : values()) {
            if (v.wire().equals(s)) {
                return v;
            }
        }
        throw io.relaycast.signaling.error.ServiceException.invalid("visibility must be 'public' or 'followers'");
    }
}
