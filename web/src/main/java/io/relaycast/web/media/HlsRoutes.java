package io.relaycast.web.media;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.hls.HlsBridge;
import io.relaycast.hls.LlHlsQuery;
import io.relaycast.hls.PartTracker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The HLS bridge's live files and the directory's live thumbnails. Names are matched against what the bridge writes
 * (never joined from raw URL text): {@code /hls/{streamId}/master.m3u8}, {@code /hls/{streamId}/r{N}/index.m3u8}
 * (the Low-Latency HLS media playlist, from memory, with blocking reload), {@code /hls/{streamId}/r{N}/{token}-p{seq}.m4s}
 * (a part), {@code {token}-s{msn}.m4s} (a segment), {@code {token}-init{N}.mp4} (an init segment),
 * {@code /thumbnails/{streamId}.jpg}. CORS comes from the API's allow-list filter, which runs on every path. Access
 * follows the stream's visibility ({@link PlaybackAccess}): restricted streams need {@code ?token=}, their playlists
 * carry it onto every URI, and nothing of theirs may be kept by a shared cache.
 *
 * <p>A blocking reload ({@code _HLS_msn}/{@code _HLS_part}, RFC 8216bis §6.2.5.2) or a request for the
 * preload-hinted part holds no thread while it waits: the request is suspended on the tracker's future
 * ({@code ctx.future}, Jetty's async servlet support) and answered when the part is published, with 503 after
 * {@code relaycast.hls.blocking-reload-timeout}.
 */
public final class HlsRoutes {
    private static final Pattern STREAM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern RENDITION = Pattern.compile("r\\d{1,2}");
    private static final Pattern PART = Pattern.compile("[0-9a-f]{6}-p(\\d{7,12})\\.m4s");
    private static final Pattern SEGMENT = Pattern.compile("[0-9a-f]{6}-s\\d{6,12}\\.m4s");
    private static final Pattern INIT = Pattern.compile("[0-9a-f]{6}-init\\d{1,6}\\.mp4");
    private static final String MEDIA_TYPE = "video/mp4";
    private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    /** Playlists change every segment: players must revalidate each time. */
    private static final String PLAYLIST_CACHE = "no-cache";
    /** A segment never changes under its name (names carry a per-session token): cache it as long as it lives. */
    private static final String SEGMENT_CACHE = "public, max-age=86400, immutable";
    /** Restricted media: the viewer's own browser may keep it, a shared cache (CDN, proxy) must not. */
    private static final String PRIVATE_PLAYLIST_CACHE = "private, no-cache";
    private static final String PRIVATE_SEGMENT_CACHE = "private, max-age=86400, immutable";

    private final HlsBridge hls;
    private final Path thumbnails;
    private final PlaybackAccess access;
    /** Viewer sessions of HLS players; null: not counted. */
    private final HlsViewers viewers;
    private Function<String, Optional<String>> originUrl = id -> Optional.empty();

    public HlsRoutes(HlsBridge hls, Path thumbnails, PlaybackAccess access, HlsViewers viewers) {
        this.hls = hls;
        this.thumbnails = thumbnails;
        this.access = access;
        this.viewers = viewers;
    }

    /**
     * Clustered: the stream's origin node when it is another one ({@code Cluster.elsewhere}). HLS and thumbnails are
     * made only there; a request for them that reached this node is redirected to it (decision 305).
     */
    public HlsRoutes redirectTo(Function<String, Optional<String>> originUrl) {
        this.originUrl = originUrl;
        return this;
    }

    public void register(Javalin app) {
        app.get("/hls/{streamId}/master.m3u8", ctx -> live(ctx, "master.m3u8", true));
        app.get("/hls/{streamId}/{rendition}/{file}", this::renditionFile);
        app.get("/thumbnails/{file}", this::thumbnail);
    }

    private void renditionFile(Context ctx) throws IOException {
        String rendition = ctx.pathParam("rendition");
        String file = ctx.pathParam("file");
        if (!RENDITION.matcher(rendition).matches()) {
            notFound(ctx);
        } else if (file.equals("index.m3u8")) {
            mediaPlaylist(ctx, Integer.parseInt(rendition.substring(1)));
        } else if (SEGMENT.matcher(file).matches() || INIT.matcher(file).matches()) {
            live(ctx, rendition + "/" + file, false);
        } else if (PART.matcher(file).matches()) {
            part(ctx, Integer.parseInt(rendition.substring(1)), file);
        } else {
            notFound(ctx);
        }
    }

    /** The rendition's LL-HLS playlist, at once or when it satisfies the request's _HLS_msn/_HLS_part. */
    private void mediaPlaylist(Context ctx, int rendition) {
        String streamId = ctx.pathParam("streamId");
        if (!STREAM.matcher(streamId).matches()) {
            notFound(ctx);
            return;
        }
        Optional<PlaybackAccess.Grant> grant = access.check(ctx, streamId);
        PartTracker tracker = hls == null || grant.isEmpty() ? null : hls.playlist(streamId, rendition);
        if (tracker == null) {
            if (grant.isEmpty() || !redirectToOrigin(ctx, streamId)) {
                notFound(ctx); // not live here, or no ladder yet
            }
            return;
        }
        if (viewers != null) {
            viewers.seen(ctx.queryParam("vs"), streamId, ctx.ip()); // the player is still there
        }
        LlHlsQuery query;
        CompletableFuture<String> ready;
        try {
            // _HLS_skip is accepted and ignored: no CAN-SKIP-UNTIL is advertised, so the full playlist is the answer
            query = LlHlsQuery.parse(ctx.queryParam("_HLS_msn"), ctx.queryParam("_HLS_part"));
            ready = tracker.await(query);
        } catch (IllegalArgumentException e) { // malformed, or too far ahead (PartTracker.TooFarAhead)
            ctx.status(400).contentType("text/plain").result(e.getMessage());
            return;
        }
        boolean restricted = grant.get().restricted();
        String token = grant.get().token();
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            playlistAnswer(ctx, ready.join(), restricted, token);
            return;
        }
        ctx.future(() -> ready.handle((text, error) -> {
            if (error == null) {
                playlistAnswer(ctx, text, restricted, token);
            } else {
                waitFailed(ctx, error);
            }
            return null;
        }));
    }

    private static void playlistAnswer(Context ctx, String text, boolean restricted, String token) {
        if (text == null) {
            notFound(ctx); // no part yet
            return;
        }
        if (restricted) {
            text = PlaybackAccess.withToken(text, token);
        }
        ctx.header("Cache-Control", restricted ? PRIVATE_PLAYLIST_CACHE : PLAYLIST_CACHE).contentType(PLAYLIST_TYPE)
                .result(text);
    }

    private static void waitFailed(Context ctx, Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            // §6.2.5.2: the part did not come within the wait: the client retries
            ctx.status(503).header("Retry-After", "1").contentType("text/plain").result("the part is late");
        } else {
            notFound(ctx); // the stream ended while it waited
        }
    }

    /** A part: served when complete; the one the playlist's EXT-X-PRELOAD-HINT names is waited for (§4.4.5.3). */
    private void part(Context ctx, int rendition, String file) throws IOException {
        String streamId = ctx.pathParam("streamId");
        if (!STREAM.matcher(streamId).matches()) {
            notFound(ctx);
            return;
        }
        Optional<PlaybackAccess.Grant> grant = access.check(ctx, streamId);
        PartTracker tracker = hls == null || grant.isEmpty() ? null : hls.playlist(streamId, rendition);
        Matcher m = PART.matcher(file);
        if (tracker == null || !m.matches()) {
            if (grant.isEmpty() || !m.matches() || !redirectToOrigin(ctx, streamId)) {
                notFound(ctx);
            }
            return;
        }
        long seq = Long.parseLong(m.group(1));
        CompletableFuture<String> ready = tracker.awaitPart(seq);
        if (ready == null) {
            notFound(ctx);
            return;
        }
        if (ready.isDone() && !ready.isCompletedExceptionally()) {
            live(ctx, "r" + rendition + "/" + file, false);
            return;
        }
        ctx.future(() -> ready.handle((text, error) -> {
            if (error != null) {
                waitFailed(ctx, error);
                return null;
            }
            try {
                live(ctx, "r" + rendition + "/" + file, false);
            } catch (IOException e) {
                notFound(ctx);
            }
            return null;
        }));
    }

    private void live(Context ctx, String relative, boolean playlist) throws IOException {
        String streamId = ctx.pathParam("streamId");
        if (!STREAM.matcher(streamId).matches()) {
            notFound(ctx);
            return;
        }
        Optional<PlaybackAccess.Grant> grant = access.check(ctx, streamId); // before any file: no existence oracle
        Path dir = hls == null || grant.isEmpty() ? null : hls.directory(streamId);
        Path file = dir == null ? null : dir.resolve(relative);
        if (file == null || !Files.isRegularFile(file)) {
            if (grant.isEmpty() || !redirectToOrigin(ctx, streamId)) {
                notFound(ctx); // not live, not yet written, or slid out of the window
            }
            return;
        }
        boolean restricted = grant.get().restricted();
        boolean master = relative.equals("master.m3u8");
        if (playlist && !master && viewers != null) {
            viewers.seen(ctx.queryParam("vs"), streamId, ctx.ip()); // the player is still there
        }
        if (!playlist) {
            FileResponses.serve(ctx, file, MEDIA_TYPE, restricted ? PRIVATE_SEGMENT_CACHE : SEGMENT_CACHE);
        } else if (!restricted && !(master && viewers != null)) {
            FileResponses.serve(ctx, file, PLAYLIST_TYPE, PLAYLIST_CACHE);
        } else {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                notFound(ctx); // replaced between the check and the read
                return;
            }
            if (restricted) {
                text = PlaybackAccess.withToken(text, grant.get().token());
            }
            if (master && viewers != null) {
                // this player's viewer session id rides on every variant URI (see HlsViewers)
                text = PlaybackAccess.withQuery(text, "vs=" + viewers.mint(streamId));
            }
            ctx.header("Cache-Control", restricted ? PRIVATE_PLAYLIST_CACHE : PLAYLIST_CACHE).contentType(PLAYLIST_TYPE)
                    .result(text);
        }
    }

    private void thumbnail(Context ctx) throws IOException {
        String name = ctx.pathParam("file");
        if (!name.endsWith(".jpg") || !STREAM.matcher(name.substring(0, name.length() - 4)).matches()) {
            notFound(ctx);
            return;
        }
        Optional<PlaybackAccess.Grant> grant = access.check(ctx, name.substring(0, name.length() - 4));
        Path file = thumbnails.resolve(name);
        if (grant.isEmpty() || !Files.isRegularFile(file)) {
            if (grant.isEmpty() || !redirectToOrigin(ctx, name.substring(0, name.length() - 4))) {
                notFound(ctx);
            }
            return;
        }
        // refreshed every 30 s: a short cache keeps the directory's reloads cheap without going stale
        FileResponses.serve(ctx, file, "image/jpeg", (grant.get().restricted() ? "private" : "public") + ", max-age=10");
    }

    /**
     * 307 to the same path and query on the stream's origin node, if another node is its origin. The query keeps
     * the playback token (valid on every node: same secret) and the HLS viewer session; a player resolves the
     * playlist's relative URIs against the URL it was redirected to, so segments go straight to the origin.
     */
    private boolean redirectToOrigin(Context ctx, String streamId) {
        Optional<String> origin = originUrl.apply(streamId);
        if (origin.isEmpty()) {
            return false;
        }
        String query = ctx.queryString();
        ctx.header("Cache-Control", "no-store"); // the origin moves when the broadcaster reconnects elsewhere
        ctx.redirect(origin.get() + ctx.path() + (query == null || query.isEmpty() ? "" : "?" + query),
                io.javalin.http.HttpStatus.TEMPORARY_REDIRECT);
        return true;
    }

    private static void notFound(Context ctx) {
        ctx.status(404).contentType("text/plain").result("not found");
    }
}
