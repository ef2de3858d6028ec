package io.relaycast.web.turn;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code turn:} / {@code turns:} URL (RFC 7065): {@code turn:host:port?transport=udp|tcp}. */
public record TurnUrl(boolean secure, String host, int port, String transport) {
    private static final Pattern FORM = Pattern.compile("(turns?):([^:?\\[\\]]+)(?::(\\d+))?(?:\\?transport=(udp|tcp))?");

    public static TurnUrl parse(String url) {
        Matcher m = FORM.matcher(url);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a turn: URL we understand: " + url);
        }
        boolean secure = m.group(1).equals("turns");
        int port = m.group(3) != null ? Integer.parseInt(m.group(3)) : secure ? 5349 : 3478;
        // RFC 7065 section 3: no transport means UDP for turn:, TCP (over TLS) for turns:
        String transport = m.group(4) != null ? m.group(4) : secure ? "tcp" : "udp";
        return new TurnUrl(secure, m.group(2), port, transport);
    }

    public String label() {
        return (secure ? "TLS" : transport.toUpperCase(java.util.Locale.ROOT));
    }
}
