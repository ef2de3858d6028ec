package io.relaycast.web.media;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.relaycast.hls.HlsBridge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The HLS bridge's live files and the directory's live thumbnails. Names are matched against what ffmpeg writes
 * (never joined from raw URL text): {@code /hls/{streamId}/master.m3u8}, {@code /hls/{streamId}/r{N}/index.m3u8},
 * {@code /hls/{streamId}/r{N}/{token}-{seq}.ts}, {@code /thumbnails/{streamId}.jpg}. CORS comes from the API's
 * allow-list filter, which runs on every path. Access follows the stream's visibility ({@link PlaybackAccess}):
 * restricted streams need {@code ?token=}, their playlists carry it onto every URI, and nothing of theirs may be
 * kept by a shared cache.
 */
public final class HlsRoutes {
    private static final Pattern STREAM = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern RENDITION = Pattern.compile("r\\d{1,2}");
    private static final Pattern SEGMENT = Pattern.compile("[0-9a-f]{6}-\\d{5,9}\\.ts");
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
            live(ctx, rendition + "/index.m3u8", true);
        } else if (SEGMENT.matcher(file).matches()) {
            live(ctx, rendition + "/" + file, false);
        } else {
            notFound(ctx);
        }
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
            FileResponses.serve(ctx, file, "video/mp2t", restricted ? PRIVATE_SEGMENT_CACHE : SEGMENT_CACHE);
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
