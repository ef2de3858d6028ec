package io.relaycast.web.pages;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

import java.util.List;
import java.util.regex.Pattern;

/**
 * {@code relaycast.embed}: which sites may frame the embeddable player ({@code /embed/{streamId}}), as CSP
 * {@code frame-ancestors} sources (CSP Level 3 section 6.4.2). Every other page keeps {@code frame-ancestors 'self'}.
 *
 * @param frameAncestors {@code *} (any site), {@code 'self'}, or origins such as {@code https://shop.example.com} or
 *                       {@code https://*.example.com}; never empty
 */
public record EmbedConfig(List<String> frameAncestors) {
    /**
     * A CSP host-source with a scheme, or {@code *}: nothing that could end the directive or the header (no
     * spaces, quotes, semicolons or commas), so the list goes into the header as it is.
     */
    private static final Pattern SOURCE = Pattern.compile("\\*|'self'|https?://(\\*\\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?");

    public EmbedConfig {
        frameAncestors = List.copyOf(frameAncestors);
    }

    public static EmbedConfig from(Config c) {
        List<String> sources = c.getStringList("frame-ancestors");
        if (sources.isEmpty()) {
            throw new ConfigException.BadValue(c.origin(), "frame-ancestors",
                    "list at least one origin, \"*\", or \"'self'\" to forbid other sites");
        }
        for (String s : sources) {
            if (!SOURCE.matcher(s).matches()) {
                throw new ConfigException.BadValue(c.origin(), "frame-ancestors",
                        "'" + s + "' is not \"*\", 'self' or an origin like https://shop.example.com (no path, no quotes)");
            }
        }
        return new EmbedConfig(sources);
    }

    /** The value for {@code frame-ancestors}: the sources, space-separated. */
    String directive() {
        return String.join(" ", frameAncestors);
    }
}
