package io.relaycast.signaling.reaction;

import io.relaycast.signaling.error.ServiceException;

import java.util.Locale;

/** The five reactions of the contract. */
public enum ReactionType {
    LIKE, LOVE, FIRE, CLAP, WOW;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ReactionType parse(String s) {
        for (ReactionType t : values()) {
            if (t.wire().equals(s)) {
                return t;
            }
        }
        throw ServiceException.invalid("type must be one of like, love, fire, clap, wow");
    }
}
