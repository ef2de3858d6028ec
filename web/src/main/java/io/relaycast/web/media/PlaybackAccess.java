package io.relaycast.web.media;

import io.javalin.http.Context;
import io.relaycast.signaling.error.ErrorCode;
import io.relaycast.signaling.error.ServiceException;
import io.relaycast.signaling.stream.Stream;
import io.relaycast.signaling.stream.Visibility;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may fetch a stream's media files (HLS playlists and segments, live thumbnails, VOD files). A public stream's
 * media is open when anonymous viewers are allowed; any other stream's (followers-only, or every stream when
 * {@code auth.allow-anonymous-viewers = false}) needs a playback token minted for that stream, handed out only to
 * a caller the API let see the stream (join answers, stream and recording views). Private media is marked
 * {@code Cache-Control: private}: a shared cache must never hand it to someone else.
 */
public final class PlaybackAccess {
    /** Visibility is looked up per media request; segments come every second per viewer, so it is kept briefly. */
    private static final long CACHE_NANOS = 2_000_000_000L;
    private static final int CACHE_MAX = 10_000;
    private static final Pattern URI_ATTR = Pattern.compile("URI=\"([^\"]*)\"");

    private final PlaybackTokens tokens;
    private final boolean allowAnonymousViewers;
    private final Function<String, Optional<Stream>> lookup;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** What a media request was granted: {@code token} is null for open media, which may be cached publicly. */
    public record Grant(String token) {
        public boolean restricted() {
            return token != null;
        }
    }

    private record Cached(boolean restricted, long at) {
    }

    public PlaybackAccess(PlaybackTokens tokens, boolean allowAnonymousViewers, Function<String, Optional<Stream>> lookup) {
        this.tokens = tokens;
        this.allowAnonymousViewers = allowAnonymousViewers;
        this.lookup = lookup;
    }

    /** Does this stream's media need a token? */
    public boolean restricted(Stream s) {
        return s.visibility() != Visibility.PUBLIC || !allowAnonymousViewers;
    }

    /**
     * {@code url} as handed to a caller who may watch {@code s}: with a fresh token appended when the stream's
     * media is restricted. Call only after the caller's access to the stream was checked.
     */
    public String forViewer(String url, Stream s) {
        if (!restricted(s)) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "token=" + tokens.mint(s.id());
    }

    /**
     * Checks a media request for {@code streamId}. Empty for an unknown stream (the caller answers 404); a 401
     * without a token, a 403 with one that is wrong, expired or minted for another stream.
     */
    public Optional<Grant> check(Context ctx, String streamId) {
        Cached c = cache.get(streamId);
        long now = System.nanoTime();
        if (c == null || now - c.at() > CACHE_NANOS) {
            Optional<Stream> s = lookup.apply(streamId);
            if (s.isEmpty()) {
                cache.remove(streamId);
                return Optional.empty();
            }
            if (cache.size() >= CACHE_MAX) {
                cache.clear(); // a bound, not an LRU: a refill costs one lookup per stream
            }
            c = new Cached(restricted(s.get()), now);
            cache.put(streamId, c);
        }
        if (!c.restricted()) {
            return Optional.of(new Grant(null));
        }
        String token = ctx.queryParam("token");
        if (token == null || token.isEmpty()) {
            throw new ServiceException(ErrorCode.UNAUTHENTICATED,
                    "this stream's media needs a playback token: use the URLs from /join or the stream's details");
        }
        if (!tokens.valid(streamId, token)) {
            throw new ServiceException(ErrorCode.FORBIDDEN, "the playback token is expired or not for this stream");
        }
        return Optional.of(new Grant(token));
    }

    /**
     * A playlist with {@code token} carried onto every URI it names (RFC 8216 section 4: URI lines, and the
     * {@code URI="..."} attributes of tags such as EXT-X-MAP or EXT-X-PART): players resolve relative URIs against
     * the playlist's URL without its query, so a token only on the playlist's own URL would not reach the segments.
     */
    public static String withToken(String playlist, String token) {
        return withQuery(playlist, "token=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
    }

    /** A playlist with the query parameter {@code q} ({@code name=value}, encoded) added to every URI it names. */
    public static String withQuery(String playlist, String q) {
        StringBuilder out = new StringBuilder(playlist.length() + 64);
        for (String line : playlist.split("\n", -1)) {
            String t = line.strip();
            if (t.isEmpty()) {
                out.append(line);
            } else if (t.startsWith("#")) {
                Matcher m = URI_ATTR.matcher(line);
                StringBuilder b = new StringBuilder();
                while (m.find()) {
                    m.appendReplacement(b, Matcher.quoteReplacement("URI=\"" + append(m.group(1), q) + "\""));
                }
                m.appendTail(b);
                out.append(b);
            } else {
                out.append(append(t, q));
            }
            out.append('\n');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }

    private static String append(String uri, String q) {
        return uri + (uri.contains("?") ? "&" : "?") + q;
    }
}
