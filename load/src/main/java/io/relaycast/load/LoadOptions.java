package io.relaycast.load;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code ./relaycast load} flags (the contract's "Operations" section): where, how many, how long. Every limit
 * here is checked before anything connects, so a typo is an error with a message and never a half-started run.
 *
 * @param url          the Relaycast's HTTP base (REST, WHIP; Socket.IO is found through /api/v1/config/client)
 * @param streamId     a live stream to watch; null: create one and publish a synthetic stream to it (needs a token
 *                     that may create streams, or dev mode)
 * @param viewers      WebRTC viewers (Socket.IO signaling, ICE, DTLS, SRTP; packets counted, never decoded)
 * @param chatters     Socket.IO chatters in the stream's room, each sending a message every {@code chatInterval}
 * @param duration     how long the full load is held after the ramp
 * @param rampPerSecond viewers and chatters started per second
 * @param token        bearer token for everything; null: dev tokens (dev mode), or anonymous viewers
 * @param publishKbps  the synthetic publisher's video bitrate
 */
public record LoadOptions(URI url, String streamId, int viewers, int chatters, Duration duration, double rampPerSecond,
                          Duration chatInterval, String token, int publishKbps) {
    /** Beyond this one process's sockets and threads stop being the server's load (bench/README.md). */
    public static final int MAX_VIEWERS = 5000;
    public static final int MAX_CHATTERS = 5000;

    public static final String USAGE = """
            Usage: relaycast load [--url http://host:8080] [--stream ID] [--viewers N] [--chatters M]
                                  [--duration 60s] [--ramp 20] [--chat-interval 3s] [--token JWT] [--publish-kbps 1500]

            Runs WebRTC viewers (ICE, DTLS, SRTP in Java; packets counted, not decoded) and Socket.IO chatters
            against any Relaycast, prints a progress line every second and a summary at the end.

              --url URL           the server's HTTP address (default http://localhost:8080)
              --stream ID         watch this live stream; without it, a stream is created and a synthetic
                                  VP8+Opus publisher is sent to it over WHIP (needs --token or dev mode)
              --viewers N         WebRTC viewers (default 10, at most 5000)
              --chatters M        chatters, each sending a message every --chat-interval (default 0, at most 5000)
              --duration D        how long to hold the full load after the ramp (default 60s; 500ms, 20s, 5m)
              --ramp R            viewers and chatters started per second (default 20)
              --chat-interval D   time between one chatter's messages (default 3s; the server's default limit
                                  is 5 messages per 10 s per user)
              --token JWT         bearer token for every client; without it: dev tokens in dev mode (one user
                                  per client), anonymous viewers otherwise
              --publish-kbps K    the synthetic publisher's video bitrate (default 1500)
            Exit status: 0 when every viewer received media and every chatter's messages were delivered,
            1 when some did not, 2 on a usage error, 3 when the target could not be reached or refused.
            """;

    /** Parses the arguments after {@code load}; throws {@link IllegalArgumentException} with a user message. */
    public static LoadOptions parse(String... args) {
        URI url = URI.create("http://localhost:8080");
        String stream = null;
        int viewers = 10;
        int chatters = 0;
        Duration duration = Duration.ofSeconds(60);
        double ramp = 20;
        Duration chatInterval = Duration.ofSeconds(3);
        String token = null;
        int kbps = 1500;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (!name.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + a + "'");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                value = args[++i];
            }
            switch (name) {
                case "--url" -> url = url(value);
                case "--stream" -> stream = value;
                case "--viewers" -> viewers = count(name, value, MAX_VIEWERS);
                case "--chatters" -> chatters = count(name, value, MAX_CHATTERS);
                case "--duration" -> duration = duration(name, value);
                case "--ramp" -> ramp = positive(name, value);
                case "--chat-interval" -> chatInterval = duration(name, value);
                case "--token" -> token = value;
                case "--publish-kbps" -> kbps = count(name, value, 50_000);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (viewers == 0 && chatters == 0) {
            throw new IllegalArgumentException("nothing to run: --viewers and --chatters are both 0");
        }
        if (chatInterval.toMillis() < 100) {
            throw new IllegalArgumentException("--chat-interval must be at least 100ms");
        }
        return new LoadOptions(url, stream, viewers, chatters, duration, ramp, chatInterval, token, Math.max(kbps, 50));
    }

    private static URI url(String v) {
        try {
            URI u = URI.create(v.endsWith("/") ? v.substring(0, v.length() - 1) : v);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url must be http(s)://host[:port], not '" + v + "'");
        }
    }

    private static int count(String name, String v, int max) {
        try {
            int n = Integer.parseInt(v);
            if (n < 0 || n > max) {
                throw new IllegalArgumentException(name + " must be between 0 and " + max + ", not " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + v + "'");
        }
    }

    private static double positive(String name, String v) {
        try {
            double d = Double.parseDouble(v);
            if (!(d > 0) || Double.isInfinite(d)) {
                throw new IllegalArgumentException(name + " must be a positive number, not " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + v + "'");
        }
    }

    /** {@code 500ms}, {@code 20s}, {@code 5m}, {@code 1h}; a bare number is seconds. */
    static Duration duration(String name, String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 1000));
            } else if (s.endsWith("m")) {
                d = Duration.ofSeconds(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 60));
            } else if (s.endsWith("h")) {
                d = Duration.ofSeconds(Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) * 3600));
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(s) * 1000));
            }
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(1)) > 0) {
                throw new IllegalArgumentException(name + " must be between 1ms and 24h, not " + v);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a duration such as 500ms, 20s or 5m, not '" + v + "'");
        }
    }
}
