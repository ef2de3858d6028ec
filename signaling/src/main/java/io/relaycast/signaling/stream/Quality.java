package io.relaycast.signaling.stream;

import java.util.List;

/** The broadcast quality presets of the contract, lowest first. */
public final class Quality {
    public static final List<String> PRESETS = List.of("144p", "240p", "360p", "480p", "720p", "1080p", "1440p", "2160p");
    public static final String DEFAULT = "720p";

    private Quality() {
    }

    public static String parse(String s) {
        if (!PRESETS.contains(s)) {
            throw io.relaycast.signaling.error.ServiceException.invalid("quality must be one of " + PRESETS);
        }
        return s;
    }
}
